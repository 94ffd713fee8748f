// Shared request tables: one configuration, many requests, the decision each must get (spec §2–§5).
// Used by the filter's unit tests (tests/unit/filter.test.ts) and reusable by benchmarks (same shape as
// jub0bs/cors's MiddlewareTestCase: a config paired with the requests it is judged on).
//
// `decision` is what the pure decision function returns (tests/unit/assembly/filter.ts `decideRequest`):
//   `<kind> <verdict> <reason> reply=<forward|403|preflight|stripped> vary=<none|origin|preflight> [grant…]`
// or `no_policy` when no policy applies (no global config and no matching rule).

export interface RequestCase {
  name: string;
  method: string;
  scheme?: string; // default "http"
  /** `host` becomes :authority. */
  headers: Record<string, string>;
  /** xds.route_name / xds.cluster_name */
  props?: { route_name?: string; cluster_name?: string };
  decision: string;
}

export interface RequestTable {
  name: string;
  config: Record<string, unknown>;
  requests: RequestCase[];
}

const APP = "https://app.example.com";
const EVIL = "https://evil.example.com";
const HOST = "api.example.net";

const SPA = {
  allow_origins: [APP],
  allow_methods: ["GET", "PUT", "DELETE"],
  allow_headers: ["Content-Type", "X-Request-Id"],
  expose_headers: ["X-Trace-Id"],
  allow_credentials: true,
  max_age: 600,
};

