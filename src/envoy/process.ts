// Starting and stopping a real Envoy: one place for the CLI (`cors-proxy-wasm envoy`), the Envoy test suite
// and the tools. The admin and the listeners may bind port 0; the bound ports are read back (admin: the file
// `--admin-address-path` writes; listeners: the admin's /listeners), so several Envoys run side by side.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, renameSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { locateEnvoy } from "./install.js";
import { ldsFile, type Listener } from "./bootstrap.js";

export interface StartOptions {
  /** --envoy BIN; default: $ENVOY_BIN or the binary `make envoy` installed. */
  bin?: string;
  /** Worker threads (default 1). */
  concurrency?: number;
  /** Envoy's -l (default "info": the filter's configuration errors and warnings are visible); null: no -l. */
  logLevel?: string | null;
  /** Extra command-line arguments. */
  args?: string[];
  /** Directory for the bootstrap and the admin address file (default: a new temporary directory, removed on stop). */
  workDir?: string;
  /** Called with every line Envoy writes to stderr (its log). */
  onLogLine?: (line: string) => void;
  /** How long to wait for /ready (default 30 s). */
  readyTimeoutMs?: number;
}

/** Envoy exited before it was ready (e.g. the filter rejected its configuration): the log says why. */
export class EnvoyExited extends Error {
  constructor(readonly code: number | null, readonly signal: string | null, readonly log: string) {
    super(`Envoy exited (${signal ?? `code ${code}`}) before it was ready`);
    this.name = "EnvoyExited";
  }
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET (or other method) on 127.0.0.1:port, whole body read. */
export function httpGet(port: number, path: string, method = "GET", host = "127.0.0.1"): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const q = request({ host, port, path, method }, (r) => {
      let body = "";
      r.setEncoding("utf8");
      r.on("data", (d: string) => (body += d));
      r.on("end", () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body }));
    });
    q.on("error", reject);
    q.setTimeout(5000, () => q.destroy(new Error(`timeout: ${method} ${path}`)));
    q.end();
  });
}

const LOG_KEEP = 4 << 20; // characters of log kept in memory (the head is dropped beyond)

export class RunningEnvoy {
  private logText = "";
  private readonly exitPromise: Promise<{ code: number | null; signal: string | null }>;

  constructor(
    readonly process: ChildProcess,
    readonly adminPort: number,
    readonly workDir: string,
    private readonly ownsWorkDir: boolean,
    logSoFar: string,
    onLogLine?: (line: string) => void,
  ) {
    // what Envoy logged before it was ready, then the rest as it comes: one splitter, so a line cut between two
    // reads (or between the two) reaches onLogLine whole
    let partial = "";
    const take = (text: string): void => {
      this.append(text);
      if (onLogLine) {
        const lines = (partial + text).split("\n");
        partial = lines.pop() ?? "";
        for (const l of lines) if (l) onLogLine(l);
      }
    };
    take(logSoFar);
    process.stderr?.on("data", (d: Buffer) => take(d.toString("utf8")));
    this.exitPromise = new Promise((resolve) => {
      if (process.exitCode !== null || process.signalCode !== null) resolve({ code: process.exitCode, signal: process.signalCode });
      else process.once("exit", (code, signal) => resolve({ code, signal }));
    });
  }

