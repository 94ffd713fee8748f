// Header fuzz (docs/robustness.md §1): random request and upstream headers through the real build/cors.wasm
// under many configurations; every exchange must keep the invariants of harness.ts `violations`
// (no trap, no CR/LF/NUL in what the filter adds, ACAO absent / "*" / the valid Origin byte for byte, one
// ACAO line, tokens only in ACAM/ACAH/ACEH, a local reply untouched by the filter's own response callback).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { HeaderList, ProxyWasmHost } from "../../src/host/index.js";
import { caseRng, cases, fuzzValue, originOfLength, acrhOf, loadHost, runExchange, violations, describeCase, type Exchange, NASTY, SEED } from "./harness.js";
import { A, CONFIGS, VARY, randomExchange, upstreamValue, type FuzzConfig } from "./generators.js";

// ---------------------------------------------------------------------------------------------------------

const PER_CONFIG = 1500;

for (const cfg of CONFIGS) {
  test(`header fuzz: ${cfg.name} (${PER_CONFIG} random exchanges, seed 0x${SEED.toString(16)})`, async () => {
    const host = await loadHost(cfg.json);
    const stream = `headers/${cfg.name}`;
    let locals = 0;
    let acao = 0;
    for (const i of cases(PER_CONFIG)) {
      const r = caseRng(stream, i);
      const ex = randomExchange(r);
      const res = runExchange(host, ex);
      const v = violations(host, ex, res, cfg.facts);
      if (v.length > 0) assert.fail(describeCase(`config ${cfg.name}`, stream, i, ex, v));
      if (res.kind === "local") locals++;
      if (res.headers.some(([n]) => n === "access-control-allow-origin")) acao++;
    }
    // the generator must reach both answers, or the test proves little
    if (cases(PER_CONFIG).length >= PER_CONFIG && !cfg.facts.reportOnly) {
      assert.ok(acao > 0, `no exchange was granted ACAO under ${cfg.name}`);
      // (strip + preflight_continue forwards every preflight: no local reply is expected there)
      if (!cfg.name.startsWith("strip + preflight_continue")) assert.ok(locals > 0, `no local reply under ${cfg.name}`);
    }
  });
}

// Raw bytes everywhere: request lines whose names and values are random bytes, in any order, any count.
test("header fuzz: raw random lines (names and values 0x00–0xFF) under every configuration", async () => {
  const hosts: Array<[FuzzConfig, ProxyWasmHost]> = [];
  for (const cfg of CONFIGS) hosts.push([cfg, await loadHost(cfg.json)]);
  const stream = "headers/raw";
  const wanted = ["origin", "access-control-request-method", "access-control-request-headers", "access-control-request-private-network", ":authority", ":scheme", "x-forwarded-proto", "sec-fetch-site", "sec-fetch-mode"];
  for (const i of cases(3000)) {
    const r = caseRng(stream, i);
    const [cfg, host] = hosts[i % hosts.length];
    const req: HeaderList = [[":method", r.pick(["OPTIONS", "GET", r.bytes(r.len(10))])], [":path", "/"]];
    const n = r.range(0, 30);
    for (let j = 0; j < n; j++) {
      const nm = r.chance(0.7) ? r.pick(wanted) : r.bytes(r.range(1, 12));
      req.push([nm, r.chance(0.5) ? r.bytes(r.len(300)) : r.from(NASTY, r.len(300))]);
    }
    const up: HeaderList = [[":status", "200"]];
    for (let j = r.int(6); j > 0; j--) up.push([r.chance(0.5) ? "vary" : r.bytes(r.range(1, 8)), upstreamValue(r, VARY)]);
    const ex: Exchange = { request: req, upstream: up };
    const res = runExchange(host, ex);
    const v = violations(host, ex, res, cfg.facts);
    if (v.length > 0) assert.fail(describeCase(`config ${cfg.name}`, stream, i, ex, v));
  }
});

// Upstream Vary lines holding CR / LF / NUL cannot reach a filter through Envoy's codecs; if the host hands
// them anyway, whatever the filter adds must still be free of them (it may keep the upstream's own lines).
test("header fuzz: upstream Vary with CR/LF/NUL — the filter adds none of them", async () => {
  const host = await loadHost(CONFIGS[3].json);
  const stream = "headers/vary-crlf";
  for (const i of cases(1500)) {
    const r = caseRng(stream, i);
    const req: HeaderList = [[":authority", "api.example.com"], [":path", "/"], [":method", r.pick(["GET", "OPTIONS"])], [":scheme", "https"], ["origin", r.pick([A, "https://evil.example"])]];
    if (r.chance(0.5)) req.push(["access-control-request-method", "PUT"]);
    const up: HeaderList = [[":status", "200"]];
    for (let j = r.range(1, 5); j > 0; j--) up.push(["vary", fuzzValue(r, [...VARY, "Accept\r\nSet-Cookie: a=b", "Origin\0", "\nOrigin"])]);
    const ex: Exchange = { request: req, upstream: up };
    const res = runExchange(host, ex);
    const v = violations(host, ex, res, CONFIGS[3].facts);
    if (v.length > 0) assert.fail(describeCase("upstream vary CR/LF/NUL", stream, i, ex, v));
  }
});

