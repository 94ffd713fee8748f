// The Envoy benchmark (issue #9 §1): real pinned Envoy (--concurrency 1), wrk as load generator, Envoy and the
// generator on different cores, interleaved rounds. Writes build/bench/envoy.{json,md,svg}; `make bench` copies
// them (with the Node-host section) to bench/RESULTS.md and bench/results.svg. Settings: BENCH_ROUNDS (3),
// BENCH_SECONDS (2), BENCH_CONNECTIONS (16).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { SCENARIOS, SETUPS, portsFor, runs, setupConfig, upstreamConfig, UPSTREAM_PORTS, type SetupName, type Scenario } from "./config.js";
import { markdown, svg, type Cell, type EnvoyResult, type Round } from "./report.js";
import { median } from "../stats.js";

const ENVOY = resolve("build/envoy/envoy/_bin/envoy");
const OUT = "build/bench";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3), SECONDS = Number(process.env.BENCH_SECONDS ?? 2), CONNS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PATHS = { filter: resolve("build/cors.wasm"), F1: resolve("build/bench/noop.wasm"), F2: resolve("build/bench/minimal_io.wasm") };

function ensureWrk(): void {
  if (spawnSync("sh", ["-c", "command -v wrk"]).status === 0) return;
  if (process.getuid?.() === 0) {
    console.log("wrk is missing: apt-get install -y wrk");
    const r = spawnSync("sh", ["-c", "apt-get install -y wrk || (apt-get update && apt-get install -y wrk)"], { stdio: "inherit" });
    if (r.status === 0) return;
  }
  throw new Error("the Envoy bench needs the load generator wrk: install it (Debian/Ubuntu: sudo apt-get install -y wrk) and run make bench again");
}

const TICK = Number(spawnSync("getconf", ["CLK_TCK"]).stdout.toString().trim() || 100);
function cpuUs(pid: number): number {
  // Fields after the ")" of comm: utime is field 14, stime 15 (1-based), in clock ticks.
  const st = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1e6) / TICK;
}
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

function get(port: number, path: string, headers: Record<string, string> = {}, method = "GET"): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((res, rej) => {
    const q = request({ host: "127.0.0.1", port, path, method, headers }, (r) => { r.resume(); r.on("end", () => res({ status: r.statusCode ?? 0, headers: r.headers })); });
    q.on("error", rej); q.setTimeout(2000, () => q.destroy(new Error("timeout"))); q.end();
  });
}

const procs: ChildProcess[] = [];
function cleanup() { for (const p of procs) if (p.exitCode === null) p.kill("SIGTERM"); }
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => { cleanup(); process.exit(130); });

const pinned = cpus().length >= 2;
const pin = (core: number, cmd: string[]) => (pinned ? ["taskset", "-c", String(core), ...cmd] : cmd);

