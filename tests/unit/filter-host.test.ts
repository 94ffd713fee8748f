// The filter through the real build/cors.wasm in the Envoy-faithful host: what the conformance cases do not
// assert — metrics (spec §8), report_only and debug (§1), configuration errors and the swap on reconfigure,
// CORS headers on upstream errors (§4), idempotent local replies, the other hosts' link profiles (§7).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ProxyWasmHost } from "../../src/host/index.js";
import type { HeaderList, SimRequest } from "../../src/host/index.js";

const wasm = readFileSync(process.env.CORS_WASM ?? new URL("../../../build/cors.wasm", import.meta.url).pathname);

const APP = "https://app.example.com";
const SPA = { allow_origins: [APP], allow_methods: ["GET", "PUT"], allow_credentials: true, expose_headers: ["X-Trace-Id"] };

const all = (h: HeaderList, name: string): string[] => h.filter(([n]) => n === name).map(([, v]) => v);
const get = (origin: string | null, method = "GET", extra: Record<string, string> = {}): SimRequest => ({
  method, headers: { host: "api.example.net", ...(origin === null ? {} : { origin }), ...extra },
});
const preflight = (origin: string, acrm = "PUT", extra: Record<string, string> = {}): SimRequest =>
  get(origin, "OPTIONS", { "access-control-request-method": acrm, ...extra });

async function load(config: object, options = {}): Promise<ProxyWasmHost> {
  const host = await ProxyWasmHost.load(wasm, options);
  assert.equal(host.configure(JSON.stringify(config)), true, JSON.stringify(host.logs));
  return host;
}

test("metrics: one counter per decision, names as /stats shows them", async () => {
  const host = await load(SPA);
  host.simulate(get(null), null);
  host.simulate(get(`http://api.example.net`, "POST"), null);
  host.simulate(get(APP), null);
  host.simulate(get(APP), null);
  host.simulate(get("https://evil.example"), null);
  host.simulate(preflight(APP), null);
  host.simulate(preflight(APP, "PATCH"), null);
  host.simulate(preflight("https://evil.example"), null);
  assert.equal(host.metric("cors.not_cors"), 2);
  assert.equal(host.metric("cors.actual_allowed"), 2);
  assert.equal(host.metric("cors.actual_rejected"), 1);
  assert.equal(host.metric("cors.preflight_allowed"), 1);
  assert.equal(host.metric("cors.preflight_rejected"), 2);
});

test("no per-request logging unless debug; debug logs one decision line at info", async () => {
  const quiet = await load(SPA);
  const r1 = quiet.simulate(get(APP), null);
  assert.deepEqual(r1.logs, []);
  const loud = await load({ ...SPA, debug: true });
  const r2 = loud.simulate(preflight("https://evil.example"), null);
  assert.deepEqual(r2.logs.map((l) => [l.level, l.message]), [
    [2, 'decision kind=preflight verdict=rejected reason=origin_not_allowed origin="https://evil.example"'],
  ]);
});

test("report_only: decides, counts and logs, changes nothing", async () => {
  const host = await load({ ...SPA, mode: "report_only", debug: true });
  const upstream = { status: 200, headers: { "access-control-allow-origin": "*", vary: "Accept-Encoding" } };
  const rejected = host.simulate(preflight("https://evil.example"), upstream);
  assert.equal(rejected.reachesUpstream, true);
  assert.deepEqual(rejected.headers, [["access-control-allow-origin", "*"], ["vary", "Accept-Encoding"]]);
  assert.match(rejected.logs[0].message, / verdict=rejected .* mode=report_only$/);
  const allowed = host.simulate(get(APP), upstream);
  assert.deepEqual(allowed.headers, [["access-control-allow-origin", "*"], ["vary", "Accept-Encoding"]]);
  assert.equal(host.metric("cors.preflight_rejected"), 1);
  assert.equal(host.metric("cors.actual_allowed"), 1);
});

test("configuration: every error at level error, as `<key path>: …` (no prefix of the filter's own), false, and the previous policy stays", async () => {
  const host = await load(SPA);
  const before = host.logs.length;
  assert.equal(host.configure(JSON.stringify({ allow_origins: ["https://a.example/path"], max_age: -1, bogus: 1 })), false);
  const errors = host.logs.slice(before).filter((l) => l.level === 4).map((l) => l.message);
  assert.ok(errors.length >= 3, JSON.stringify(errors));
  for (const e of errors) assert.match(e, /^(allow_origins\[0\]|max_age|bogus|"bogus"): /);
  assert.ok(errors.some((e) => e.includes("allow_origins[0]")));
  assert.ok(errors.some((e) => e.includes("max_age")));
  // still the SPA policy
  assert.deepEqual(all(host.simulate(get(APP), null).headers, "access-control-allow-origin"), [APP]);
  // a good configuration swaps the policy whole
  assert.equal(host.configure(JSON.stringify({ allow_origins: ["https://other.example"] })), true);
  assert.deepEqual(all(host.simulate(get(APP), null).headers, "access-control-allow-origin"), []);
  assert.deepEqual(all(host.simulate(get("https://other.example"), null).headers, "access-control-allow-origin"), ["https://other.example"]);
});

