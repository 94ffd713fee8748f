// Running the command: in-process through its Io (`runCli`, for what a command prints and returns), or as a
// process, the package's bin run by node from the repository root (`runBin`, `serve`: exit statuses, signals,
// a server that keeps running). dist/tests/e2e/cli-helpers.js → ../../.. is the repository root.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../../src/cli/io.js";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

const tmp = mkdtempSync(join(tmpdir(), "cors-e2e-"));
let n = 0;
/** Write a config file (object → JSON, string → as is) and return its path. */
export function configFile(content: unknown, ext = "json"): string {
  const p = join(tmp, `config-${++n}.${ext}`);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of live) killGroup(c, "SIGKILL");
});

/** Signal the child's whole process group (and whatever it started), so nothing outlives a test. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* gone */
    }
  }
}

/** `node bin/cors-proxy-wasm.mjs ARGS`: the package's bin, what `npx cors-proxy-wasm` runs. */
function spawnCli(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [resolve(repoRoot, "bin", "cors-proxy-wasm.mjs"), ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
    detached: true, // own process group: see killGroup
  });
  live.add(child);
  child.on("exit", () => live.delete(child));
  return child;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The command run in this process, from the repository root (relative paths as a user at the root types
 * them), with `stdin` as its standard input. For what it prints and its exit status, not for signals.
 */
export async function runCli(args: string[], stdin = ""): Promise<CliResult> {
  process.chdir(repoRoot);
  const io = memoryIo(stdin);
  const code = await main(args, io);
  return { code, signal: null, stdout: io.stdout(), stderr: io.stderr() };
}

/** The command run as a process to completion (the exit status is the process's own). */
export function runBin(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnCli(args);
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      killGroup(child, "SIGKILL");
      reject(new Error(`timeout: cors-proxy-wasm ${args.join(" ")}\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      killGroup(child, "SIGKILL"); // nothing of it may linger
      // let the pipes deliver what is left
      setTimeout(() => resolvePromise({ code, signal, stdout, stderr }), 50);
    });
  });
}

export interface Served {
  url: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Send a signal and wait for the exit status. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
  /** Send a signal to the command (its whole process group). */
  signal(signal: NodeJS.Signals): void;
}

/**
 * `serve --listen 127.0.0.1:0 …` (or `opts.command`, e.g. `envoy`, which prints `listening on URL (Envoy X)`):
 * resolves once the one `listening on URL` line is printed.
 */
export function serve(args: string[], opts: { timeoutMs?: number; command?: string } = {}): Promise<Served> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const command = opts.command ?? "serve";
  return new Promise((resolvePromise, reject) => {
    const child = spawnCli([command, "--listen", "127.0.0.1:0", ...args]);
    let stdout = "";
    let stderr = "";
    let done = false;
    const exited = new Promise<CliResult>((r) =>
      child.on("exit", (code, signal) => setTimeout(() => r({ code, signal, stdout, stderr }), 50)),
    );
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      killGroup(child, "SIGKILL");
      reject(new Error(`${command} did not print "listening on" in time\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      const m = /^listening on (http:\/\/\S+)(?: \(.*\))?$/m.exec(stdout);
      if (m && !done) {
        done = true;
        clearTimeout(timer);
        resolvePromise({
          url: m[1],
          child,
          stdout: () => stdout,
          stderr: () => stderr,
          signal: (signal: NodeJS.Signals) => killGroup(child, signal),
          stop: async (signal = "SIGTERM") => {
            if (child.exitCode === null && child.signalCode === null) {
              // signal the whole group, SIGKILL what is left
              killGroup(child, signal);
              const t = setTimeout(() => killGroup(child, "SIGKILL"), 10_000);
              const r = await exited;
              clearTimeout(t);
              killGroup(child, "SIGKILL");
              return r;
            }
            return exited;
          },
        });
      }
    });
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    void exited.then((r) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`${command} exited (${r.code ?? r.signal}) before listening\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`));
    });
  });
}

/** Comma-separated header values of every line of `name`, trimmed, as a list of tokens. */
export function tokens(lines: Array<[string, string]>, name: string): string[] {
  return lines
    .filter(([k]) => k === name)
    .flatMap(([, v]) => v.split(","))
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

export function lowerSet(list: string[]): Set<string> {
  return new Set(list.map((t) => t.toLowerCase()));
}
