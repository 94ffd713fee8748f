// Generators shared by the robustness tests: the fuzzed configurations and random exchanges (request lines +
// upstream response), all driven by a harness Rng so a (seed, case) pair replays exactly.
import type { HeaderList } from "../../src/host/index.js";
import { Rng, fuzzValue, mutate, originOfLength, acrhOf, type Exchange, type PolicyFacts } from "./harness.js";
import { A } from "../cases/values.js";

export { A };

export interface FuzzConfig {
  name: string;
  json: string;
  facts: PolicyFacts;
}

const rulesBody = [
  { _match_domain_: ["*.example.com", "api.*"], allow_origins: [A], allow_methods: ["GET", "patch"] },
  { _match_route_: ["r1"], allow_origins: ["*"], expose_headers: ["X-Total"] },
  { _match_service_: ["svc.ns.svc.cluster.local:8080"], allow_origin_patterns: ["*"], allow_credentials: true, allow_headers: ["*"] },
  { _match_route_: ["r2"], _match_service_: ["other.ns.svc.cluster.local"], allow_origin_regexes: ["https://[a-z]+\\.example\\.org"], reject_actual: true },
];

export const CONFIGS: FuzzConfig[] = [
  { name: "zero bytes (defaults)", json: "", facts: { mayStar: true, reportOnly: false } },
  { name: "{} (defaults)", json: "{}", facts: { mayStar: true, reportOnly: false } },
  {
    name: "literal *",
    json: JSON.stringify({ allow_origins: ["*"], expose_headers: ["X-Total", "X-Request-Id"], timing_allow_origins: ["*"], allow_private_network: true, max_age: 0 }),
    facts: { mayStar: true, reportOnly: false },
  },
  {
    name: "exact + credentials",
    json: JSON.stringify({
      allow_origins: [A, "http://localhost:3000", "https://[::1]:8443", "HTTPS://B.Example.com:443"],
      allow_credentials: true, expose_headers: ["X-Request-Id"], max_age: "1h30m", allow_private_network: true,
      timing_allow_origins: [A],
    }),
    facts: { mayStar: false, reportOnly: false },
  },
  {
    name: "patterns",
    json: JSON.stringify({ allow_origin_patterns: ["https://*.example.com", "http://*.example.org:[8080,9090]", "*://*.wild.test:[*]", "https://exact.test:8443"] }),
    facts: { mayStar: false, reportOnly: false },
  },
  {
    name: "pattern * + credentials + any method/header",
    json: JSON.stringify({ allow_origin_patterns: ["*"], allow_credentials: true, allow_methods: ["*"], allow_headers: ["*"], expose_headers: ["X-A", "X-B"] }),
    facts: { mayStar: false, reportOnly: false },
  },
  {
    name: "regexes",
    json: JSON.stringify({
      allow_origin_regexes: ["https://[a-z0-9-]+\\.example\\.com", "(?i)https://(a+)+b\\.test", "https?://localhost(:[0-9]+)?", "https://.*\\.x\\.test"],
      allow_headers: ["*"],
    }),
    facts: { mayStar: false, reportOnly: false },
  },
  {
    name: "null allowed + timing",
    json: JSON.stringify({ allow_origins: ["null", A], timing_allow_origins: [A, "null"], allow_methods: ["GET", "POST", "X-CUSTOM"] }),
    facts: { mayStar: false, reportOnly: false },
  },
  {
    name: "report_only + debug",
    json: JSON.stringify({ allow_origins: [A], mode: "report_only", debug: true, allow_headers: ["*"] }),
    facts: { mayStar: false, reportOnly: true },
  },
  {
    name: "reject_actual",
    json: JSON.stringify({ allow_origins: [A], reject_actual: true, allow_methods: ["GET", "POST"] }),
    facts: { mayStar: false, reportOnly: false },
  },
  {
    name: "preflight_continue",
    json: JSON.stringify({ allow_origin_patterns: ["https://*.example.com"], preflight_continue: true, allow_headers: ["*"], allow_methods: ["*"], allow_private_network: true }),
    facts: { mayStar: false, reportOnly: false },
  },
  {
    name: "strip, 204",
    json: JSON.stringify({ allow_origins: [A], on_disallowed: "strip", preflight_status: 204, max_age: 7200 }),
    facts: { mayStar: false, reportOnly: false },
  },
  {
    name: "strip + preflight_continue",
    json: JSON.stringify({ allow_origins: [A], on_disallowed: "strip", preflight_continue: true }),
    facts: { mayStar: false, reportOnly: false },
  },
  {
    name: "_rules_ only (no global)",
    json: JSON.stringify({ _rules_: rulesBody }),
    facts: { mayStar: true, reportOnly: false, mayHaveNoPolicy: true },
  },
  {
    name: "_rules_ + global + debug",
    json: JSON.stringify({ allow_origins: ["https://g.example.com"], debug: true, _rules_: rulesBody }),
    facts: { mayStar: true, reportOnly: false },
  },
];