  private append(text: string): void {
    this.logText += text;
    if (this.logText.length > LOG_KEEP) this.logText = this.logText.slice(-LOG_KEEP);
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  get adminUrl(): string {
    return `http://127.0.0.1:${this.adminPort}`;
  }

  /** Everything Envoy logged so far (the last 4 Mi characters). */
  log(): string {
    return this.logText;
  }

  /** Resolves when the process ends. */
  exited(): Promise<{ code: number | null; signal: string | null }> {
    return this.exitPromise;
  }

  admin(path: string, method = "GET"): Promise<HttpAnswer> {
    return httpGet(this.adminPort, path, method);
  }

  /** Bound address of every active listener, by name. */
  async listeners(): Promise<Record<string, { host: string; port: number }>> {
    const r = await this.admin("/listeners?format=json");
    const out: Record<string, { host: string; port: number }> = {};
    const body = JSON.parse(r.body) as { listener_statuses?: Array<{ name: string; local_address?: { socket_address?: { address: string; port_value: number } } }> };
    for (const s of body.listener_statuses ?? []) {
      const a = s.local_address?.socket_address;
      if (a) out[s.name] = { host: a.address, port: a.port_value };
    }
    return out;
  }

  /** The version of the running Envoy (e.g. "1.40.0", from /server_info). */
  async version(): Promise<string> {
    const info = JSON.parse((await this.admin("/server_info")).body) as { version: string };
    return info.version.split("/")[1] ?? info.version;
  }

  /**
   * Writes `listeners` to the file-based LDS file `ldsPath` (atomically, as Envoy's watcher expects) and waits
   * for Envoy's verdict: "accepted" (lds.update_success +1) or "rejected" (update_rejected or update_failure +1:
   * the previous listeners keep serving).
   */
  async updateListeners(ldsPath: string, listeners: Listener[], timeoutMs = 10_000): Promise<"accepted" | "rejected"> {
    const counters = "^listener_manager\\.lds\\.update_(success|rejected|failure)$";
    const before = await this.stats(counters);
    writeAtomically(ldsPath, JSON.stringify(ldsFile(listeners), null, 1));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const now = await this.stats(counters);
      const grew = (name: string) => (now.get(`listener_manager.lds.${name}`) ?? 0) > (before.get(`listener_manager.lds.${name}`) ?? 0);
      if (grew("update_rejected") || grew("update_failure")) return "rejected";
      if (grew("update_success")) return "accepted";
      if (Date.now() > deadline) throw new Error(`Envoy did not read ${ldsPath} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Counters and gauges from /stats?format=json whose names match `filter` (a regex, as the admin takes it). */
  async stats(filter?: string): Promise<Map<string, number>> {
    const q = filter === undefined ? "" : `&filter=${encodeURIComponent(filter)}`;
    const r = await this.admin(`/stats?format=json${q}`);
    const out = new Map<string, number>();
    for (const s of (JSON.parse(r.body) as { stats: Array<{ name?: string; value?: number }> }).stats) {
      if (s.name !== undefined && typeof s.value === "number") out.set(s.name, s.value);
    }
    return out;
  }

  /** SIGTERM (then SIGKILL after `graceMs`); resolves with the exit status. Removes its own work directory. */
  async stop(graceMs = 5000): Promise<{ code: number | null; signal: string | null }> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill("SIGTERM");
      const timer = setTimeout(() => this.process.kill("SIGKILL"), graceMs);
      timer.unref();
    }
    const status = await this.exitPromise;
    if (this.ownsWorkDir) rmSync(this.workDir, { recursive: true, force: true });
    return status;
  }
}

/** Writes `content` to `path` atomically (a rename), as Envoy's file watchers expect. */
export function writeAtomically(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/** `envoy --mode validate`: Envoy's own check of a bootstrap (the filter's proxy_on_configure runs too). */
export function validateConfig(config: Record<string, unknown> | string, opts: { bin?: string } = {}): { ok: boolean; code: number | null; log: string } {
  const dir = mkdtempSync(join(tmpdir(), "cors-envoy-validate-"));
  try {
    const file = join(dir, "envoy.yaml"); // JSON is YAML: one name for both
    writeFileSync(file, typeof config === "string" ? config : JSON.stringify(config));
    const r = spawnSync(locateEnvoy(opts.bin), ["--mode", "validate", "--disable-hot-restart", "-c", file], { encoding: "utf8", timeout: 60_000 });
    return { ok: r.status === 0, code: r.status, log: `${r.stdout ?? ""}${r.stderr ?? ""}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts Envoy with `config` (a bootstrap object or its text) and waits until its admin says /ready. */
export async function startEnvoy(config: Record<string, unknown> | string, opts: StartOptions = {}): Promise<RunningEnvoy> {
  const bin = locateEnvoy(opts.bin);
  const ownsWorkDir = opts.workDir === undefined;
  const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), "cors-envoy-"));
  const configPath = join(workDir, "envoy.json");
  const adminPath = join(workDir, "admin-address");
  rmSync(adminPath, { force: true });
  writeFileSync(configPath, typeof config === "string" ? config : JSON.stringify(config, null, 1));
  const argv = [
    "-c", configPath,
    "--disable-hot-restart", // several Envoys side by side (tests, CLI, bench)
    "--concurrency", String(opts.concurrency ?? 1),
    ...(opts.logLevel === null ? [] : ["-l", opts.logLevel ?? "info"]),
    "--admin-address-path", adminPath,
    ...(opts.args ?? []),
  ];
  const child = spawn(bin, argv, { stdio: ["ignore", "ignore", "pipe"] });
  let early = "";
  const collect = (d: Buffer) => (early += d.toString("utf8"));
  child.stderr!.on("data", collect);
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  const failed = () => child.exitCode !== null || child.signalCode !== null;
  const exitedError = async () => {
    await new Promise((r) => setTimeout(r, 50)); // the last lines of the log
    if (ownsWorkDir) rmSync(workDir, { recursive: true, force: true });
    return new EnvoyExited(child.exitCode, child.signalCode, early);
  };
  let adminPort = 0;
  for (;;) {
    if (failed()) throw await exitedError();
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Envoy was not ready after ${opts.readyTimeoutMs ?? 30_000} ms:\n${early}`);
    }
    if (adminPort === 0 && existsSync(adminPath)) {
      const text = readFileSync(adminPath, "utf8").trim();
      const port = Number(text.slice(text.lastIndexOf(":") + 1));
      if (port > 0) adminPort = port;
    }
    if (adminPort !== 0) {
      try {
        if ((await httpGet(adminPort, "/ready")).status === 200) break;
      } catch {
        // not answering yet
      }
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  child.stderr!.off("data", collect);
  return new RunningEnvoy(child, adminPort, workDir, ownsWorkDir, early, opts.onLogLine);
}