export const requestTables: RequestTable[] = [
  {
    name: "one SPA origin with credentials",
    config: SPA,
    requests: [
      { name: "no Origin: not CORS, still varies", method: "GET", headers: { host: HOST }, decision: "not_cors skipped no_origin reply=forward vary=origin" },
      { name: "allowed actual", method: "GET", headers: { host: HOST, origin: APP }, decision: `actual allowed allowed reply=forward vary=origin acao=${APP} acac aceh=X-Trace-Id` },
      { name: "allowed actual, upper case origin echoed byte for byte", method: "GET", headers: { host: HOST, origin: "HTTPS://APP.EXAMPLE.COM:443" }, decision: "actual allowed allowed reply=forward vary=origin acao=HTTPS://APP.EXAMPLE.COM:443 acac aceh=X-Trace-Id" },
      { name: "safelisted method not listed", method: "POST", headers: { host: HOST, origin: APP }, decision: `actual allowed allowed reply=forward vary=origin acao=${APP} acac aceh=X-Trace-Id` },
      { name: "actual with an unlisted method", method: "PATCH", headers: { host: HOST, origin: APP }, decision: "actual rejected method_not_allowed reply=forward vary=origin" },
      { name: "method compared byte for byte", method: "get", headers: { host: HOST, origin: APP }, decision: "actual rejected method_not_allowed reply=forward vary=origin" },
      { name: "other origin", method: "GET", headers: { host: HOST, origin: EVIL }, decision: "actual rejected origin_not_allowed reply=forward vary=origin" },
      { name: "suffix attack", method: "GET", headers: { host: HOST, origin: "https://app.example.com.evil.com" }, decision: "actual rejected origin_not_allowed reply=forward vary=origin" },
      { name: "userinfo attack", method: "GET", headers: { host: HOST, origin: "https://app.example.com@evil.com" }, decision: "actual rejected origin_malformed reply=forward vary=origin" },
      { name: "two origins (joined lines)", method: "GET", headers: { host: HOST, origin: `${APP},${APP}` }, decision: "actual rejected origin_malformed reply=forward vary=origin" },
      { name: "empty Origin is malformed, not missing", method: "GET", headers: { host: HOST, origin: "" }, decision: "actual rejected origin_malformed reply=forward vary=origin" },
      { name: "null is not allowed", method: "GET", headers: { host: HOST, origin: "null" }, decision: "actual rejected origin_not_allowed reply=forward vary=origin" },
      { name: "over-long origin", method: "GET", headers: { host: HOST, origin: "https://" + "a".repeat(2100) }, decision: "actual rejected origin_malformed reply=forward vary=origin" },
      { name: "same-origin by sec-fetch-site", method: "POST", headers: { host: HOST, origin: "https://www.example.net", "sec-fetch-site": "same-origin" }, decision: "not_cors skipped same_origin reply=forward vary=origin" },
      { name: "same-origin by scheme/host/port", method: "POST", headers: { host: "API.example.net:80", origin: "http://api.example.net" }, decision: "not_cors skipped same_origin reply=forward vary=origin" },
      { name: "same-origin behind TLS termination (x-forwarded-proto)", method: "POST", headers: { host: HOST, origin: `https://${HOST}`, "x-forwarded-proto": " HTTPS , http" }, decision: "not_cors skipped same_origin reply=forward vary=origin" },
      { name: "x-forwarded-proto wins over :scheme", method: "POST", scheme: "https", headers: { host: HOST, origin: `https://${HOST}`, "x-forwarded-proto": "http" }, decision: "actual rejected origin_not_allowed reply=forward vary=origin" },
      { name: "same host, other port", method: "POST", headers: { host: `${HOST}:8080`, origin: `http://${HOST}` }, decision: "actual rejected origin_not_allowed reply=forward vary=origin" },
      { name: "IPv6 same-origin", method: "POST", headers: { host: "[::1]:8080", origin: "http://[::1]:8080" }, decision: "not_cors skipped same_origin reply=forward vary=origin" },
      { name: "allowed preflight", method: "OPTIONS", headers: { host: HOST, origin: APP, "access-control-request-method": "PUT", "access-control-request-headers": "content-type,x-request-id" }, decision: `preflight allowed allowed reply=preflight vary=preflight acao=${APP} acac acam=GET,PUT,DELETE acah=Content-Type,X-Request-Id acma=600` },
      { name: "preflight: safelisted ACRM need not be listed", method: "OPTIONS", headers: { host: HOST, origin: APP, "access-control-request-method": "POST" }, decision: `preflight allowed allowed reply=preflight vary=preflight acao=${APP} acac acam=GET,PUT,DELETE acma=600` },
      { name: "preflight: unlisted method", method: "OPTIONS", headers: { host: HOST, origin: APP, "access-control-request-method": "PATCH" }, decision: "preflight rejected method_not_allowed reply=403 vary=preflight" },
      { name: "preflight: empty ACRM is present and fails", method: "OPTIONS", headers: { host: HOST, origin: APP, "access-control-request-method": "" }, decision: "preflight rejected method_not_allowed reply=403 vary=preflight" },
      { name: "preflight: two ACRM lines joined", method: "OPTIONS", headers: { host: HOST, origin: APP, "access-control-request-method": "PUT,DELETE" }, decision: "preflight rejected method_not_allowed reply=403 vary=preflight" },
      { name: "preflight: header not allowed", method: "OPTIONS", headers: { host: HOST, origin: APP, "access-control-request-method": "PUT", "access-control-request-headers": "content-type,x-evil" }, decision: "preflight rejected header_not_allowed reply=403 vary=preflight" },
      { name: "preflight: malformed header list", method: "OPTIONS", headers: { host: HOST, origin: APP, "access-control-request-method": "PUT", "access-control-request-headers": "content-type x" }, decision: "preflight rejected headers_malformed reply=403 vary=preflight" },
      { name: "preflight: 65 elements", method: "OPTIONS", headers: { host: HOST, origin: APP, "access-control-request-method": "PUT", "access-control-request-headers": ",".repeat(64) }, decision: "preflight rejected headers_too_many reply=403 vary=preflight" },
      { name: "preflight: other origin (origin checked first)", method: "OPTIONS", headers: { host: HOST, origin: EVIL, "access-control-request-method": "PATCH" }, decision: "preflight rejected origin_not_allowed reply=403 vary=preflight" },
      { name: "OPTIONS without ACRM is an actual request", method: "OPTIONS", headers: { host: HOST, origin: APP }, decision: "actual rejected method_not_allowed reply=forward vary=origin" },
      { name: "lower-case options is not a preflight", method: "options", headers: { host: HOST, origin: APP, "access-control-request-method": "PUT" }, decision: "actual rejected method_not_allowed reply=forward vary=origin" },
      { name: "same-origin preflight is not CORS", method: "OPTIONS", headers: { host: HOST, origin: `http://${HOST}`, "access-control-request-method": "PUT" }, decision: "not_cors skipped same_origin reply=forward vary=origin" },
    ],
  },
  {
    name: "public API with a literal *",
    config: { allow_origins: ["*"], allow_methods: ["GET", "PUT"], expose_headers: ["X-Total"], allow_private_network: true, timing_allow_origins: ["*"] },
    requests: [
      { name: "no Origin: ACAO * and ACEH anyway, no Vary", method: "GET", headers: { host: HOST }, decision: "not_cors skipped no_origin reply=forward vary=none acao=* aceh=X-Total" },
      { name: "same-origin: the same answer", method: "GET", headers: { host: HOST, origin: `http://${HOST}` }, decision: "not_cors skipped same_origin reply=forward vary=none acao=* aceh=X-Total" },
      { name: "any origin", method: "GET", headers: { host: HOST, origin: EVIL }, decision: "actual allowed allowed reply=forward vary=none acao=* aceh=X-Total tao=*" },
      { name: "malformed origin: not even parsed for the grant", method: "GET", headers: { host: HOST, origin: "garbage, more" }, decision: "actual allowed allowed reply=forward vary=none acao=* aceh=X-Total tao=*" },
      { name: "null", method: "GET", headers: { host: HOST, origin: "null" }, decision: "actual allowed allowed reply=forward vary=none acao=* aceh=X-Total tao=*" },
      { name: "unlisted method: no grant", method: "DELETE", headers: { host: HOST, origin: EVIL }, decision: "actual rejected method_not_allowed reply=forward vary=none" },
      { name: "preflight: ACAO *, still varies; PNA granted", method: "OPTIONS", headers: { host: HOST, origin: EVIL, "access-control-request-method": "PUT", "access-control-request-private-network": "true" }, decision: "preflight allowed allowed reply=preflight vary=preflight acao=* acam=GET,PUT acma=86400 acapn" },
      { name: "preflight: PNA only for exactly true", method: "OPTIONS", headers: { host: HOST, origin: EVIL, "access-control-request-method": "PUT", "access-control-request-private-network": "yes" }, decision: "preflight allowed allowed reply=preflight vary=preflight acao=* acam=GET,PUT acma=86400" },
    ],
  },
  {
    name: "literal * with a timing list of specific origins: Timing-Allow-Origin depends on the Origin, so it varies",
    config: { allow_origins: ["*"], timing_allow_origins: [APP] },
    requests: [
      { name: "listed origin: TAO echoed, Vary: Origin", method: "GET", headers: { host: HOST, origin: APP }, decision: `actual allowed allowed reply=forward vary=origin acao=* tao=${APP}` },
      { name: "other origin: no TAO, Vary: Origin", method: "GET", headers: { host: HOST, origin: EVIL }, decision: "actual allowed allowed reply=forward vary=origin acao=*" },
      { name: "no Origin: ACAO *, Vary: Origin", method: "GET", headers: { host: HOST }, decision: "not_cors skipped no_origin reply=forward vary=origin acao=*" },
    ],
  },
  {
    name: "* for methods and headers: echoed, only tokens",
    config: { allow_origin_patterns: ["https://*.example.com:[*]"], allow_methods: ["*"], allow_headers: ["*"], max_age: 0 },
    requests: [
      { name: "echo ACRM and the validated, lower-cased names", method: "OPTIONS", headers: { host: HOST, origin: "https://a.b.example.com:8443", "access-control-request-method": "PROPFIND", "access-control-request-headers": " X-A ,, x-b" }, decision: "preflight allowed allowed reply=preflight vary=preflight acao=https://a.b.example.com:8443 acam=PROPFIND acah=x-a,x-b acma=0" },
      { name: "no ACAH for an empty list", method: "OPTIONS", headers: { host: HOST, origin: "https://a.example.com", "access-control-request-method": "PUT", "access-control-request-headers": "" }, decision: "preflight allowed allowed reply=preflight vary=preflight acao=https://a.example.com acam=PUT acma=0" },
      { name: "a non-token ACRM is never echoed", method: "OPTIONS", headers: { host: HOST, origin: "https://a.example.com", "access-control-request-method": "PUT X-Evil" }, decision: "preflight rejected method_not_allowed reply=403 vary=preflight" },
      { name: "pattern never matches the bare domain", method: "GET", headers: { host: HOST, origin: "https://example.com" }, decision: "actual rejected origin_not_allowed reply=forward vary=origin" },
      { name: "any method on actual requests", method: "PURGE", headers: { host: HOST, origin: "https://a.example.com" }, decision: "actual allowed allowed reply=forward vary=origin acao=https://a.example.com" },
    ],
  },
  {
    name: "strip, preflight_continue, reject_actual, timing",
    config: { allow_origins: [APP, "https://b.example.com"], on_disallowed: "strip", preflight_continue: true, reject_actual: true, timing_allow_origins: [APP], preflight_status: 204 },
    requests: [
      { name: "allowed preflight is forwarded", method: "OPTIONS", headers: { host: HOST, origin: APP, "access-control-request-method": "PUT" }, decision: `preflight allowed allowed reply=forward vary=preflight acao=${APP} acam=GET,PUT,POST,DELETE,PATCH,OPTIONS acma=86400` },
      { name: "disallowed preflight: forwarded without a grant", method: "OPTIONS", headers: { host: HOST, origin: EVIL, "access-control-request-method": "PUT" }, decision: "preflight rejected origin_not_allowed reply=forward vary=preflight" },
      { name: "disallowed actual: 403", method: "POST", headers: { host: HOST, origin: EVIL, "sec-fetch-mode": "cors" }, decision: "actual rejected origin_not_allowed reply=403 vary=origin" },
      { name: "disallowed navigation: forwarded", method: "POST", headers: { host: HOST, origin: "null", "sec-fetch-mode": "navigate" }, decision: "actual rejected origin_not_allowed reply=forward vary=origin" },
      { name: "disallowed nested navigation: forwarded", method: "POST", headers: { host: HOST, origin: EVIL, "sec-fetch-mode": "nested-navigate" }, decision: "actual rejected origin_not_allowed reply=forward vary=origin" },
      { name: "timing origin listed: echoed", method: "GET", headers: { host: HOST, origin: APP }, decision: `actual allowed allowed reply=forward vary=origin acao=${APP} tao=${APP}` },
      { name: "allowed but not in timing list", method: "GET", headers: { host: HOST, origin: "https://b.example.com" }, decision: "actual allowed allowed reply=forward vary=origin acao=https://b.example.com" },
    ],
  },
  {
    name: "strip without preflight_continue",
    config: { allow_origins: [APP], on_disallowed: "strip" },
    requests: [
      { name: "disallowed preflight: local reply without a grant", method: "OPTIONS", headers: { host: HOST, origin: EVIL, "access-control-request-method": "PUT" }, decision: "preflight rejected origin_not_allowed reply=stripped vary=preflight" },
    ],
  },
  {
    name: "Higress _rules_: first match wins, then global",
    config: {
      allow_origins: ["https://global.example.com"],
      _rules_: [
        { allow_origins: ["https://route.example.com"], _match_route_: ["default/foo"], _match_domain_: ["ignored.example.com"] },
        { allow_origins: ["https://both.example.com"], _match_route_: ["default/bar"], _match_service_: ["svc.ns.svc.cluster.local:8080"] },
        { allow_origins: ["https://domain.example.com"], _match_domain_: ["*.example.org", "EDGE.example.net"] },
        { allow_origins: ["https://service.example.com"], _match_service_: ["backend.default.svc.cluster.local"] },
      ],
    },
    requests: [
      { name: "route rule", method: "GET", headers: { host: HOST, origin: "https://route.example.com" }, props: { route_name: "default/foo" }, decision: "actual allowed allowed reply=forward vary=origin acao=https://route.example.com" },
      { name: "route rule ignores its domain", method: "GET", headers: { host: "ignored.example.com", origin: "https://route.example.com" }, decision: "actual rejected origin_not_allowed reply=forward vary=origin" },
      { name: "route AND service", method: "GET", headers: { host: HOST, origin: "https://both.example.com" }, props: { route_name: "default/bar", cluster_name: "outbound|8080||svc.ns.svc.cluster.local" }, decision: "actual allowed allowed reply=forward vary=origin acao=https://both.example.com" },
      { name: "route without its service: next rules, then global", method: "GET", headers: { host: HOST, origin: "https://both.example.com" }, props: { route_name: "default/bar", cluster_name: "outbound|9090||svc.ns.svc.cluster.local" }, decision: "actual rejected origin_not_allowed reply=forward vary=origin" },
      { name: "domain suffix", method: "GET", headers: { host: "api.example.org:8443", origin: "https://domain.example.com" }, decision: "actual allowed allowed reply=forward vary=origin acao=https://domain.example.com" },
      { name: "domain exact, case-insensitive", method: "GET", headers: { host: "edge.EXAMPLE.net", origin: "https://domain.example.com" }, decision: "actual allowed allowed reply=forward vary=origin acao=https://domain.example.com" },
      { name: "service, any port", method: "GET", headers: { host: HOST, origin: "https://service.example.com" }, props: { cluster_name: "outbound|80||backend.default.svc.cluster.local" }, decision: "actual allowed allowed reply=forward vary=origin acao=https://service.example.com" },
      { name: "no rule: the global policy", method: "GET", headers: { host: HOST, origin: "https://global.example.com" }, decision: "actual allowed allowed reply=forward vary=origin acao=https://global.example.com" },
      { name: "a rule never inherits the global origins", method: "GET", headers: { host: HOST, origin: "https://global.example.com" }, props: { route_name: "default/foo" }, decision: "actual rejected origin_not_allowed reply=forward vary=origin" },
    ],
  },
  {
    name: "rules without a global configuration",
    config: { _rules_: [{ allow_origins: [APP], _match_route_: ["default/foo"] }] },
    requests: [
      { name: "matched", method: "GET", headers: { host: HOST, origin: APP }, props: { route_name: "default/foo" }, decision: `actual allowed allowed reply=forward vary=origin acao=${APP}` },
      { name: "unmatched: no policy at all", method: "GET", headers: { host: HOST, origin: APP }, props: { route_name: "default/bar" }, decision: "no_policy" },
      { name: "no route name: no policy", method: "GET", headers: { host: HOST, origin: APP }, decision: "no_policy" },
    ],
  },
  {
    name: "explicit null and patterns",
    config: { allow_origins: ["null"], allow_origin_patterns: ["http://*.example.com", "https://*:[8443]"] },
    requests: [
      { name: "null echoed", method: "GET", headers: { host: HOST, origin: "null" }, decision: "actual allowed allowed reply=forward vary=origin acao=null" },
      { name: "subdomain", method: "GET", headers: { host: HOST, origin: "http://a.b.example.com" }, decision: "actual allowed allowed reply=forward vary=origin acao=http://a.b.example.com" },
      { name: "evilexample.com", method: "GET", headers: { host: HOST, origin: "http://evilexample.com" }, decision: "actual rejected origin_not_allowed reply=forward vary=origin" },
      { name: "any host on 8443", method: "GET", headers: { host: HOST, origin: "https://whatever.test:8443" }, decision: "actual allowed allowed reply=forward vary=origin acao=https://whatever.test:8443" },
      { name: "trailing dot is another origin", method: "GET", headers: { host: HOST, origin: "http://a.example.com." }, decision: "actual rejected origin_not_allowed reply=forward vary=origin" },
    ],
  },
];

/** The request lines as the decision sees them (`host` → :authority; pseudo-headers first). */
export function requestLines(r: RequestCase): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  const rest: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(r.headers)) {
    if (name === "host") lines.push([":authority", value]);
    else rest.push([name, value]);
  }
  lines.push([":method", r.method], [":scheme", r.scheme ?? "http"], [":path", "/"]);
  return lines.concat(rest);
}