// ---------------------------------------------------------------------------------------------------------
// Generators

const ORIGINS = [
  A, "https://A.EXAMPLE.COM", "https://a.example.com:443", "https://a.example.com.", "http://a.example.com",
  "https://x.y.example.com", "https://example.com", "https://evilexample.com", "https://a.example.com.evil.com",
  "http://x.example.org:8080", "http://x.example.org:9090", "http://x.example.org", "ftp://q.wild.test:21",
  "https://b.example.com", "http://localhost:3000", "http://localhost", "https://[::1]:8443", "https://[::1",
  "https://aab.test", "https://AAAB.test", "null", "Null", "", "*", "https://a.example.com/", "https://u@a.example.com",
  "https://a.example.com:0", "https://a.example.com:65536", "https://a.example.com:08443", "https://g.example.com",
  "https://api.example.org", "https://exact.test:8443", "https://q.x.test", "https://a..example.com", "https://-.example.com",
];
const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "options", "Options", "CONNECT", "TRACE", "get", "patch", "X-CUSTOM", ""];
const ACRMS = ["GET", "POST", "PUT", "DELETE", "PATCH", "patch", "X-CUSTOM", "", "GET, PUT", "PUT,PUT", "P\u00d6ST", "PU T"];
const ACRHS = [
  "content-type", "content-type,x-requested-with", "Content-Type, Authorization", "x-a,x-b,x-c", "", ",", " , ,content-type",
  "dnt,keep-alive,user-agent", "x-unknown", "content-type,", "a b", "x-\u00e9", "authorization\t,\tcache-control",
];
const AUTHORITIES = ["api.example.com", "a.example.com", "a.example.com:443", "A.Example.COM", "[::1]:8443", "localhost:3000", "", "api.x.test:8080", "api.example.org"];
const SCHEMES = ["http", "https", "HTTPS", "", "ftp"];
const XFP = ["https", "http", "https, http", " HTTPS ,http", ",https", "wss"];
const SITES = ["same-origin", "cross-site", "same-site", "none", "Same-Origin"];
const MODES = ["cors", "navigate", "nested-navigate", "no-cors", "same-origin", "websocket", "NAVIGATE"];
const PNA = ["true", "false", "TRUE", ""];
const ROUTES = ["r1", "r2", "r3", "", "R1"];
const CLUSTERS = ["outbound|8080||svc.ns.svc.cluster.local", "outbound|9090||svc.ns.svc.cluster.local", "outbound|80||other.ns.svc.cluster.local", "svc.ns.svc.cluster.local", ""];

export const VARY = ["Accept-Encoding", "Origin", "origin, accept", "*", "Cookie", "", "Accept-Encoding, Cookie", "ORIGIN", " , ,", "Access-Control-Request-Method"];
const UP_ACAO = ["*", "https://evil.example", A, "null", ""];

/** Randomly cased header name (the host lower-cases names, as Envoy does). */
function name(r: Rng, n: string): string {
  if (!r.chance(0.2)) return n;
  let s = "";
  for (const c of n) s += r.chance(0.5) ? c.toUpperCase() : c;
  return s;
}

/** Bound-straddling values: Origin 2047/2048/2049 bytes, ACRH 8191/8192/8193 bytes and 63/64/65 elements. */
function boundOrigin(r: Rng): string {
  const len = r.pick([2047, 2048, 2049, 2050, 4096]);
  const suffix = r.pick([".example.com", ".x.test", ".wild.test"]);
  const o = originOfLength(len, r.pick(["https", "http"]), suffix);
  return r.chance(0.2) ? mutate(r, o) : o;
}
function boundAcrh(r: Rng): string {
  const names = r.pick([["content-type"], ["x-a", "x-b"], ["authorization", "Cache-Control", "x-requested-with"]]);
  if (r.chance(0.5)) {
    const elements = r.pick([63, 64, 65, 66]);
    return acrhOf(elements, elements * 14 + r.int(10), names, r.int(elements));
  }
  const bytes = r.pick([8191, 8192, 8193, 16384]);
  return acrhOf(r.pick([1, 2, 63, 64, 65]), bytes, names, r.chance(0.3) ? r.int(60) : 0);
}

function lineCount(r: Rng): number {
  const x = r.int(20);
  if (x < 14) return 1;
  if (x < 18) return r.range(2, 4);
  return r.pick([0, 30, 100]);
}