async function startEnvoy(name: string, config: unknown, admin: number): Promise<{ pid: number; readyMs: number; log: () => string }> {
  const file = `${OUT}/envoy/${name}.json`;
  writeFileSync(file, JSON.stringify(config, null, 1));
  const argv = pin(name === "upstream" ? 0 : 1, [ENVOY, "-c", file, "--concurrency", "1", "--disable-hot-restart", "-l", "warning", "--base-id", String(100 + SETUPS.indexOf(name as SetupName) + 1)]);
  const t0 = performance.now();
  const p = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
  procs.push(p);
  let log = "";
  p.stderr!.on("data", (d) => { log += d; if (log.length > 20000) log = log.slice(-20000); });
  for (;;) {
    if (p.exitCode !== null) throw new Error(`Envoy ${name} exited (${p.exitCode}):\n${log}`);
    try { const r = await get(admin, "/ready"); if (r.status === 200) break; } catch { /* not listening yet */ }
    if (performance.now() - t0 > 30000) throw new Error(`Envoy ${name} not ready after 30 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return { pid: p.pid!, readyMs: performance.now() - t0, log: () => log };
}

function lua(s: Scenario): string {
  const file = `${OUT}/envoy/${s.name}.lua`;
  const h = Object.entries(s.headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k === "host" ? "Host" : k)}] = ${JSON.stringify(v)}`).join("\n");
  writeFileSync(file, `wrk.method = "${s.method}"\n${h}\n`);
  return file;
}

const us = (v: string, unit: string) => Number(v) * (unit === "us" ? 1 : unit === "ms" ? 1e3 : unit === "s" ? 1e6 : NaN);
function wrk(port: number, script: string, seconds: number): { rps: number; p50us: number; p99us: number; requests: number; non2xx: number } {
  const argv = pin(0, ["wrk", "-t1", `-c${CONNS}`, `-d${seconds}s`, "--latency", "-s", script, `http://127.0.0.1:${port}/`]);
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr}`);
  const o = r.stdout;
  const lat = (p: string) => { const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, "m").exec(o); return m ? us(m[1], m[2]) : NaN; };
  const req = /(\d+) requests in/.exec(o);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(o)?.[1]), p50us: lat("50"), p99us: lat("99"), requests: req ? Number(req[1]) : NaN, non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(o)?.[1] ?? 0) };
}

async function main() {
  const t0 = Date.now();
  ensureWrk();
  if (!existsSync(ENVOY)) throw new Error(`${ENVOY} missing: make envoy`);
  mkdirSync(`${OUT}/envoy`, { recursive: true });
  const version = /version: \S+\/([\d.]+)/.exec(spawnSync(ENVOY, ["--version"], { encoding: "utf8" }).stdout)?.[1] ?? "unknown";

  await startEnvoy("upstream", upstreamConfig(), UPSTREAM_PORTS.admin);
  const envoys: Partial<Record<SetupName, { pid: number; readyMs: number }>> = {};
  for (const setup of SETUPS) envoys[setup] = await startEnvoy(setup, setupConfig(setup, PATHS), portsFor(setup).admin);

  // Correctness first: a benchmark of a wrong answer is worthless. The filter must give each scenario's verdict.
  const cells: Cell[] = [];
  for (const sc of SCENARIOS) for (const setup of SETUPS) {
    if (!runs(setup, sc)) continue;
    const r = await get(portsFor(setup).listeners[sc.name], "/", sc.headers, sc.method);
    const acao = (r.headers["access-control-allow-origin"] as string | undefined) ?? null;
    let check = `${r.status}${acao ? " ACAO" : ""}`;
    if (setup === "filter") {
      const ok = r.status === sc.expectStatus && acao === sc.expectAcao && (sc.upstream !== "vary" || String(r.headers.vary).toLowerCase().includes("accept-encoding"));
      if (!ok) throw new Error(`filter gives ${sc.name} status ${r.status} ACAO ${acao} vary ${r.headers.vary}; expected ${sc.expectStatus} ${sc.expectAcao}`);
      check += " ✓";
    }
    cells.push({ setup, scenario: sc.name, rounds: [], check });
  }

  // One wrk script per scenario, written once. Warm-up (one short run per cell), then interleaved rounds:
  // every round visits every cell once.
  const scripts = new Map(SCENARIOS.map((s) => [s.name, lua(s)]));
  for (const c of cells) wrk(portsFor(c.setup).listeners[c.scenario], scripts.get(c.scenario)!, 1);
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cells) {
      const pid = envoys[c.setup]!.pid;
      const before = cpuUs(pid);
      const w = wrk(portsFor(c.setup).listeners[c.scenario], scripts.get(c.scenario)!, SECONDS);
      const cpu = cpuUs(pid) - before;
      const rd: Round = { ...w, cpuUsPerReq: cpu / w.requests };
      c.rounds.push(rd);
    }
    console.log(`round ${round + 1}/${ROUNDS} done (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const setups: EnvoyResult["setups"] = {};
  for (const setup of SETUPS) setups[setup] = { rssMiB: rssMiB(envoys[setup]!.pid), readyMs: envoys[setup]!.readyMs };
  cleanup();

  let node: EnvoyResult["node"];
  if (existsSync(`${OUT}/results.json`)) {
    const j = JSON.parse(readFileSync(`${OUT}/results.json`, "utf8")) as { rows: { name: string; filter: number[]; F1: number[] }[] };
    node = j.rows.map((r) => ({ name: r.name, filterOverF1: median(r.filter) / median(r.F1) }));
  }
  const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU";
  const result: EnvoyResult = {
    date: new Date().toISOString(), machine: { nproc: cpus().length, cpu: cpuModel }, envoyVersion: version, pinned,
    rounds: ROUNDS, seconds: SECONDS, connections: CONNS, generator: "wrk -t1 (HTTP/1.1 keep-alive)", cells, setups,
    wasmBytes: statSync(PATHS.filter).size, node,
  };
  writeFileSync(`${OUT}/envoy.json`, JSON.stringify(result, null, 1));
  const md = markdown(result) + `\nBench wall time: ${((Date.now() - t0) / 1000).toFixed(0)} s.\n`;
  writeFileSync(`${OUT}/envoy.md`, md);
  writeFileSync(`${OUT}/envoy.svg`, svg(result));
  console.log(md);
}

main().catch((e) => { console.error(e instanceof Error ? e.message : e); cleanup(); process.exit(1); });
