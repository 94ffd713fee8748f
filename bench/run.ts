// `make bench`: speed, size and memory of build/cors.wasm against floors built with the same toolchain
// (bench/floors: F1 = no-op filter, F2 = the minimal host I/O of any CORS filter), all run through our
// Envoy-like host in this one process, variants interleaved so machine noise hits them alike.
// Figures are Node/V8 figures: quote them as ratios to the floors, never as Envoy latency (docs/perf-anchors.md §L).
import { readFileSync, writeFileSync, mkdirSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { cpus, totalmem, platform, release } from "node:os";
import { ProxyWasmHost, type HeaderList } from "../src/host/index.js";
import { scenarios, upstreamResponse, type Scenario } from "./scenarios.js";
import { median } from "./stats.js";

const N = Number(process.env.BENCH_N ?? 20000); // requests per sample
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 7);
const SOAK = Number(process.env.BENCH_SOAK ?? 1_000_000); // requests for the memory check
const WASM = process.env.BENCH_WASM ?? "build/cors.wasm";
const FLOORS = { F1: "build/bench/noop.wasm", F2: "build/bench/minimal_io.wasm" };

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function loadHost(file: string, config: unknown): Promise<ProxyWasmHost> {
  const host = await ProxyWasmHost.load(readFileSync(file), { maxLogs: 100 });
  if (!host.configure(JSON.stringify(config))) throw new Error(`${file}: configuration rejected: ${host.logs.map((l) => l.message).join("; ")}`);
  return host;
}

/** One request through the whole stream lifecycle, as Envoy drives it. */
function exchange(host: ProxyWasmHost, request: HeaderList): void {
  const stream = host.newStream();
  const outcome = stream.requestHeaders(request, true);
  if (outcome.kind === "continue") stream.responseHeaders(upstreamResponse, false);
  stream.finish();
}

function sample(host: ProxyWasmHost, request: HeaderList, n: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) exchange(host, request);
  return Number(process.hrtime.bigint() - t0) / n;
}

const quantile = (xs: number[], q: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))]; };
const pages = (host: ProxyWasmHost): number => (host.exports.memory as WebAssembly.Memory).buffer.byteLength / 65536;
const fmt = (x: number): string => x.toFixed(0);

interface Row { name: string; filter: number[]; f1: number[]; f2: number[] }

async function main(): Promise<void> {
  const started = new Date();
  const f1 = await loadHost(FLOORS.F1, {});
  const f2 = await loadHost(FLOORS.F2, {});
  const filterHosts = new Map<string, ProxyWasmHost>();
  for (const s of scenarios) if (!filterHosts.has(s.config.name)) filterHosts.set(s.config.name, await loadHost(WASM, s.config.config));

  // Warm up every variant (TurboFan) before any sample counts.
  for (const s of scenarios) for (const h of [filterHosts.get(s.config.name)!, f1, f2]) sample(h, s.request, Math.min(N, 20000));

  const rows: Row[] = scenarios.map((s) => ({ name: s.name, filter: [], f1: [], f2: [] }));
  for (let k = 0; k < SAMPLES; k++) {
    scenarios.forEach((s: Scenario, i) => {
      // A full collection before EVERY sample: one taken only before the filter's sample would make the
      // filter's first requests pay for a cold heap that the floors never see.
      gc();
      rows[i].filter.push(sample(filterHosts.get(s.config.name)!, s.request, N));
      gc();
      rows[i].f1.push(sample(f1, s.request, N));
      gc();
      rows[i].f2.push(sample(f2, s.request, N));
    });
  }

  // Memory: pages after configure, after the first 1,000 requests, and after SOAK mixed requests (spec §6).
  const soakHost = await loadHost(WASM, scenarios[0].config.config);
  const mixed = scenarios.filter((s) => s.config.name === "one").map((s) => s.request);
  const afterConfigure = pages(soakHost);
  for (let i = 0; i < 1000; i++) exchange(soakHost, mixed[i % mixed.length]);
  const after1k = pages(soakHost);
  for (let i = 1000; i < SOAK; i++) exchange(soakHost, mixed[i % mixed.length]);
  const afterSoak = pages(soakHost);

  const size = (file: string) => { const b = readFileSync(file); return { raw: statSync(file).size, gzip: gzipSync(b, { level: 9 }).length }; };
  const sizes = { filter: size(WASM), F1: size(FLOORS.F1), F2: size(FLOORS.F2) };

  const lines: string[] = [];
  lines.push(`## ${started.toISOString().slice(0, 10)} — ${cpus()[0]?.model ?? "unknown CPU"} ×${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, Node ${process.version} ${process.execArgv.join(" ")}`);
  lines.push("");
  lines.push(`${SAMPLES} interleaved samples × ${N} requests per variant; ns per request (context create → request headers → response headers → done/log/delete) through the Node host; median [p25–p75].`);
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
  lines.push(`Linear memory (64 KiB pages): after configure ${afterConfigure}, after 1,000 requests ${after1k}, after ${SOAK.toLocaleString("en-US")} requests ${afterSoak}.`);
  const report = lines.join("\n");
  console.log(report);
  mkdirSync("build/bench", { recursive: true });
  writeFileSync("build/bench/results.json", JSON.stringify({ date: started.toISOString(), node: process.version, cpus: cpus().map((c) => c.model), sizes, memory: { afterConfigure, after1k, afterSoak, soak: SOAK }, rows: json }, null, 1));
  writeFileSync("build/bench/results.md", report + "\n");
  if (afterSoak !== after1k) { console.error(`memory grew: ${after1k} → ${afterSoak} pages`); process.exitCode = 1; }
}

await main();
