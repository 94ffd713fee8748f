// Shared helpers for the validation tests (not a test file: node --test only runs *.test.js).
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root: this file is dist/tests/validate/_util.js once compiled. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const TOOLS_BIN = join(ROOT, "build", "tools");

const built = new Map<string, string>();

/** The newest `go` directive of the validators' go.mod files: the Go version the tests need (README, Prerequisites). */
export function requiredGoVersion(): string {
  const dir = join(ROOT, "tools", "validate");
  let best = "0";
  for (const name of readdirSync(dir)) {
    const mod = join(dir, name, "go.mod");
    if (!existsSync(mod)) continue;
    const m = /^go (\d+(?:\.\d+){0,2})\s*$/m.exec(readFileSync(mod, "utf8"));
    if (m && compareVersions(m[1], best) > 0) best = m[1];
  }
  return best;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number), pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Fails (never skips) when Go is missing or older than the go.mod files need: an older Go would try to download
 * a newer toolchain, which CI cannot do, and fail with a less helpful message.
 */
export function checkGo(env: NodeJS.ProcessEnv = process.env): void {
  const need = requiredGoVersion();
  const r = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8", env });
  if (r.error || r.status !== 0) {
    throw new Error(`Go ${need} or newer is needed for the validators (tools/validate) and was not found on PATH: install Go ${need} (https://go.dev/dl/) and rerun`);
  }
  const have = r.stdout.trim().replace(/^go/, "");
  if (compareVersions(have, need) < 0) {
    throw new Error(`Go ${have} is too old for tools/validate (its go.mod files need Go ${need}): install Go ${need} or newer`);
  }
}

/**
 * Builds one of the Go validators (tools/validate/<name>) into build/tools/validate-<name> with `go build`
 * (incremental; the first build downloads the pinned modules through the Go module proxy into the default
 * GOMODCACHE). Throws — so the test FAILS, never skips — when Go is missing or the build fails.
 */
export function buildGoTool(name: string): string {
  const cached = built.get(name);
  if (cached) return cached;
  checkGo();
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
  if (r.error) throw new Error(`cannot run 'go build' for tools/validate/${name}: ${r.error.message} (Go ${requiredGoVersion()} or newer must be on PATH)`);
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
