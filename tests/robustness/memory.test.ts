// Memory (docs/robustness.md §3, spec §6): linear memory after N mixed requests (the hostile kinds of
// tests/cases/hostile.ts: 8 KiB and 65-element ACRH, malformed and over-long origins, 50 Vary lines; 60 KiB headers
// in the shorter soaks) equals memory after the first 1,000, to the page, for a mid-size policy, for
// examples/cors.json and for 10,000 origins + 1,000 patterns; and 1,000 reconfigurations with large configurations do
// not grow it without bound. N = 200,000 for the first (ROBUST_SOAK overrides it), 20,000 for the others;
// `make bench` runs 1,000,000 requests of each (bench/run.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { ProxyWasmHost } from "../../src/host/index.js";
import { loadHost, pages, runExchange, violations, ROOT, type Exchange } from "./harness.js";
import { CONFIG, BIG_CONFIG, kinds, hugeKinds, req } from "../cases/hostile.js";

const SOAK = Number(process.env.ROBUST_SOAK ?? 200_000);
const SHORT_SOAK = Math.min(SOAK, 20_000);

/** Runs the kinds round robin from request `from` to `to` (the soak itself checks nothing but memory). */
function soak(host: ProxyWasmHost, ks: ReturnType<typeof kinds>, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const k = ks[i % ks.length].ex;
    const stream = host.newStream();
    const out = stream.requestHeaders(k.request, true);
    if (out.kind === "continue") stream.responseHeaders(k.upstream, false);
    stream.finish();
  }
}

test(`memory: pages after ${SOAK.toLocaleString("en-US")} mixed requests equal pages after the first 1,000`, async () => {
  const host = await loadHost(CONFIG, { maxLogs: 50 });
  const ks = kinds();
  // each kind once, checked: the soak below then measures only memory
  for (const k of ks) {
    const res = runExchange(host, k.ex);
    assert.deepEqual(violations(host, k.ex, res, { mayStar: false, reportOnly: false }), [], k.name);
    assert.equal(res.kind === "local", k.local, `${k.name}: ${res.kind} ${res.status}`);
  }
  const afterConfigure = pages(host);
  soak(host, ks, 0, 1000);
  const after1k = pages(host);
  const t0 = process.hrtime.bigint();
  soak(host, ks, 1000, SOAK / 10);
  const tenth = pages(host);
  soak(host, ks, SOAK / 10, SOAK);
  const perRequestUs = Number(process.hrtime.bigint() - t0) / 1000 / (SOAK - 1000);
  const end = pages(host);
  console.log(`# pages: after configure ${afterConfigure}, after 1,000 requests ${after1k}, after ${(SOAK / 10).toLocaleString("en-US")} ${tenth}, after ${SOAK.toLocaleString("en-US")} ${end} (${perRequestUs.toFixed(1)} µs per exchange)`);
  assert.equal(host.failed, false, `trap: ${host.failure}`);
  assert.equal(host.contextCount, 1, "stream contexts left behind");
  assert.equal(end, after1k, `linear memory grew from ${after1k} pages after 1,000 requests to ${end} after ${SOAK}`);
});

for (const { name, config } of [
  { name: "examples/cors.json", config: readFileSync(`${ROOT}examples/cors.json`, "utf8") },
  { name: "10,000 origins + 1,000 patterns", config: JSON.stringify(BIG_CONFIG) },
]) {
  test(`memory: ${name}: flat over ${SHORT_SOAK.toLocaleString("en-US")} mixed requests`, async () => {
    const host = await loadHost(config, { maxLogs: 50 });
    const ks = [...kinds(), ...hugeKinds()];
    const afterConfigure = pages(host);
    soak(host, ks, 0, 1000);
    const after1k = pages(host);
    soak(host, ks, 1000, SHORT_SOAK);
    const end = pages(host);
    console.log(`# pages (${name}): after configure ${afterConfigure}, after 1,000 requests ${after1k}, after ${SHORT_SOAK.toLocaleString("en-US")} ${end}`);
    assert.equal(host.failed, false, `trap: ${host.failure}`);
    assert.equal(host.contextCount, 1, "stream contexts left behind");
    assert.equal(end, after1k, `linear memory grew from ${after1k} pages after 1,000 requests to ${end}`);
  });
}

test("memory: 1,000 reconfigurations with large configurations (accepted and rejected) reach a plateau", async () => {
  const big = (v: number) => ({
    allow_origins: Array.from({ length: 150 }, (_, i) => `https://o${i}-v${v}.example.net`),
    allow_origin_patterns: Array.from({ length: 30 }, (_, i) => `https://*.p${i}-v${v}.example.com`),
    allow_origin_regexes: Array.from({ length: 3 }, (_, i) => `https://r${i}v${v}\\.(a+)+b\\.test`),
    allow_headers: Array.from({ length: 40 }, (_, i) => `x-h${i}-${v}`),
    expose_headers: Array.from({ length: 20 }, (_, i) => `x-e${i}`),
    allow_credentials: true,
  });
  const withRules = (v: number) => ({
    ...big(v),
    _rules_: Array.from({ length: 10 }, (_, i) => ({
      _match_domain_: [`d${i}.example.com`],
      allow_origins: Array.from({ length: 20 }, (_, k) => `https://r${i}-${k}.example.com`),
      allow_origin_patterns: [`https://*.r${i}.example.org`],
      allow_headers: ["*"],
    })),
  });
  const variants = [
    JSON.stringify(big(1)),
    JSON.stringify(withRules(2)),
    // rejected: a bad origin at the very end, after everything else was parsed
    JSON.stringify({ ...big(3), allow_origins: [...big(3).allow_origins, "https://bad.example.com/path"] }),
    JSON.stringify(big(4)),
  ];
  const host = await loadHost(variants[0], { maxLogs: 50 });
  const probe: Exchange = { request: req("OPTIONS", [["origin", "https://o1-v1.example.net"], ["access-control-request-method", "PUT"]]), upstream: [[":status", "200"]] };
  const marks: number[] = [];
  let rejected = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 1; i <= 1000; i++) {
    const ok = host.configure(variants[i % variants.length]);
    if (!ok) rejected++;
    assert.equal(host.failed, false, `trap at reconfiguration ${i}: ${host.failure}`);
    // a few requests between reconfigurations (the old policy must be collectable while streams come and go)
    for (let k = 0; k < 3; k++) runExchange(host, probe);
    if (i % 100 === 0) marks.push(pages(host));
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`# pages every 100 reconfigurations: ${marks.join(" ")} (${rejected} rejected, ${(ms / 1000).toFixed(2)} ms per configure)`);
  assert.equal(rejected, 250);
  // plateau: the second half adds nothing
  assert.equal(marks[9], marks[4], `memory kept growing across reconfigurations: ${marks.join(" ")}`);
  assert.ok(marks[9] <= 64, `${marks[9]} pages (4 MiB) for a few hundred origins`);
});
