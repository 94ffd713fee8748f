// The modules the ABI layer's tests run in src/host: the release filter (build/cors.wasm), the walking skeleton
// and the probes of tests/abi/assembly/, built with the production options; and the few helpers the tests
// share to drive them.
import { readFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serializePairs } from "../../src/host/memory.js";
import { ProxyWasmHost, type HeaderList, type HostOptions, type Plugin, type RequestOutcome } from "../../src/host/index.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const ASC = join(ROOT, "node_modules", ".bin", "asc");

export type { HeaderList };

/** Every non-Ok proxy_status_t (host-facts.md §1.3). */
export const NON_OK_STATUSES = [1, 2, 3, 4, 6, 7, 8, 10, 12];

/** The host functions the ABI layer imports. */
export const IMPORT_NAMES = [
  "proxy_log", "proxy_get_buffer_bytes", "proxy_get_header_map_value", "proxy_get_header_map_pairs",
  "proxy_add_header_map_value", "proxy_replace_header_map_value", "proxy_remove_header_map_value",
  "proxy_send_local_response", "proxy_get_property", "proxy_define_metric", "proxy_increment_metric",
  "proxy_set_effective_context",
];

/** Builds the release module once (when `make build` has not run yet). */
export function ensureBuilt(file = "build/cors.wasm", target = "release"): Uint8Array {
  const path = join(ROOT, file);
  if (!existsSync(path)) {
    execFileSync(ASC, ["assembly/index.ts", "--target", target], { cwd: ROOT, stdio: "inherit" });
  }
  return readFileSync(path);
}

/** Newest modification time of the files a probe build depends on. */
function sourcesMtime(name: string): number {
  const files = [join(ROOT, "asconfig.json"), join(ROOT, "tests", "abi", "assembly", `${name}.ts`)];
  // The ABI layer and the skeleton filter (tests/abi/assembly/lib) the probes are built from.
  for (const d of [join(ROOT, "assembly", "abi"), join(ROOT, "tests", "abi", "assembly", "lib")]) {
    for (const f of readdirSync(d)) files.push(join(d, f));
  }
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/** The module as shipped (build/cors.wasm: the real filter) and the walking skeleton built on its own. */
export function modules(): Array<{ name: string; wasm: Uint8Array }> {
  return [{ name: "cors.wasm", wasm: ensureBuilt() }, { name: "skeleton", wasm: buildProbe("skeleton") }];
}

/** Builds an AssemblyScript probe module under tests/abi/assembly/ with the production options (asconfig.json)
 *  into build/test-abi/NAME.wasm, unless that is newer than its sources. node --test runs the test files in
 *  parallel: each compiles to its own file and renames it into place. */
export function buildProbe(name: string): Uint8Array {
  const out = join(ROOT, "build", "test-abi", `${name}.wasm`);
  if (existsSync(out) && statSync(out).mtimeMs > sourcesMtime(name)) return readFileSync(out);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = join(ROOT, "build", "test-abi", `${name}-${process.pid}.wasm`);
  execFileSync(ASC, [`tests/abi/assembly/${name}.ts`, "-o", tmp, "--target", "release"], { cwd: ROOT, stdio: "inherit" });
  const wasm = readFileSync(tmp);
  renameSync(tmp, out);
  return wasm;
}

/** The module in src/host (Envoy profile) with fault injection on. */
export function load(wasm: Uint8Array, options: HostOptions = {}): Promise<ProxyWasmHost> {
  return ProxyWasmHost.load(wasm, { faultInjection: true, ...options });
}

/** The module's exports (probe_* entry points, raw callbacks). */
export function exportsOf(host: ProxyWasmHost): Record<string, (...args: number[]) => number> {
  return host.exports as unknown as Record<string, (...args: number[]) => number>;
}

/** Linear memory pages. */
export function pages(host: ProxyWasmHost): number {
  return (host.exports.memory as WebAssembly.Memory).buffer.byteLength / 65536;
}

export interface Exchange {
  id: number;
  req: RequestOutcome;
  /** The response the client gets: the local reply's headers, or the upstream's after the filter (with :status). */
  resp: HeaderList;
}

/**
 * One stream of `plugin`: request headers (end_of_stream false), the upstream's response unless the filter
 * replied itself, then on_done / on_log / on_delete.
 */
export function exchange(plugin: Plugin, request: HeaderList, response: HeaderList = [[":status", "200"]]): Exchange {
  const s = plugin.newStream();
  const req = s.requestHeaders(request, false);
  const resp = req.kind === "local" ? req.headers : s.responseHeaders(response).headers;
  s.finish();
  return { id: s.id, req, resp };
}

/** The serialized header map a host hands back for `list` (names kept as given): a "bytes" fault's answer. */
export function pairsOf(list: HeaderList): Uint8Array {
  return serializePairs(list.map(([k]) => k), list.map(([, v]) => v), list.length);
}

export function header(list: HeaderList, name: string): string[] {
  return list.filter(([k]) => k === name).map(([, v]) => v);
}

/** The lines the module logged that start with `prefix`. */
export function logsOf(host: ProxyWasmHost, prefix: string): string[] {
  return host.logs.filter((l) => l.message.startsWith(prefix)).map((l) => l.message);
}
