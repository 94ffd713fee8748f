// behaviour.md §8 (metrics) and §1 mode / debug: each counter once per decision, report_only changes nothing
// but counts and logs like enforce, debug logs one info line per decision (docs/ARCHITECTURE.md format),
// nothing is logged per request without debug.
import { test } from "node:test";
import assert from "node:assert/strict";
import { COUNTERS, INFO, actual, counters, decisionLines, exchange, hdr, host, preflight } from "./helpers.js";
import type { Req, Up } from "./helpers.js";
import type { HeaderList } from "../../src/host/index.js";

const O = "https://app.example.com";
const BASE = { allow_origins: [O], allow_methods: ["GET", "PUT"], allow_headers: ["Content-Type"], expose_headers: ["X-Total"] };
const UP: Up = { status: 200, headers: [["access-control-allow-origin", "https://upstream.example"], ["access-control-max-age", "5"], ["vary", "Cookie"], ["x-up", "1"]] };

interface Scenario {
  what: string;
  config: Record<string, unknown>;
  req: Req;
  counter: string; // the one counter that must move by exactly 1
  kind: "not_cors" | "preflight" | "actual";
  verdict: "allowed" | "rejected" | "skipped";
  reason: string;
}

const names65 = Array.from({ length: 65 }, (_, i) => `x-${i}`).join(",");
const scenarios: Scenario[] = [
  { what: "no Origin", config: BASE, req: actual(null), counter: "cors.not_cors", kind: "not_cors", verdict: "skipped", reason: "no_origin" },
  { what: "same-origin (authority)", config: BASE, req: { method: "POST", scheme: "https", host: "api.example.com", headers: { origin: "https://api.example.com" } }, counter: "cors.not_cors", kind: "not_cors", verdict: "skipped", reason: "same_origin" },
  { what: "same-origin (sec-fetch-site)", config: BASE, req: actual("https://x.example.net", "GET", { "sec-fetch-site": "same-origin" }), counter: "cors.not_cors", kind: "not_cors", verdict: "skipped", reason: "same_origin" },
  { what: "preflight allowed", config: BASE, req: preflight(O, "PUT", "content-type"), counter: "cors.preflight_allowed", kind: "preflight", verdict: "allowed", reason: "allowed" },
  { what: "preflight allowed, forwarded (preflight_continue)", config: { ...BASE, preflight_continue: true }, req: preflight(O, "PUT"), counter: "cors.preflight_allowed", kind: "preflight", verdict: "allowed", reason: "allowed" },
  { what: "preflight rejected: origin", config: BASE, req: preflight("https://evil.example", "PUT"), counter: "cors.preflight_rejected", kind: "preflight", verdict: "rejected", reason: "origin_not_allowed" },
  { what: "preflight rejected: malformed origin", config: BASE, req: preflight("https://a.example.com/x", "PUT"), counter: "cors.preflight_rejected", kind: "preflight", verdict: "rejected", reason: "origin_malformed" },
  { what: "preflight rejected: method", config: BASE, req: preflight(O, "DELETE"), counter: "cors.preflight_rejected", kind: "preflight", verdict: "rejected", reason: "method_not_allowed" },
  { what: "preflight rejected: header", config: BASE, req: preflight(O, "PUT", "x-other"), counter: "cors.preflight_rejected", kind: "preflight", verdict: "rejected", reason: "header_not_allowed" },
  { what: "preflight rejected: non-token header", config: BASE, req: preflight(O, "PUT", "x y"), counter: "cors.preflight_rejected", kind: "preflight", verdict: "rejected", reason: "headers_malformed" },
  { what: "preflight rejected: 65 header names", config: { ...BASE, allow_headers: ["*"] }, req: preflight(O, "PUT", names65), counter: "cors.preflight_rejected", kind: "preflight", verdict: "rejected", reason: "headers_too_many" },
  { what: "preflight rejected, stripped", config: { ...BASE, on_disallowed: "strip" }, req: preflight("https://evil.example", "PUT"), counter: "cors.preflight_rejected", kind: "preflight", verdict: "rejected", reason: "origin_not_allowed" },
  { what: "preflight rejected, stripped and forwarded", config: { ...BASE, on_disallowed: "strip", preflight_continue: true }, req: preflight(O, "DELETE"), counter: "cors.preflight_rejected", kind: "preflight", verdict: "rejected", reason: "method_not_allowed" },
  { what: "actual allowed", config: BASE, req: actual(O, "PUT"), counter: "cors.actual_allowed", kind: "actual", verdict: "allowed", reason: "allowed" },
  { what: "actual rejected: origin (forwarded)", config: BASE, req: actual("https://evil.example"), counter: "cors.actual_rejected", kind: "actual", verdict: "rejected", reason: "origin_not_allowed" },
  { what: "actual rejected: empty Origin", config: BASE, req: actual(""), counter: "cors.actual_rejected", kind: "actual", verdict: "rejected", reason: "origin_malformed" },
  { what: "actual rejected: method", config: BASE, req: actual(O, "DELETE"), counter: "cors.actual_rejected", kind: "actual", verdict: "rejected", reason: "method_not_allowed" },
  { what: "actual rejected: 403 (reject_actual)", config: { ...BASE, reject_actual: true }, req: actual("https://evil.example"), counter: "cors.actual_rejected", kind: "actual", verdict: "rejected", reason: "origin_not_allowed" },
  { what: "actual rejected: navigation forwarded (reject_actual)", config: { ...BASE, reject_actual: true }, req: actual("https://evil.example", "POST", { "sec-fetch-mode": "navigate" }), counter: "cors.actual_rejected", kind: "actual", verdict: "rejected", reason: "origin_not_allowed" },
  { what: "actual allowed under a literal-* policy", config: { allow_origins: ["*"] }, req: actual(O), counter: "cors.actual_allowed", kind: "actual", verdict: "allowed", reason: "allowed" },
];

