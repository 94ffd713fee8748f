// `make bench`, part 1: the Node-host microbenchmark. Speed, size and memory of build/cors.wasm against floors built
// with the same toolchain (bench/floors: F1 = no-op filter, F2 = the minimal host I/O of any CORS filter), all run
// through our Envoy-like host in this one process, variants interleaved so machine noise hits them alike. The
// requests come from tests/cases: the benchmark grid (grid.ts), the request tables the unit and conformance tests
// judge (requests.ts) and the hostile kinds of the memory soaks (hostile.ts).
// Figures are Node/V8 figures: quote them as ratios to the floors, never as Envoy latency (docs/perf-anchors.md §L).
import { readFileSync, writeFileSync, mkdirSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { cpus, totalmem, platform, release } from "node:os";
import { ProxyWasmHost, type HeaderList } from "../src/host/index.js";
import { scenarios, upstreamResponse, type Scenario } from "../tests/cases/grid.js";
import { requestTables, requestLines } from "../tests/cases/requests.js";
import { CONFIG as MID_CONFIG, BIG_CONFIG, kinds, hugeKinds } from "../tests/cases/hostile.js";
import { median } from "./stats.js";

const N = Number(process.env.BENCH_N ?? 20000); // requests per sample
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 7);
const SOAK = Number(process.env.BENCH_SOAK ?? 1_000_000); // requests per memory soak
const WASM = process.env.BENCH_WASM ?? "build/cors.wasm";
const FLOORS = { F1: "build/bench/noop.wasm", F2: "build/bench/minimal_io.wasm" };
const EXAMPLE = readFileSync("examples/cors.json", "utf8");

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function loadHost(file: string, config: unknown): Promise<ProxyWasmHost> {
  const host = await ProxyWasmHost.load(readFileSync(file), { maxLogs: 100, legacyProperties: true });
  const text = typeof config === "string" ? config : JSON.stringify(config);
  if (!host.configure(text)) throw new Error(`${file}: configuration rejected: ${host.logs.map((l) => l.message).join("; ")}`);
  return host;
}

interface Exchange { request: HeaderList; upstream: HeaderList }

/** One request through the whole stream lifecycle, as Envoy drives it. */
function exchange(host: ProxyWasmHost, ex: Exchange): void {
  const stream = host.newStream();
  const outcome = stream.requestHeaders(ex.request, true);
  if (outcome.kind === "continue") stream.responseHeaders(ex.upstream, false);
  stream.finish();
}

/** ns per request over `n` requests, cycling through `exs`. */
function sample(host: ProxyWasmHost, exs: Exchange[], n: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) exchange(host, exs[i % exs.length]);
  return Number(process.hrtime.bigint() - t0) / n;
}

const quantile = (xs: number[], q: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))]; };
const pages = (host: ProxyWasmHost): number => (host.exports.memory as WebAssembly.Memory).buffer.byteLength / 65536;
const fmt = (x: number): string => x.toFixed(0);

interface Row { name: string; filter: number[]; f1: number[]; f2: number[] }
interface Soak { name: string; traffic: string; afterConfigure: number; after1k: number; afterSoak: number }