test("configuration warnings are logged at warn", async () => {
  const host = await ProxyWasmHost.load(wasm);
  assert.equal(host.configure(JSON.stringify({ allow_origins: ["http://app.example.com"], allow_credentials: true })), true);
  const warns = host.logs.filter((l) => l.level === 3);
  assert.ok(warns.length >= 1, JSON.stringify(host.logs));
  // `<key path>: …`, no prefix of the filter's own (the host prefixes its lines: `wasm log cors: …`)
  for (const w of warns) assert.match(w.message, /^[a-z_]+(\[\d+\])?: /);
});

test("an upstream 500 gets the CORS headers too (browser code can read the error)", async () => {
  const host = await load(SPA);
  const r = host.simulate(get(APP), { status: 500, headers: { "content-type": "text/plain" } });
  assert.equal(r.status, 500);
  assert.deepEqual(all(r.headers, "access-control-allow-origin"), [APP]);
  assert.deepEqual(all(r.headers, "access-control-allow-credentials"), ["true"]);
  assert.deepEqual(all(r.headers, "vary"), ["Origin"]);
});

test("local replies carry every header once; the response callback changes nothing", async () => {
  const host = await load(SPA);
  const ok = host.simulate(preflight(APP, "PUT", { "access-control-request-headers": "content-type" }), null);
  assert.equal(ok.status, 200);
  assert.equal(ok.localReply?.details, "cors_preflight");
  assert.deepEqual(all(ok.headers, "access-control-allow-origin"), [APP]);
  assert.deepEqual(all(ok.headers, "vary"), ["Origin, Access-Control-Request-Method, Access-Control-Request-Headers"]);
  const no = host.simulate(preflight(APP, "DELETE"), null);
  assert.equal(no.status, 403);
  assert.equal(no.body, "Invalid CORS request");
  assert.equal(no.localReply?.details, "cors_forbidden");
  assert.deepEqual(all(no.headers, "content-type"), ["text/plain"]);
  assert.deepEqual(host.errors, []);
});

test("Vary: every upstream line is kept, ours added once", async () => {
  const host = await load(SPA);
  const r = host.simulate(get(APP), { status: 200, headers: { vary: ["Accept-Encoding", "Cookie", "origin"] } });
  assert.deepEqual(all(r.headers, "vary").join(", ").split(/\s*,\s*/), ["Accept-Encoding", "Cookie", "origin"]);
  const r2 = host.simulate(get(APP), { status: 200, headers: { vary: ["Accept-Encoding", "Cookie"] } });
  assert.deepEqual(all(r2.headers, "vary"), ["Accept-Encoding, Cookie, Origin"]);
});

test("rules: route via xds.route_name, falling back to route_name (Higress); no global → untouched", async () => {
  const config = { _rules_: [{ allow_origins: [APP], _match_route_: ["default/foo"] }] };
  for (const legacyProperties of [false, true]) {
    const host = await load(config, { legacyProperties });
    const hit = host.simulate({ ...get(APP), properties: { route_name: "default/foo" } }, null);
    assert.deepEqual(all(hit.headers, "access-control-allow-origin"), [APP]);
    const miss = host.simulate({ ...get(APP), properties: { route_name: "default/bar" } }, { status: 200, headers: { "access-control-allow-origin": "*" } });
    assert.deepEqual(miss.headers, [["access-control-allow-origin", "*"]]);
  }
});

for (const profile of ["kong", "apisix"] as const) {
  test(`links and answers on the ${profile} profile`, async () => {
    const host = await load(SPA, { profile });
    const r = host.simulate(preflight(APP), null);
    assert.equal(r.status, 200);
    assert.deepEqual(all(r.headers, "access-control-allow-origin"), [APP]);
    assert.equal(host.failed, false);
  });
}

test("hostile inputs never trap", async () => {
  const host = await load({ allow_origin_patterns: ["https://*.example.com:[*]"], allow_headers: ["*"], allow_methods: ["*"] });
  const nasty = [
    "", "null", ",", "https://", "https://[", "https://[::", "https://a.example.com:", "https://a.example.com:99999999999999999999",
    "x".repeat(100_000), "https://" + "a.".repeat(5000) + "example.com", "https://\u00ff\u00fe.example.com", "\u0000",
  ];
  for (const o of nasty) {
    host.simulate(get(o), null);
    host.simulate(preflight(o, "PUT", { "access-control-request-headers": ",".repeat(10_000) }), null);
    host.simulate(preflight(o, "X".repeat(10_000), { "access-control-request-headers": "a ".repeat(10_000) }), null);
  }
  host.simulate(preflight("https://a.example.com", "PUT", { "access-control-request-headers": "x-a,".repeat(3000) }), null);
  assert.equal(host.failed, false, host.failure ?? "");
});
