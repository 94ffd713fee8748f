// behaviour.md §5 (Higress _rules_): route / domain / service matching, first match wins, global fallback,
// no policy at all, no inheritance from the global configuration, Envoy ≥1.33 and Higress property sets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACAC, ACAO, ACEH, ACMA, assertNoGrant, counters, exchange, hdr, host, preflight } from "./helpers.js";
import type { Case, Req } from "./helpers.js";
import type { HostOptions } from "../../src/host/index.js";

const A = "https://a.example.com";
const B = "https://b.example.com";
const G = "https://global.example.com";

const ENVOY_133: HostOptions = { legacyProperties: false }; // only xds.route_name / xds.cluster_name
const HIGRESS: HostOptions = { legacyProperties: true }; // xds.* and route_name / cluster_name

function req(origin: string, opts: { route?: string; cluster?: string; authority?: string; method?: string } = {}): Req {
  const properties: Record<string, string> = {};
  if (opts.route !== undefined) properties["xds.route_name"] = opts.route;
  if (opts.cluster !== undefined) properties["xds.cluster_name"] = opts.cluster;
  return { method: opts.method ?? "GET", host: opts.authority ?? "api.example.com", headers: { origin }, properties };
}

/** ACAO for `origin` under `config`, request shaped by `opts`. */
async function acao(config: Record<string, unknown>, origin: string, opts: Parameters<typeof req>[1] = {}, options: HostOptions = HIGRESS): Promise<string | null> {
  const h = await host(config, options);
  return hdr(exchange(h, req(origin, opts)), ACAO);
}

const ROUTE = { allow_origins: [G], _rules_: [{ _match_route_: ["default/foo", "default/bar"], allow_origins: [A] }] };
const DOMAIN = (entry: string) => ({ allow_origins: [G], _rules_: [{ _match_domain_: [entry], allow_origins: [A] }] });
const SERVICE = (entry: string) => ({ allow_origins: [G], _rules_: [{ _match_service_: [entry], allow_origins: [A] }] });
const CLUSTER = "outbound|8080||backend.default.svc.cluster.local";