async function main(): Promise<void> {
  const started = new Date();
  const f1 = await loadHost(FLOORS.F1, {});
  const f2 = await loadHost(FLOORS.F2, {});

  // The grid and the request tables, each a list of exchanges with the configuration it runs under.
  const upstreamTable: HeaderList = [[":status", "200"], ["content-type", "application/json"], ["vary", "Accept-Encoding"], ["access-control-allow-origin", "*"]];
  const cases: Array<{ name: string; config: unknown; exs: Exchange[] }> = [
    ...scenarios.map((s: Scenario) => ({ name: s.name, config: s.config.config, exs: [{ request: s.request, upstream: upstreamResponse }] })),
    ...requestTables.map((t) => ({ name: `table: ${t.name}`, config: t.config, exs: t.requests.map((r) => ({ request: requestLines(r), upstream: upstreamTable })) })),
  ];
  const hosts = new Map<string, ProxyWasmHost>();
  for (const c of cases) {
    const key = JSON.stringify(c.config);
    if (!hosts.has(key)) hosts.set(key, await loadHost(WASM, c.config));
  }
  const hostOf = (c: (typeof cases)[number]) => hosts.get(JSON.stringify(c.config))!;

  // Warm up every variant (TurboFan) before any sample counts.
  for (const c of cases) for (const h of [hostOf(c), f1, f2]) sample(h, c.exs, Math.min(N, 20000));

  const rows: Row[] = cases.map((c) => ({ name: c.name, filter: [], f1: [], f2: [] }));
  for (let k = 0; k < SAMPLES; k++) {
    cases.forEach((c, i) => {
      // A full collection before EVERY sample: one taken only before the filter's sample would make the
      // filter's first requests pay for a cold heap that the floors never see.
      gc();
      rows[i].filter.push(sample(hostOf(c), c.exs, N));
      gc();
      rows[i].f1.push(sample(f1, c.exs, N));
      gc();
      rows[i].f2.push(sample(f2, c.exs, N));
    });
  }

  // Memory (spec §6, issue #9 §2): pages after configure, after the first 1,000 requests and after SOAK requests.
  // Ordinary traffic (every request of the tables) under examples/cors.json, which must stay within 2 pages, then
  // ordinary + hostile traffic under three policies, which must stay flat.
  const ordinary: Exchange[] = cases.filter((c) => c.name.startsWith("table: ")).flatMap((c) => c.exs);
  const hostile: Exchange[] = [...kinds(), ...hugeKinds()].map((k) => k.ex);
  const soaks: Soak[] = [];
  for (const [name, config, traffic, exs] of [
    ["examples/cors.json", EXAMPLE, "the request tables", ordinary],
    ["examples/cors.json", EXAMPLE, "tables + hostile", [...ordinary, ...hostile]],
    ["mid-size policy (tests/cases/hostile.ts)", MID_CONFIG, "tables + hostile", [...ordinary, ...hostile]],
    ["10,000 origins + 1,000 patterns", BIG_CONFIG, "tables + hostile", [...ordinary, ...hostile]],
  ] as const) {
    const host = await loadHost(WASM, config);
    const afterConfigure = pages(host);
    for (let i = 0; i < 1000; i++) exchange(host, exs[i % exs.length]);
    const after1k = pages(host);
    for (let i = 1000; i < SOAK; i++) exchange(host, exs[i % exs.length]);
    if (host.failed) throw new Error(`${name}: the module trapped: ${host.failure}`);
    soaks.push({ name, traffic, afterConfigure, after1k, afterSoak: pages(host) });
  }

  const size = (file: string) => { const b = readFileSync(file); return { raw: statSync(file).size, gzip: gzipSync(b, { level: 9 }).length }; };
  const sizes = { filter: size(WASM), F1: size(FLOORS.F1), F2: size(FLOORS.F2) };

  const lines: string[] = [];
  lines.push(`## ${started.toISOString().slice(0, 10)} — ${cpus()[0]?.model ?? "unknown CPU"} ×${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, Node ${process.version} ${process.execArgv.join(" ")}`);
  lines.push("");
  lines.push(`${SAMPLES} interleaved samples × ${N} requests per variant; ns per request (context create → request headers → response headers → done/log/delete) through the Node host; median [p25–p75]. Rows "table: …" cycle through every request of that table of tests/cases/requests.ts under its configuration.`);
  lines.push("F1 = no-op module, F2 = minimal CORS host I/O (same ABI layer, runtime and flags). logic = filter − F2.");
  lines.push("");
  lines.push("| scenario | filter ns | F1 ns | F2 ns | filter/F1 | logic (filter−F2) ns |");
  lines.push("|---|---|---|---|---|---|");
  const json: Record<string, unknown>[] = [];
  for (const r of rows) {
    const mf = median(r.filter), m1 = median(r.f1), m2 = median(r.f2);
    lines.push(`| ${r.name} | ${fmt(mf)} [${fmt(quantile(r.filter, 0.25))}–${fmt(quantile(r.filter, 0.75))}] | ${fmt(m1)} | ${fmt(m2)} | ${(mf / m1).toFixed(2)} | ${fmt(mf - m2)} |`);
    json.push({ name: r.name, filter: r.filter, F1: r.f1, F2: r.f2 });
  }
  const one = rows.find((r) => r.name === "n=one r=actual o=y")!, many = rows.find((r) => r.name === "n=many r=actual o=y")!;
  const manyPat = rows.find((r) => r.name === "n=many-patterns r=actual o=y")!;
  lines.push("");
  lines.push(`Scaling: n=many (1000 exact origins) / n=one = ${(median(many.filter) / median(one.filter)).toFixed(2)}; 1000 patterns / n=one = ${(median(manyPat.filter) / median(one.filter)).toFixed(2)} (actual, allowed).`);
  lines.push(`Size: build/cors.wasm ${sizes.filter.raw} B (gzip ${sizes.filter.gzip} B); F1 ${sizes.F1.raw} B (gzip ${sizes.F1.gzip} B); F2 ${sizes.F2.raw} B.`);
  lines.push("");
  lines.push(`Linear memory (64 KiB pages) over ${SOAK.toLocaleString("en-US")} requests per row; hostile = the kinds of tests/cases/hostile.ts (8 KiB and 65-element ACRH, over-long and malformed origins, 50 Vary lines, a 60 KiB Origin and a 60 KiB upstream Vary):`);
  lines.push("");
  lines.push("| policy | traffic | after configure | after 1,000 | at the end | flat |");
  lines.push("|---|---|---:|---:|---:|---|");
  for (const s of soaks) lines.push(`| ${s.name} | ${s.traffic} | ${s.afterConfigure} | ${s.after1k} | ${s.afterSoak} | ${s.afterSoak === s.after1k ? "yes" : "**no**"} |`);
  const report = lines.join("\n");
  console.log(report);
  mkdirSync("build/bench", { recursive: true });
  writeFileSync("build/bench/results.json", JSON.stringify({ date: started.toISOString(), node: process.version, cpus: cpus().map((c) => c.model), sizes, memory: { soak: SOAK, soaks }, rows: json }, null, 1));
  writeFileSync("build/bench/results.md", report + "\n");
  // reported, not fatal: the Envoy report (bench/envoy/run.ts) marks the memory target missed
  for (const s of soaks) if (s.afterSoak !== s.after1k) console.error(`memory grew (${s.name}, ${s.traffic}): ${s.after1k} → ${s.afterSoak} pages`);
}

await main();