const LINE = /^decision kind=(not_cors|preflight|actual) verdict=(allowed|rejected|skipped) reason=(no_policy|no_origin|same_origin|allowed|origin_not_allowed|origin_malformed|method_not_allowed|header_not_allowed|headers_malformed|headers_too_many) origin="([^"\r\n]*)"( mode=report_only)?$/;

for (const s of scenarios) {
  test(`§8 counter ${s.counter} increments exactly once: ${s.what}`, async () => {
    const h = await host(s.config);
    const before = counters(h);
    for (const n of COUNTERS) assert.equal(before[n], 0, `${n} defined at configure time and 0`);
    exchange(h, s.req, UP);
    const after = counters(h);
    for (const n of COUNTERS) assert.equal(after[n] - before[n], n === s.counter ? 1 : 0, `${n}: ${JSON.stringify(after)}`);
    exchange(h, s.req, UP);
    assert.equal(counters(h)[s.counter], 2, "and once more for a second identical request");
  });

  test(`§1 debug: one info line per decision in the ARCHITECTURE.md format: ${s.what}`, async () => {
    const h = await host({ ...s.config, debug: true });
    const r = exchange(h, s.req, UP);
    assert.equal(r.logs.length, 1, `exactly one log line: ${JSON.stringify(r.logs)}`);
    const [l] = r.logs;
    assert.equal(l.level, INFO);
    const m = LINE.exec(l.message);
    assert.ok(m, `format: ${l.message}`);
    assert.equal(m![1], s.kind);
    assert.equal(m![2], s.verdict);
    assert.equal(m![3], s.reason);
    assert.equal(m![5], undefined, "no mode=report_only in enforce");
    const origin = Array.isArray(s.req.headers) ? undefined : (s.req.headers?.origin as string | undefined);
    if (origin !== undefined && /^[\x20-\x7e]*$/.test(origin) && !origin.includes('"')) assert.equal(m![4], origin);
  });

  test(`§1 report_only: decides, counts and logs like enforce but changes nothing: ${s.what}`, async () => {
    const enforce = await host({ ...s.config, debug: true });
    exchange(enforce, s.req, UP);
    const h = await host({ ...s.config, debug: true, mode: "report_only" });
    const r = exchange(h, s.req, UP);
    assert.deepEqual(counters(h), counters(enforce), "same counters as enforce");
    assert.equal(counters(h)[s.counter], 1, `${s.counter} counted once in report_only`);
    assert.equal(decisionLines(r.logs).length, 1, "one decision line in report_only");
    const want = decisionLines(enforce.logs).map((l) => l.message + " mode=report_only");
    assert.deepEqual(decisionLines(r.logs).map((l) => l.message), want, "same decision line + mode=report_only");
    assert.equal(r.reachesUpstream, true, "never a local reply");
    assert.equal(r.localReply, undefined);
    assert.equal(r.status, UP.status);
    assert.deepEqual(r.headers, UP.headers as HeaderList, "response headers exactly the upstream's");
    // the request is forwarded as received
    const sent = r.upstreamRequest!.filter(([n]) => !n.startsWith(":"));
    const given = Array.isArray(s.req.headers) ? s.req.headers : Object.entries(s.req.headers ?? {}).map(([n, v]) => [n, String(v)]);
    for (const [n, v] of given) assert.equal(hdr(sent, n), v, `request header ${n} forwarded unchanged`);
  });
}

