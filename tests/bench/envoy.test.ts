// The Envoy bench's generators, without any load: every setup's bootstrap (one listener per scenario it runs)
// and the upstream's must pass real Envoy's `--mode validate`, and the report generator must turn a recorded
// result (tests/bench/fixtures/envoy-result.json, from a real 1-round run) into the table and the SVG, marking a
// missed target as missed — a bench that printed "met" for everything would hide the regressions it exists for.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SCENARIOS, SETUPS, portsFor, runs, setupConfig, upstreamConfig } from "../../bench/envoy/config.js";
import { markdown, svg, targets, type EnvoyResult } from "../../bench/envoy/report.js";
import { ABLATION_SETUPS, ablationConfig } from "../../bench/envoy/ablation.js";
import { SOAK_VMS, soakConfig } from "../../bench/envoy/soak.js";

const ENVOY = resolve("build/envoy/envoy/_bin/envoy");
const PATHS = { filter: resolve("build/cors.wasm"), F1: resolve("build/bench/noop.wasm"), F2: resolve("build/bench/minimal_io.wasm") };
const ABLATION_FLOOR = resolve("build/bench/ablation.wasm");
const dir = mkdtempSync(join(tmpdir(), "bench-envoy-"));

function validate(name: string, config: unknown) {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return spawnSync(ENVOY, ["--mode", "validate", "--disable-hot-restart", "-l", "error", "-c", file], { encoding: "utf8", timeout: 60000 });
}

test("the bench's inputs exist (make envoy, make build/bench/noop.wasm build/bench/minimal_io.wasm build/bench/ablation.wasm)", () => {
  for (const f of [ENVOY, ...Object.values(PATHS), ABLATION_FLOOR]) assert.ok(existsSync(f), `${f} missing`);
});

test("envoy --mode validate accepts the host-call ablation bootstrap (a listener per setup)", () => {
  const config = ablationConfig() as { static_resources: { listeners: unknown[] } };
  assert.equal(config.static_resources.listeners.length, ABLATION_SETUPS.length);
  const r = validate("ablation", config);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /OK/);
});

for (const setup of SETUPS) {
  test(`envoy --mode validate accepts the ${setup} bootstrap (every scenario it runs)`, () => {
    const config = setupConfig(setup, PATHS) as { static_resources: { listeners: { name: string }[] } };
    // Every scenario the setup can express has its listener, on its own port.
    assert.deepEqual(config.static_resources.listeners.map((l) => l.name), SCENARIOS.filter((s) => runs(setup, s)).map((s) => s.name));
    const r = validate(setup, config);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /OK/);
  });
}

test("envoy --mode validate accepts the memory-soak bootstrap (one VM per policy)", () => {
  const config = soakConfig() as { static_resources: { listeners: unknown[] } };
  assert.equal(config.static_resources.listeners.length, SOAK_VMS.length);
  const r = validate("soak", config);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("report: the memory targets are met when every memory is flat, missed when one grew", () => {
  const r: EnvoyResult = structuredClone(recorded);
  const mem = (name: string) => targets(r).find((x) => x.text.startsWith(name))!;
  assert.equal(mem("linear memory flat after").met, null, "not measured without the soaks");
  const soak = (after1k: number, afterSoak: number) => ({ name: "examples/cors.json", traffic: "the request tables", afterConfigure: 1, after1k, afterSoak });
  r.nodeMemory = { soak: 1_000_000, soaks: [soak(2, 2)] };
  const sample = (pages: number[]) => ({ requests: 1, pagesByVm: pages, rssMiB: 100 });
  r.envoySoak = { requestsPerVm: 1_000_000, vms: { example: { samples: [sample([4, 1]), sample([1, 4])] } } };
  const t = targets(r);
  assert.equal(t.find((x) => x.text.startsWith("linear memory: 2 pages"))!.met, true);
  assert.equal(t.find((x) => x.text.startsWith("linear memory flat after 1,000,000 requests, hostile"))!.met, true);
  assert.equal(t.find((x) => x.text.includes("in Envoy"))!.met, true);
  r.nodeMemory = { soak: 1_000_000, soaks: [soak(2, 3)] };
  r.envoySoak.vms.example.samples.push(sample([8, 1]));
  const u = targets(r);
  assert.equal(u.find((x) => x.text.startsWith("linear memory: 2 pages"))!.met, false);
  assert.equal(u.find((x) => x.text.startsWith("linear memory flat after 1,000,000 requests, hostile"))!.met, false);
  assert.equal(u.find((x) => x.text.includes("in Envoy"))!.met, false);
  assert.match(markdown(r), /\*\*missed\*\* — linear memory flat after 1,000,000 requests per VM in Envoy/);
});

test("envoy --mode validate accepts the upstream bootstrap", () => {
  const r = validate("upstream", upstreamConfig());
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("validation can fail: a broken native CorsPolicy is rejected", () => {
  const c = setupConfig("native", PATHS) as any;
  c.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0]
    .typed_per_filter_config["envoy.filters.http.cors"].allow_origin_string_match = [{ no_such_matcher: "x" }];
  assert.notEqual(validate("broken", c).status, 0);
});

test("ports are distinct and in 20000-20999", () => {
  const all = SETUPS.flatMap((s) => [portsFor(s).admin, ...Object.values(portsFor(s).listeners)]);
  assert.equal(new Set(all).size, all.length);
  for (const p of all) assert.ok(p >= 20000 && p <= 20999, String(p));
});

const recorded = JSON.parse(readFileSync("tests/bench/fixtures/envoy-result.json", "utf8")) as EnvoyResult;

test("report: table, memory and targets from the recorded result", () => {
  const md = markdown(recorded);
  assert.match(md, /\| actual GET, allowed origin \| \*\*this filter\*\* \| [\d,]+ \(\d+ %\) \|/);
  assert.match(md, /\| _rules_, 20 domain rules \(actual\) \| Envoy native CORS \| — \|/, "a scenario the native filter cannot express is —");
  assert.match(md, /Envoy 1\.40\.0/);
  assert.match(md, /only ratios within this run count/);
  assert.match(md, /\*\*missed\*\* — build\/cors\.wasm ≤ 64 KiB \(65,536 B\): 114,014 B/, "the 114 KB filter misses the size target");
});

test("report: a target is met or missed by its threshold", () => {
  const r: EnvoyResult = structuredClone(recorded);
  r.wasmBytes = 40000;
  const cell = (setup: string, sc: string) => r.cells.find((c) => c.setup === setup && c.scenario === sc)!;
  for (const x of cell("filter", "actual").rounds) x.rps = cell("none", "actual").rounds[0].rps * 0.89;
  const t = targets(r);
  assert.equal(t.find((x) => x.text.startsWith("build/cors.wasm"))!.met, true);
  assert.equal(t.find((x) => x.text.startsWith("goal"))!.met, true);
  assert.equal(t.find((x) => x.text === "actual: throughput ≥ 0.90× no filter")!.met, false);
  for (const x of cell("filter", "actual").rounds) x.rps = cell("none", "actual").rounds[0].rps * 0.91;
  assert.equal(targets(r).find((x) => x.text === "actual: throughput ≥ 0.90× no filter")!.met, true);
  assert.match(markdown(r), /- met — actual: throughput ≥ 0\.90× no filter: 0\.91×/);
});

test("report: the SVG is well-formed and has a bar per measured cell", () => {
  const s = svg(recorded);
  assert.match(s, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(s, /<\/svg>\n$/);
  assert.equal((s.match(/<rect [^>]*height="9"/g) ?? []).length, recorded.cells.length);
  assert.ok(!/NaN|undefined/.test(s));
});