// ---------------------------------------------------------------------------------------------------------
// The bounds themselves (spec §3, §5, §6): exactly at the bound is processed, one over is disallowed.

function preflight(origin: string, acrh?: string): HeaderList {
  const h: HeaderList = [[":authority", "api.example.net"], [":path", "/"], [":method", "OPTIONS"], [":scheme", "https"], ["origin", origin], ["access-control-request-method", "PUT"]];
  if (acrh !== undefined) h.push(["access-control-request-headers", acrh]);
  return h;
}
const OK_UP: HeaderList = [[":status", "200"]];

test("bounds: Origin of 2047 / 2048 bytes is matched and echoed, 2049 matches nothing (patterns, regexes, exact)", async () => {
  const configs = [
    { allow_origin_patterns: ["https://*.example.com"], allow_methods: ["*"] },
    { allow_origin_regexes: ["https://[a.]+\\.example\\.com"], allow_methods: ["*"] },
    { allow_origin_patterns: ["*"], allow_methods: ["*"] },
  ];
  for (const c of configs) {
    const host = await loadHost(JSON.stringify(c));
    for (const len of [2047, 2048, 2049]) {
      const o = originOfLength(len);
      for (const req of [preflight(o), [[":authority", "api.example.net"], [":path", "/"], [":method", "GET"], [":scheme", "https"], ["origin", o]] as HeaderList]) {
        const ex = { request: req, upstream: OK_UP };
        const res = runExchange(host, ex);
        assert.deepEqual(violations(host, ex, res, { mayStar: false, reportOnly: false }), []);
        const acao = res.headers.find(([n]) => n === "access-control-allow-origin");
        if (len <= 2048) assert.equal(acao?.[1], o, `${JSON.stringify(c)}: ${len}-byte Origin not echoed`);
        else assert.equal(acao, undefined, `${JSON.stringify(c)}: ${len}-byte Origin was granted`);
      }
    }
    // the exact set: a configured 2048-byte origin matches, and the same origin one byte longer cannot be configured usefully
    const exact = originOfLength(2048);
    const h2 = await loadHost(JSON.stringify({ allow_origins: [exact] }));
    const res = runExchange(h2, { request: preflight(exact), upstream: OK_UP });
    assert.equal(res.headers.find(([n]) => n === "access-control-allow-origin")?.[1], exact);
  }
});

test("bounds: ACRH 8192 bytes / 64 elements allowed, 8193 bytes / 65 elements disallowed (allow_headers * and a list)", async () => {
  for (const allowHeaders of [["*"], ["x-a", "x-b", "content-type"]]) {
    const host = await loadHost(JSON.stringify({ allow_origins: [A], allow_headers: allowHeaders }));
    const check = (acrh: string, allowed: boolean, what: string) => {
      const ex = { request: preflight(A, acrh), upstream: OK_UP };
      const res = runExchange(host, ex);
      assert.deepEqual(violations(host, ex, res, { mayStar: false, reportOnly: false }), []);
      const granted = res.headers.some(([n]) => n === "access-control-allow-origin");
      assert.equal(granted, allowed, `${what} (allow_headers ${JSON.stringify(allowHeaders)}): ${allowed ? "rejected" : "allowed"}`);
      if (granted && allowHeaders[0] === "*") {
        const acah = res.headers.find(([n]) => n === "access-control-allow-headers")?.[1] ?? "";
        assert.ok(acah.length <= 8192, "ACAH longer than the ACRH bound");
      }
    };
    // OWS inside the list (before a comma) keeps the names x-a and x-b while the byte length grows; the host
    // trims only the ends of the value, as Envoy's codec does
    const padded = (bytes: number) => "x-a" + " ".repeat(bytes - 7) + ",x-b";
    check(padded(8191), true, "8191 bytes");
    check(padded(8192), true, "8192 bytes");
    check(padded(8193), false, "8193 bytes");
    check(acrhOf(63, 0, ["x-a"]), true, "63 elements");
    check(acrhOf(64, 0, ["x-a"]), true, "64 elements");
    check(acrhOf(65, 0, ["x-a"]), false, "65 elements");
    // empty elements count toward the 64 (spec §2.5)
    check("x-a" + ",".repeat(63), true, "1 name + 63 empties = 64 elements");
    check("x-a" + ",".repeat(64), false, "1 name + 64 empties = 65 elements");
    check(",".repeat(100000), false, "100,000 commas");
  }
});

