// The Envoy benchmark (issue #9 §1): real pinned Envoy (--concurrency 1), wrk as load generator, Envoy and the
// generator on different cores, interleaved rounds. Writes build/bench/envoy.{json,md,svg}; `make bench` copies
// them (with the Node-host section) to bench/RESULTS.md and bench/results.svg. Settings: BENCH_ROUNDS (3),
// BENCH_SECONDS (2), BENCH_CONNECTIONS (16).
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { SCENARIOS, SETUPS, portsFor, runs, setupConfig, upstreamConfig, UPSTREAM_PORTS, type SetupName } from "./config.js";
import { markdown, svg, type Cell, type EnvoyResult, type Round } from "./report.js";
import { ENVOY, OUT, cleanup, cpuModel, cpuUs, ensureWrk, envoyVersion, get, pinned, rssMiB, startEnvoy, wrk, wrkScript } from "./procs.js";
import { median } from "../stats.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3), SECONDS = Number(process.env.BENCH_SECONDS ?? 2), CONNS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PATHS = { filter: resolve("build/cors.wasm"), F1: resolve("build/bench/noop.wasm"), F2: resolve("build/bench/minimal_io.wasm") };
const baseId = (name: string) => 100 + SETUPS.indexOf(name as SetupName) + 1;

async function main() {
  const t0 = Date.now();
  ensureWrk();
  if (!existsSync(ENVOY)) throw new Error(`${ENVOY} missing: make envoy`);
  mkdirSync(`${OUT}/envoy`, { recursive: true });
  const version = envoyVersion();

  await startEnvoy("upstream", upstreamConfig(), UPSTREAM_PORTS.admin, { core: 0, baseId: baseId("upstream") });
  const envoys: Partial<Record<SetupName, { pid: number; readyMs: number }>> = {};
  for (const setup of SETUPS) envoys[setup] = await startEnvoy(setup, setupConfig(setup, PATHS), portsFor(setup).admin, { core: 1, baseId: baseId(setup) });

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
  const scripts = new Map(SCENARIOS.map((s) => [s.name, wrkScript(s.name, s.method, s.headers)]));
  for (const c of cells) wrk(portsFor(c.setup).listeners[c.scenario], scripts.get(c.scenario)!, 1, CONNS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cells) {
      const pid = envoys[c.setup]!.pid;
      const before = cpuUs(pid);
      const w = wrk(portsFor(c.setup).listeners[c.scenario], scripts.get(c.scenario)!, SECONDS, CONNS);
      const cpu = cpuUs(pid) - before;
      const rd: Round = { ...w, cpuUsPerReq: cpu / w.requests };
      c.rounds.push(rd);
    }
    console.log(`round ${round + 1}/${ROUNDS} done (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const setups: EnvoyResult["setups"] = {};
  for (const setup of SETUPS) setups[setup] = { rssMiB: rssMiB(envoys[setup]!.pid), readyMs: envoys[setup]!.readyMs };
  cleanup();

  // The Node-host bench's ratios and memory (bench/run.ts) and the Envoy memory soak (bench/envoy/soak.ts), when
  // `make bench` ran them first.
  let node: EnvoyResult["node"];
  let nodeMemory: EnvoyResult["nodeMemory"];
  if (existsSync(`${OUT}/results.json`)) {
    const j = JSON.parse(readFileSync(`${OUT}/results.json`, "utf8")) as { rows: { name: string; filter: number[]; F1: number[] }[]; memory?: EnvoyResult["nodeMemory"] };
    node = j.rows.map((r) => ({ name: r.name, filterOverF1: median(r.filter) / median(r.F1) }));
    nodeMemory = j.memory;
  }
  const envoySoak = existsSync(`${OUT}/soak.json`) ? JSON.parse(readFileSync(`${OUT}/soak.json`, "utf8")) as EnvoyResult["envoySoak"] : undefined;
  const result: EnvoyResult = {
    date: new Date().toISOString(), machine: { nproc: cpus().length, cpu: cpuModel() }, envoyVersion: version, pinned,
    rounds: ROUNDS, seconds: SECONDS, connections: CONNS, generator: "wrk -t1 (HTTP/1.1 keep-alive)", cells, setups,
    wasmBytes: statSync(PATHS.filter).size, node, nodeMemory, envoySoak,
  };
  writeFileSync(`${OUT}/envoy.json`, JSON.stringify(result, null, 1));
  const md = markdown(result) + `\nBench wall time: ${((Date.now() - t0) / 1000).toFixed(0)} s.\n`;
  writeFileSync(`${OUT}/envoy.md`, md);
  writeFileSync(`${OUT}/envoy.svg`, svg(result));
  console.log(md);
}

main().catch((e) => { console.error(e instanceof Error ? e.message : e); cleanup(); process.exit(1); });