export function randomExchange(r: Rng): Exchange {
  const req: HeaderList = [];
  if (!r.chance(0.02)) req.push([":authority", fuzzValue(r, AUTHORITIES)]);
  req.push([":path", r.chance(0.9) ? "/" : r.bytes(r.len(40))]);
  if (!r.chance(0.02)) req.push([":method", r.chance(0.85) ? r.pick(r.chance(0.5) ? ["OPTIONS", "GET"] : METHODS) : fuzzValue(r, METHODS)]);
  if (!r.chance(0.02)) req.push([":scheme", fuzzValue(r, SCHEMES)]);

  const fields: Array<[string, () => string, number]> = [
    // name, value generator, probability of being present
    ["origin", () => (r.chance(0.08) ? boundOrigin(r) : fuzzValue(r, ORIGINS)), 0.9],
    ["access-control-request-method", () => fuzzValue(r, ACRMS), 0.6],
    ["access-control-request-headers", () => (r.chance(0.15) ? boundAcrh(r) : fuzzValue(r, ACRHS)), 0.5],
    ["access-control-request-private-network", () => fuzzValue(r, PNA), 0.2],
    ["x-forwarded-proto", () => fuzzValue(r, XFP), 0.2],
    ["sec-fetch-site", () => fuzzValue(r, SITES), 0.3],
    ["sec-fetch-mode", () => fuzzValue(r, MODES), 0.3],
    ["sec-fetch-dest", () => fuzzValue(r, ["empty", "document", "iframe"]), 0.1],
    ["host", () => fuzzValue(r, AUTHORITIES), 0.05],
  ];
  const extra: HeaderList = [];
  for (const [n, gen, p] of fields) {
    if (!r.chance(p)) continue;
    const k = lineCount(r);
    for (let j = 0; j < k; j++) extra.push([name(r, n), gen()]);
  }
  // unrelated lines, random names and bytes; sometimes a huge number of them
  const junk = r.chance(0.03) ? r.pick([1000, 3000]) : r.int(4);
  for (let j = 0; j < junk; j++) extra.push([r.chance(0.5) ? `x-fill-${j}` : r.from("abcdefghijklmnopqrstuvwxyz-_0123456789", r.range(1, 20)), r.bytes(r.len(50))]);
  // shuffle the non-pseudo lines (order matters for repeated lines)
  for (let j = extra.length - 1; j > 0; j--) {
    const k = r.int(j + 1);
    [extra[j], extra[k]] = [extra[k], extra[j]];
  }
  req.push(...extra);

  const up: HeaderList = [[":status", String(r.pick([200, 204, 301, 401, 404, 500, 503]))]];
  const varyLines = r.chance(0.05) ? r.pick([50, 300]) : r.int(4);
  for (let j = 0; j < varyLines; j++) up.push([name(r, "vary"), upstreamValue(r, VARY)]);
  const corsUp: Array<[string, readonly string[]]> = [
    ["access-control-allow-origin", UP_ACAO], ["access-control-allow-credentials", ["true", "false"]],
    ["access-control-allow-methods", ["GET", "*"]], ["access-control-allow-headers", ["*", "x-a"]],
    ["access-control-expose-headers", ["*", "x-b"]], ["access-control-max-age", ["600", "-1"]],
    ["access-control-allow-private-network", ["true"]], ["timing-allow-origin", ["*", A]],
  ];
  for (const [n, pool] of corsUp) {
    if (!r.chance(0.15)) continue;
    const k = r.range(1, 3);
    for (let j = 0; j < k; j++) up.push([name(r, n), upstreamValue(r, pool)]);
  }
  if (r.chance(0.5)) up.push(["content-type", "text/plain"]);
  if (r.chance(0.02)) for (let j = 0; j < 1000; j++) up.push([`x-up-${j}`, "v"]);

  const ex: Exchange = { request: req, upstream: up };
  if (r.chance(0.3)) {
    const props: Record<string, string> = {};
    if (r.chance(0.7)) props["xds.route_name"] = fuzzValue(r, ROUTES);
    if (r.chance(0.7)) props["xds.cluster_name"] = fuzzValue(r, CLUSTERS);
    ex.properties = props;
  }
  return ex;
}

/** An upstream value: any byte but CR, LF and NUL, which Envoy's codecs never deliver (nghttp2, http1/balsa
 *  reject them); the filter-side injection check is on what the filter adds, see the dedicated test below. */
export function upstreamValue(r: Rng, pool: readonly string[]): string {
  return fuzzValue(r, pool).replace(/[\r\n\0]/g, () => r.pick(["\x01", "\x7f", "\xff", " "]));
}

