// Shared helpers for the validation tests (not a test file: node --test only runs *.test.js).
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root: this file is dist/tests/validate/_util.js once compiled. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const TOOLS_BIN = join(ROOT, "build", "tools");

const built = new Map<string, string>();

/**
 * Builds one of the Go validators (tools/validate/<name>) into build/tools/validate-<name> with `go build`
 * (incremental; the first build downloads the pinned modules through the Go module proxy into the default
 * GOMODCACHE). Throws — so the test FAILS, never skips — when Go is missing or the build fails.
 */
export function buildGoTool(name: string): string {
  const cached = built.get(name);
  if (cached) return cached;
  const out = join(TOOLS_BIN, `validate-${name}`);
  mkdirSync(TOOLS_BIN, { recursive: true });
  const r = spawnSync("go", ["build", "-o", out, "."], {
    cwd: join(ROOT, "tools", "validate", name),
    encoding: "utf8",
    // -mod=readonly: go.mod / go.sum are the pins, never rewritten by a test; -buildvcs=false: no git
    // stamping (the tools live inside this repository's work tree, which may belong to another user in CI).
    env: { ...process.env, GOFLAGS: `${process.env.GOFLAGS ?? ""} -mod=readonly -buildvcs=false`.trim() },
    timeout: 15 * 60 * 1000,
  });
  if (r.error) throw new Error(`cannot run 'go build' for tools/validate/${name}: ${r.error.message} (Go >= 1.24 must be on PATH)`);
  if (r.status !== 0) throw new Error(`go build tools/validate/${name} failed (exit ${r.status}):\n${r.stderr}${r.stdout}`);
  built.set(name, out);
  return out;
}

export interface RunResult { status: number; stdout: string; stderr: string }

export function run(bin: string, args: string[], input?: string): RunResult {
  const r: SpawnSyncReturns<string> = spawnSync(bin, args, { cwd: ROOT, encoding: "utf8", input, timeout: 5 * 60 * 1000, maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`cannot run ${bin}: ${r.error.message}`);
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `cors-validate-${prefix}-`));
}

/** Reads a file of the repository; a missing file is a test failure with a clear message. */
export function readRepoFile(rel: string): string {
  const p = join(ROOT, rel);
  if (!existsSync(p)) throw new Error(`${rel} is missing: the validation cannot run`);
  return readFileSync(p, "utf8");
}