const cases: Case[] = [
  // ------------------------------------------------------------------ route
  {
    name: "§5 route rule: xds.route_name in _match_route_ → the rule (Envoy ≥1.33: no top-level route_name)",
    fn: async () => {
      assert.equal(await acao(ROUTE, A, { route: "default/bar" }, ENVOY_133), A);
      assert.equal(await acao(ROUTE, G, { route: "default/bar" }, ENVOY_133), null, "the global origins do not apply");
    },
  },
  {
    name: "§5 route rule: Higress (both xds.route_name and route_name present)",
    fn: async () => {
      assert.equal(await acao(ROUTE, A, { route: "default/foo" }, HIGRESS), A);
    },
  },
  {
    name: "§5 route rule: exact membership (prefix, case and substring do not match) → global",
    fn: async () => {
      for (const route of ["default/fo", "default/foo2", "DEFAULT/FOO", "default/foo ", "foo"]) {
        assert.equal(await acao(ROUTE, A, { route }), null, route);
        assert.equal(await acao(ROUTE, G, { route }), G, route);
      }
    },
  },
  {
    name: "§5 route rule: route name property absent → global",
    fn: async () => {
      assert.equal(await acao(ROUTE, G, {}), G);
      assert.equal(await acao(ROUTE, G, {}, ENVOY_133), G);
    },
  },
  {
    name: "§5 route + service rule: both must match",
    fn: async () => {
      const cfg = { allow_origins: [G], _rules_: [{ _match_route_: ["r1"], _match_service_: ["backend.default.svc.cluster.local"], allow_origins: [A] }] };
      assert.equal(await acao(cfg, A, { route: "r1", cluster: CLUSTER }), A);
      assert.equal(await acao(cfg, A, { route: "r1", cluster: "outbound|8080||other.default.svc.cluster.local" }), null);
      assert.equal(await acao(cfg, A, { route: "r2", cluster: CLUSTER }), null);
    },
  },
  {
    name: "§5 route + domain rule: the domain is ignored (route rule)",
    fn: async () => {
      const cfg = { allow_origins: [G], _rules_: [{ _match_route_: ["r1"], _match_domain_: ["other.example.org"], allow_origins: [A] }] };
      assert.equal(await acao(cfg, A, { route: "r1", authority: "api.example.com" }), A, "route matches, domain differs: still applies");
      assert.equal(await acao(cfg, A, { route: "r9", authority: "other.example.org" }), null, "domain alone does not select a route rule");
    },
  },
  {
    name: "§5 route rule: falls back to the top-level route_name when xds.route_name is absent",
    fn: async () => {
      // The host mirrors route_name from xds.route_name; to serve ONLY route_name we put it in the stream's
      // property overrides (the map proxy_set_property writes, consulted first by the host).
      for (const [route, want] of [["default/foo", A], ["other", null]] as const) {
        const h = await host(ROUTE, ENVOY_133);
        const s = h.newStream();
        (s as unknown as { ctx: { setProps: Map<string, string> | null } }).ctx.setProps = new Map([["route_name", route]]);
        const out = s.requestHeaders([[":authority", "api.example.com"], [":path", "/"], [":method", "GET"], [":scheme", "https"], ["origin", A]]);
        assert.equal(out.kind, "continue");
        const resp = s.responseHeaders([[":status", "200"]]);
        s.finish();
        assert.equal(hdr(resp.headers, ACAO), want, `route_name ${route}`);
        assert.equal(h.failed, false);
      }
    },
  },
  {
    name: "§5 service rule: falls back to the top-level cluster_name when xds.cluster_name is absent",
    fn: async () => {
      const h = await host(SERVICE("backend.default.svc.cluster.local:8080"), ENVOY_133);
      const s = h.newStream();
      (s as unknown as { ctx: { setProps: Map<string, string> | null } }).ctx.setProps = new Map([["cluster_name", CLUSTER]]);
      s.requestHeaders([[":authority", "api.example.com"], [":path", "/"], [":method", "GET"], [":scheme", "https"], ["origin", A]]);
      const resp = s.responseHeaders([[":status", "200"]]);
      s.finish();
      assert.equal(hdr(resp.headers, ACAO), A);
    },
  },
  // ------------------------------------------------------------------ domain
  {
    name: "§5 domain rule: exact host",
    fn: async () => {
      assert.equal(await acao(DOMAIN("api.example.com"), A, { authority: "api.example.com" }), A);
      assert.equal(await acao(DOMAIN("api.example.com"), A, { authority: "x.api.example.com" }), null);
    },
  },
  {
    name: "§5 domain rule: case-insensitive (authority and entry)",
    fn: async () => {
      assert.equal(await acao(DOMAIN("api.example.com"), A, { authority: "API.Example.COM" }), A);
      assert.equal(await acao(DOMAIN("API.EXAMPLE.com"), A, { authority: "api.example.com" }), A);
      assert.equal(await acao(DOMAIN("*.Example.com"), A, { authority: "x.EXAMPLE.com" }), A);
    },
  },
  {
    name: "§5 domain rule: the port is stripped from :authority",
    fn: async () => {
      assert.equal(await acao(DOMAIN("api.example.com"), A, { authority: "api.example.com:8443" }), A);
      assert.equal(await acao(DOMAIN("api.example.com:8443"), A, { authority: "api.example.com:8443" }), null, "the entry is compared with the host only");
    },
  },
  {
    name: "§5 domain rule: IPv6 authority ([::1]:8080 → [::1]; [2001:db8::1] kept whole)",
    fn: async () => {
      assert.equal(await acao(DOMAIN("[::1]"), A, { authority: "[::1]:8080" }), A);
      assert.equal(await acao(DOMAIN("[2001:db8::1]"), A, { authority: "[2001:db8::1]" }), A);
      assert.equal(await acao(DOMAIN("[2001:db8::1]"), A, { authority: "[2001:db8::2]" }), null);
    },
  },
  {
    name: "§5 domain rule: *.example.com is a suffix (subdomains, not the apex)",
    fn: async () => {
      assert.equal(await acao(DOMAIN("*.example.com"), A, { authority: "a.b.example.com" }), A);
      assert.equal(await acao(DOMAIN("*.example.com"), A, { authority: "example.com" }), null);
      assert.equal(await acao(DOMAIN("*.example.com"), A, { authority: "evilexample.com" }), null);
    },
  },
  {
    name: "§5 domain rule: *example.com is a plain suffix (also evilexample.com, as in Higress)",
    fn: async () => {
      assert.equal(await acao(DOMAIN("*example.com"), A, { authority: "evilexample.com" }), A);
      assert.equal(await acao(DOMAIN("*example.com"), A, { authority: "example.com" }), A);
    },
  },
  {
    name: "§5 domain rule: api.* is a prefix",
    fn: async () => {
      assert.equal(await acao(DOMAIN("api.*"), A, { authority: "api.example.org:8080" }), A);
      assert.equal(await acao(DOMAIN("api.*"), A, { authority: "www.api.example.org" }), null);
    },
  },
  // ------------------------------------------------------------------ service
  {
    name: "§5 service rule: fqdn matches any port (xds.cluster_name, Envoy ≥1.33)",
    fn: async () => {
      assert.equal(await acao(SERVICE("backend.default.svc.cluster.local"), A, { cluster: CLUSTER }, ENVOY_133), A);
      assert.equal(await acao(SERVICE("backend.default.svc.cluster.local"), A, { cluster: "outbound|9090||backend.default.svc.cluster.local" }, ENVOY_133), A);
    },
  },
  {
    name: "§5 service rule: fqdn:port matches that port only",
    fn: async () => {
      assert.equal(await acao(SERVICE("backend.default.svc.cluster.local:8080"), A, { cluster: CLUSTER }), A);
      assert.equal(await acao(SERVICE("backend.default.svc.cluster.local:9090"), A, { cluster: CLUSTER }), null);
      assert.equal(await acao(SERVICE("backend.default.svc.cluster.local:9090"), G, { cluster: CLUSTER }), G);
    },
  },
  {
    name: "§5 service rule: another fqdn, or a cluster name not of the form outbound|port||fqdn, does not match",
    fn: async () => {
      assert.equal(await acao(SERVICE("backend.default.svc.cluster.local"), A, { cluster: "outbound|8080||other.default.svc.cluster.local" }), null);
      assert.equal(await acao(SERVICE("backend.default.svc.cluster.local"), A, { cluster: "backend.default.svc.cluster.local" }), null);
      assert.equal(await acao(SERVICE("backend.default.svc.cluster.local"), A, {}), null, "no cluster name");
    },
  },
  // ------------------------------------------------------------------ order, fallback, nothing
  {
    name: "§5 first matching rule wins (a later, also matching rule is not used)",
    fn: async () => {
      const cfg = {
        allow_origins: [G],
        _rules_: [
          { _match_domain_: ["*.example.com"], allow_origins: [A] },
          { _match_route_: ["r1"], allow_origins: [B] },
        ],
      };
      assert.equal(await acao(cfg, A, { route: "r1", authority: "api.example.com" }), A);
      assert.equal(await acao(cfg, B, { route: "r1", authority: "api.example.com" }), null);
      assert.equal(await acao(cfg, B, { route: "r1", authority: "api.example.org" }), B);
    },
  },
  {
    name: "§5 no rule matches → the global configuration",
    fn: async () => {
      assert.equal(await acao(ROUTE, G, { route: "other" }), G);
      assert.equal(await acao(ROUTE, A, { route: "other" }), null);
    },
  },
  {
    name: "§5 no rule matches and no global configuration → nothing at all (headers untouched, no Vary, no 403)",
    fn: async () => {
      const cfg = { _rules_: [{ _match_route_: ["r1"], allow_origins: [A], reject_actual: true }] };
      const h = await host(cfg);
      const up = { headers: [["access-control-allow-origin", "https://up.example"], ["access-control-allow-credentials", "true"], ["access-control-max-age", "5"], ["vary", "Cookie"]] as [string, string][] };
      const r = exchange(h, req("https://evil.example", { route: "r2" }), up);
      assert.equal(r.reachesUpstream, true);
      assert.equal(hdr(r, ACAO), "https://up.example");
      assert.equal(hdr(r, ACAC), "true");
      assert.equal(hdr(r, ACMA), "5");
      assert.equal(hdr(r, "vary"), "Cookie");
      const p = exchange(h, { ...preflight("https://evil.example", "PUT"), properties: { "xds.route_name": "r2" } }, up);
      assert.equal(p.reachesUpstream, true, "a preflight is forwarded, not answered");
      assert.equal(hdr(p, ACAO), "https://up.example");
      // the request itself is untouched
      assert.equal(hdr(r.upstreamRequest!, "origin"), "https://evil.example");
    },
  },
  {
    name: "§5 the same configuration applies its rule when it matches",
    fn: async () => {
      const cfg = { _rules_: [{ _match_route_: ["r1"], allow_origins: [A], reject_actual: true }] };
      const h = await host(cfg);
      assert.equal(hdr(exchange(h, req(A, { route: "r1" })), ACAO), A);
      assert.equal(exchange(h, req("https://evil.example", { route: "r1" })).status, 403);
    },
  },
  {
    name: "§5 {} with _rules_ holding only _-keys besides: no global configuration",
    fn: async () => {
      const cfg = { _plugin_name_: "cors", _rules_: [{ _match_route_: ["r1"], allow_origins: [A] }] };
      const h = await host(cfg);
      const r = exchange(h, req(A, { route: "r2" }));
      assert.equal(hdr(r, ACAO), null);
      assert.equal(hdr(r, "vary"), null);
    },
  },
  {
    name: "§5 _rules_ plus any key not beginning with _ (even debug: false) makes a global configuration with the defaults",
    fn: async () => {
      const cfg = { debug: false, _rules_: [{ _match_route_: ["r1"], allow_origins: [A] }] };
      const h = await host(cfg);
      assert.equal(hdr(exchange(h, req("https://anyone.example", { route: "r2" })), ACAO), "*");
      assert.equal(hdr(exchange(h, req("https://anyone.example", { route: "r1" })), ACAO), null);
    },
  },
  // ------------------------------------------------------------------ no inheritance
  {
    name: "§5 a rule does not inherit global keys: a rule without allow_origins gets the default \"*\"",
    fn: async () => {
      const cfg = { allow_origins: [G], expose_headers: ["X-Global"], max_age: 60, _rules_: [{ _match_route_: ["r1"], allow_methods: ["GET", "PUT"] }] };
      const h = await host(cfg);
      const r = exchange(h, req("https://anyone.example", { route: "r1" }));
      assert.equal(hdr(r, ACAO), "*");
      assert.equal(hdr(r, ACEH), null, "expose_headers not inherited");
      const p = exchange(h, { ...preflight("https://anyone.example", "PUT"), properties: { "xds.route_name": "r1" } });
      assert.equal(hdr(p, ACMA), "86400", "max_age not inherited");
    },
  },
  {
    name: "§5 a restrictive rule never inherits a global \"*\"",
    fn: async () => {
      const cfg = { allow_origins: ["*"], _rules_: [{ _match_route_: ["r1"], allow_origins: [A] }] };
      const h = await host(cfg);
      const r = exchange(h, req("https://evil.example", { route: "r1" }));
      assertNoGrant(r);
      assert.equal(hdr(exchange(h, req(A, { route: "r1" })), ACAO), A);
      assert.equal(hdr(exchange(h, req("https://evil.example", { route: "r2" })), ACAO), "*");
    },
  },
  {
    name: "§5 a rule does not inherit global reject_actual, credentials or mode",
    fn: async () => {
      const cfg = { allow_origins: [G], allow_credentials: true, reject_actual: true, mode: "report_only", _rules_: [{ _match_route_: ["r1"], allow_origins: [A] }] };
      const h = await host(cfg);
      const bad = exchange(h, req("https://evil.example", { route: "r1" }));
      assert.equal(bad.reachesUpstream, true, "reject_actual not inherited");
      const ok = exchange(h, req(A, { route: "r1" }));
      assert.equal(hdr(ok, ACAO), A, "mode report_only not inherited (the rule enforces)");
      assert.equal(hdr(ok, ACAC), null, "allow_credentials not inherited");
    },
  },
  {
    name: "§5 counters count rule decisions like global ones",
    fn: async () => {
      const h = await host(ROUTE);
      exchange(h, req(A, { route: "default/foo" }));
      exchange(h, req(G, { route: "default/foo" }));
      const c = counters(h);
      assert.equal(c["cors.actual_allowed"], 1);
      assert.equal(c["cors.actual_rejected"], 1);
    },
  },
];
for (const c of cases) test(c.name, c.fn);