// Found by the fuzz above (seed 0x5eed2026, generator "headers/vary-crlf", case 0): the Vary merge copied an
// upstream element holding a LF into the value the filter writes — `vary: "\nr*ginr*gin"` came back as
// `"\nr*ginr*gin, Origin"`. Envoy's codecs never deliver such bytes, but spec §6 says no CR/LF/NUL is echoed.
test("regression: an upstream Vary element holding CR / LF / NUL is not copied into the merged Vary", async () => {
  const host = await loadHost(JSON.stringify({ allow_origins: [A] }));
  const req: HeaderList = [[":authority", "api.example.com"], [":path", "/"], [":method", "GET"], [":scheme", "https"], ["origin", "https://evil.example"]];
  const cases: Array<[string[], string]> = [
    [["\nAccept"], "Origin"],
    [["Accept-Encoding\r\nSet-Cookie: a=b, Cookie"], "Cookie, Origin"],
    [["Cookie", "Accept\0"], "Cookie, Origin"],
    [["Origin\0"], "Origin"],
    [["*, \rx"], "*"],
  ];
  for (const [vary, want] of cases) {
    const ex: Exchange = { request: req, upstream: [[":status", "200"], ...vary.map((v) => ["vary", v] as [string, string])] };
    const res = runExchange(host, ex);
    assert.deepEqual(violations(host, ex, res, { mayStar: false, reportOnly: false }), [], JSON.stringify(vary));
    assert.deepEqual(res.headers.filter(([n]) => n === "vary").map(([, v]) => v), [want], JSON.stringify(vary));
  }
});

// Envoy interleaves streams on a worker: B's request headers may arrive before A's response headers. Each
// stream must be answered exactly as if it had been alone (no shared per-request state leaks between them).
test("header fuzz: interleaved streams answer exactly as sequential ones", async () => {
  const stream = "headers/interleaved";
  const hosts = await Promise.all(CONFIGS.map((c) => loadHost(c.json)));
  for (const i of cases(300)) {
    const r = caseRng(stream, i);
    const c = i % CONFIGS.length;
    const host = hosts[c];
    const n = r.range(2, 8);
    const exs: Exchange[] = [];
    for (let k = 0; k < n; k++) exs.push(randomExchange(r));
    // reference: one after the other
    const want = exs.map((ex) => {
      const res = runExchange(host, ex);
      return JSON.stringify({ kind: res.kind, status: res.status, headers: res.headers });
    });
    // interleaved: every request phase in random order, then every response phase, then every finish
    const streams = exs.map((ex) => host.newStream(ex.properties ? { properties: ex.properties } : undefined));
    const order = (xs: number[]) => { for (let j = xs.length - 1; j > 0; j--) { const k = r.int(j + 1); [xs[j], xs[k]] = [xs[k], xs[j]]; } return xs; };
    const got: string[] = new Array(n);
    const pending: number[] = [];
    for (const k of order([...Array(n).keys()])) {
      const out = streams[k].requestHeaders(exs[k].request, true);
      if (out.kind === "local") got[k] = JSON.stringify({ kind: "local", status: out.status, headers: out.headers });
      else if (out.kind === "stop") got[k] = JSON.stringify({ kind: "stop", status: 0, headers: [] });
      else pending.push(k);
    }
    for (const k of order(pending)) {
      const resp = streams[k].responseHeaders(exs[k].upstream, false);
      got[k] = JSON.stringify({ kind: "continue", status: resp.status, headers: resp.headers.filter(([h]) => !h.startsWith(":")) });
    }
    for (const k of order([...Array(n).keys()])) streams[k].finish();
    assert.equal(host.failed, false, `trap: ${host.failure} ${describeCase(CONFIGS[c].name, stream, i, null, [])}`);
    for (let k = 0; k < n; k++) {
      if (got[k] !== want[k]) {
        assert.fail(describeCase(`config ${CONFIGS[c].name}: stream ${k} of ${n} answered differently when interleaved`, stream, i, exs[k], [`alone: ${want[k].slice(0, 500)}`, `interleaved: ${got[k].slice(0, 500)}`]));
      }
    }
    assert.equal(host.contextCount, 1, "stream contexts left behind");
  }
});

// The same module linked as Kong (ngx_wasm_module) and APISIX (wasm-nginx-module) link it (src/host profiles).
for (const profile of ["kong", "apisix"] as const) {
  test(`header fuzz: ${profile} profile (4 configurations × 400 exchanges)`, async () => {
    const stream = `headers/${profile}`;
    const picked = [CONFIGS[1], CONFIGS[3], CONFIGS[6], CONFIGS[14]];
    const hosts = await Promise.all(picked.map((c) => loadHost(c.json, { profile })));
    for (const i of cases(1600)) {
      const c = i % picked.length;
      const ex = randomExchange(caseRng(stream, i));
      const res = runExchange(hosts[c], ex);
      const v = violations(hosts[c], ex, res, picked[c].facts);
      if (v.length > 0) assert.fail(describeCase(`${profile}: config ${picked[c].name}`, stream, i, ex, v));
    }
  });
}
