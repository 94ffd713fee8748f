// Processes of the Envoy benches (run.ts, ablation.ts): the pinned Envoy, wrk, CPU and RSS from /proc, a plain
// HTTP client. Everything started here is stopped by `cleanup()` (on exit and on SIGINT/SIGTERM).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { request, Agent } from "node:http";
import { cpus } from "node:os";
import { resolve } from "node:path";

export const ENVOY = resolve("build/envoy/envoy/_bin/envoy");
export const OUT = "build/bench";

export function ensureWrk(): void {
  if (spawnSync("sh", ["-c", "command -v wrk"]).status === 0) return;
  if (process.getuid?.() === 0) {
    console.log("wrk is missing: apt-get install -y wrk");
    const r = spawnSync("sh", ["-c", "apt-get install -y wrk || (apt-get update && apt-get install -y wrk)"], { stdio: "inherit" });
    if (r.status === 0) return;
  }
  throw new Error("the Envoy bench needs the load generator wrk: install it (Debian/Ubuntu: sudo apt-get install -y wrk) and run make bench again");
}

export function envoyVersion(): string {
  return /version: \S+\/([\d.]+)/.exec(spawnSync(ENVOY, ["--version"], { encoding: "utf8" }).stdout)?.[1] ?? "unknown";
}

const TICK = Number(spawnSync("getconf", ["CLK_TCK"]).stdout.toString().trim() || 100);
/** utime + stime of a process, in µs. */
export function cpuUs(pid: number): number {
  // Fields after the ")" of comm: utime is field 14, stime 15 (1-based), in clock ticks.
  const st = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1e6) / TICK;
}
export const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

export interface Reply { status: number; headers: Record<string, string | string[] | undefined> }
export function get(port: number, path: string, headers: Record<string, string> = {}, method = "GET", agent?: Agent): Promise<Reply> {
  return new Promise((res, rej) => {
    const q = request({ host: "127.0.0.1", port, path, method, headers, agent }, (r) => { r.resume(); r.on("end", () => res({ status: r.statusCode ?? 0, headers: r.headers })); });
    q.on("error", rej); q.setTimeout(30000, () => q.destroy(new Error("timeout"))); q.end();
  });
}

const procs: ChildProcess[] = [];
export function cleanup(): void {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
}
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => { cleanup(); process.exit(130); });

export const pinned = cpus().length >= 2;
/** Envoy under test on core 1, load generator and upstream on core 0, when there are two cores. */
export const pin = (core: number, cmd: string[]): string[] => (pinned ? ["taskset", "-c", String(core), ...cmd] : cmd);

export interface EnvoyProc { pid: number; readyMs: number; log: () => string }
/** Writes `config` to build/bench/envoy/NAME.json and starts Envoy on it (`wrap`: a command prefix, e.g. valgrind);
 *  resolves once its admin answers /ready. */
export async function startEnvoy(name: string, config: unknown, admin: number, opts: { core: number; baseId: number; wrap?: string[]; timeoutMs?: number }): Promise<EnvoyProc> {
  const file = `${OUT}/envoy/${name}.json`;
  writeFileSync(file, JSON.stringify(config, null, 1));
  const argv = pin(opts.core, [...(opts.wrap ?? []), ENVOY, "-c", file, "--concurrency", "1", "--disable-hot-restart", "-l", "warning", "--base-id", String(opts.baseId)]);
  const t0 = performance.now();
  const p = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
  procs.push(p);
  let log = "";
  p.stderr!.on("data", (d) => { log += d; if (log.length > 20000) log = log.slice(-20000); });
  for (;;) {
    if (p.exitCode !== null) throw new Error(`Envoy ${name} exited (${p.exitCode}):\n${log}`);
    try { const r = await get(admin, "/ready"); if (r.status === 200) break; } catch { /* not listening yet */ }
    if (performance.now() - t0 > (opts.timeoutMs ?? 30000)) throw new Error(`Envoy ${name} not ready after ${(opts.timeoutMs ?? 30000) / 1000} s:\n${log}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return { pid: p.pid!, readyMs: performance.now() - t0, log: () => log };
}

/** A wrk script sending `method` with `headers` (written once per scenario). */
export function wrkScript(name: string, method: string, headers: Record<string, string>): string {
  const file = `${OUT}/envoy/${name}.lua`;
  const h = Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k === "host" ? "Host" : k)}] = ${JSON.stringify(v)}`).join("\n");
  writeFileSync(file, `wrk.method = "${method}"\n${h}\n`);
  return file;
}

export interface WrkResult { rps: number; p50us: number; p99us: number; requests: number; non2xx: number }
const us = (v: string, unit: string) => Number(v) * (unit === "us" ? 1 : unit === "ms" ? 1e3 : unit === "s" ? 1e6 : NaN);
export function wrk(port: number, script: string, seconds: number, connections: number): WrkResult {
  const argv = pin(0, ["wrk", "-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, `http://127.0.0.1:${port}/`]);
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr}`);
  const o = r.stdout;
  const lat = (p: string) => { const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, "m").exec(o); return m ? us(m[1], m[2]) : NaN; };
  const req = /(\d+) requests in/.exec(o);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(o)?.[1]), p50us: lat("50"), p99us: lat("99"), requests: req ? Number(req[1]) : NaN, non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(o)?.[1] ?? 0) };
}

export const cpuModel = (): string => /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU";