test("§8 no log lines per request without debug (every scenario, one VM each)", async () => {
  for (const s of scenarios) {
    const h = await host(s.config);
    const r = exchange(h, s.req, UP);
    assert.deepEqual(r.logs, [], `${s.what}: ${JSON.stringify(r.logs)}`);
  }
});

test("§8 counters are defined once per VM: a reconfiguration keeps one stat per name and its value", async () => {
  const h = await host(BASE);
  exchange(h, actual(O));
  assert.equal(h.configure(JSON.stringify({ ...BASE, max_age: 5 })), true);
  exchange(h, actual(O));
  // Envoy 1.40 shows them as wasmcustom.<name> (host-facts.md §4.5)
  const names = h.metrics().map((m) => m.name).filter((n) => n.startsWith("wasmcustom.cors.")).map((n) => n.slice("wasmcustom.".length));
  assert.deepEqual([...new Set(names)].sort(), [...COUNTERS].sort());
  assert.equal(names.length, COUNTERS.length, `no duplicate stats: ${JSON.stringify(names)}`);
  assert.equal(counters(h)["cors.actual_allowed"], 2);
});

test("§8 a no-policy request (rules only, none matching) is not counted as a CORS decision", async () => {
  const h = await host({ _rules_: [{ _match_route_: ["r1"], allow_origins: [O] }] });
  exchange(h, { ...actual("https://evil.example"), properties: { "xds.route_name": "r2" } });
  const c = counters(h);
  assert.equal(c["cors.actual_rejected"] + c["cors.actual_allowed"] + c["cors.preflight_allowed"] + c["cors.preflight_rejected"], 0, JSON.stringify(c));
});

test("§8 a sequence of mixed requests: each counter equals its number of decisions", async () => {
  const h = await host(BASE);
  const plan: Array<[Req, string]> = [];
  for (let i = 0; i < 30; i++) {
    const s = scenarios[i % 4 === 0 ? 0 : i % 4 === 1 ? 3 : i % 4 === 2 ? 5 : 13];
    plan.push([s.req, s.counter]);
  }
  const want: Record<string, number> = Object.fromEntries(COUNTERS.map((n) => [n, 0]));
  for (const [r, c] of plan) {
    exchange(h, r, UP);
    want[c]++;
  }
  assert.deepEqual(counters(h), want);
});

test("§8 report_only with an allowed preflight: forwarded to the upstream (no local reply), upstream CORS headers kept", async () => {
  const h = await host({ ...BASE, mode: "report_only" });
  const r = exchange(h, preflight(O, "PUT"), UP);
  assert.equal(r.reachesUpstream, true);
  assert.equal(hdr(r, "access-control-allow-origin"), "https://upstream.example");
  assert.equal(hdr(r, "access-control-max-age"), "5");
  assert.equal(hdr(r, "vary"), "Cookie");
  assert.equal(counters(h)["cors.preflight_allowed"], 1);
});

test("§1 debug line: an Origin with CR/LF or quotes does not break the single log line", async () => {
  const h = await host({ ...BASE, debug: true });
  const r = exchange(h, actual("https://a.example.com\r\nFAKE: \"x\""), UP);
  assert.equal(r.logs.length, 1);
  assert.ok(!/[\r\n]/.test(r.logs[0].message), JSON.stringify(r.logs[0].message));
  assert.match(r.logs[0].message, LINE);
});
