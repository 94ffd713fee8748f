// Load checks and linking, per profile, with each host's refusal messages:
// Envoy (host-facts.md §2.1–2.4): ABI marker → link imports (missing / type mismatch / non-function) →
// instantiate → exported callback signatures → malloc (preferred) or proxy_on_memory_allocate.
// Kong (§3.1): only env + wasi_snapshot_preview1 modules; ABI marker; malloc first; required
// on_context_create / on_vm_start / on_configure. APISIX (§3.2): wasmtime-style link errors; missing
// ABI marker = latest; proxy_on_memory_allocate first.

import { printSig, readModuleInfo, type ModuleInfo } from "./binary.js";
import { LoadError } from "./errors.js";
import { importTable, type AbiVersion, type ImportSpec, type ImportTable } from "./profiles.js";
import type { Profile } from "./types.js";

export interface LinkPlan {
  profile: Profile;
  abi: AbiVersion;
  info: ModuleInfo;
  table: ImportTable;
  /** Used imports: "module.name" → spec. */
  used: Map<string, ImportSpec>;
}

const ABI_EXPORTS: Array<[string, AbiVersion]> = [
  ["proxy_abi_version_0_1_0", "0_1_0"],
  ["proxy_abi_version_0_2_0", "0_2_0"],
  ["proxy_abi_version_0_2_1", "0_2_1"],
];

function detectAbi(info: ModuleInfo): AbiVersion | null {
  // getAbiVersion(): the first function export with an ABI name wins (export order).
  for (const e of info.exports) {
    if (e.kind !== "function") continue;
    for (const [name, v] of ABI_EXPORTS) if (e.name === name) return v;
  }
  return null;
}

function linkImports(info: ModuleInfo, table: ImportTable, profile: Profile): Map<string, ImportSpec> {
  const used = new Map<string, ImportSpec>();
  for (const imp of info.imports) {
    const key = `${imp.module}.${imp.name}`;
    if (profile === "kong" && imp.module !== "env" && imp.module !== "wasi_snapshot_preview1") {
      throw new LoadError(`cannot resolve unknown module "${imp.module}" (import ${key})`);
    }
    const spec = imp.kind === "function" ? table.get(key) : undefined;
    if (imp.kind === "memory" && profile === "envoy") continue; // cpp-host creates an imported memory
    if (!spec) {
      if (profile === "kong") throw new LoadError(`missing host function "${key}"`);
      if (profile === "apisix") throw new LoadError(`unknown import: \`${imp.module}::${imp.name}\` has not been defined`);
      throw new LoadError(`Failed to load Wasm module due to a missing import: ${key}`);
    }
    const want = imp.sig!;
    if (want.params !== spec.params || want.results !== spec.results) {
      if (profile === "kong") throw new LoadError(`incompatible host interface for "${key}"`);
      if (profile === "apisix") throw new LoadError(`incompatible import type for \`${imp.module}::${imp.name}\``);
      throw new LoadError(
        `Failed to load Wasm module due to an import type mismatch: ${key}, want: ${printSig(want.params)} -> ` +
          `${printSig(want.results)}, but host exports: ${printSig(spec.params)} -> ${printSig(spec.results)}`,
      );
    }
    used.set(key, spec);
  }
  return used;
}

/** Everything decided before instantiation. Throws LoadError with the profile's message. */
export function planLink(bytes: Uint8Array, profile: Profile): LinkPlan {
  const info = readModuleInfo(bytes);
  let abi = detectAbi(info);
  if (profile === "envoy") {
    if (!abi) throw new LoadError("Missing or unknown Proxy-Wasm ABI version");
    const table = importTable(profile, abi);
    return { profile, abi, info, table, used: linkImports(info, table, profile) };
  }
  if (profile === "kong") {
    // ngx_wavm links the module when nginx loads it; the filter checks come when proxy_wasm attaches it.
    const table = importTable(profile, abi ?? "0_2_1");
    const used = linkImports(info, table, profile);
    if (!abi) throw new LoadError("unknown ABI version");
    const fn = new Set(info.exports.filter((e) => e.kind === "function").map((e) => e.name));
    if (!fn.has("malloc") && !fn.has("proxy_on_memory_allocate")) throw new LoadError("filter missing malloc");
    if (!fn.has("proxy_on_context_create") || !fn.has("proxy_on_vm_start") || !fn.has("proxy_on_configure")) {
      throw new LoadError("filter missing one of: on_context_create, on_vm_start, on_plugin_start");
    }
    return { profile, abi, info, table, used };
  }
  // APISIX: no marker → assume the latest ABI.
  abi ??= "0_2_1";
  const table = importTable(profile, abi);
  const used = linkImports(info, table, profile);
  return { profile, abi, info, table, used };
}

/** Callback signatures cpp-host binds (0.2.x arity; 0.1.0 headers callbacks take 2 args). */
export function expectedExportSigs(abi: AbiVersion): Record<string, [string, string]> {
  const h = abi === "0_1_0" ? "ii" : "iii";
  return {
    _initialize: ["", ""],
    _start: ["", ""],
    main: ["ii", "i"],
    __main_void: ["", "i"],
    malloc: ["i", "i"],
    proxy_on_memory_allocate: ["i", "i"],
    proxy_on_context_create: ["ii", ""],
    proxy_on_vm_start: ["ii", "i"],
    proxy_on_configure: ["ii", "i"],
    proxy_on_request_headers: [h, "i"],
    proxy_on_response_headers: [h, "i"],
    proxy_on_request_body: ["iii", "i"],
    proxy_on_response_body: ["iii", "i"],
    proxy_on_request_trailers: ["ii", "i"],
    proxy_on_response_trailers: ["ii", "i"],
    proxy_on_done: ["i", "i"],
    proxy_on_log: ["i", ""],
    proxy_on_delete: ["i", ""],
    proxy_on_tick: ["i", ""],
    proxy_on_queue_ready: ["ii", ""],
    proxy_on_foreign_function: ["iii", ""],
  };
}

/** Envoy getFunctions(): a callback with the wrong signature fails the load. */
export function checkExportSigs(plan: LinkPlan): void {
  if (plan.profile !== "envoy") return;
  const want = expectedExportSigs(plan.abi);
  for (const e of plan.info.exports) {
    const w = want[e.name];
    if (!w || e.kind !== "function" || !e.sig) continue;
    if (e.sig.params !== w[0] || e.sig.results !== w[1]) {
      throw new LoadError(
        `Bad function signature for: ${e.name}, want: ${printSig(w[0])} -> ${printSig(w[1])}, ` +
          `but the module exports: ${printSig(e.sig.params)} -> ${printSig(e.sig.results)}`,
      );
    }
  }
}

/** The allocator the profile calls, or a LoadError. */
export function chooseAllocator(plan: LinkPlan, exports: WebAssembly.Exports): (size: number) => number {
  const malloc = exports.malloc as ((n: number) => number) | undefined;
  const poma = exports.proxy_on_memory_allocate as ((n: number) => number) | undefined;
  const fnOk = (f: unknown): f is (n: number) => number => typeof f === "function";
  if (plan.profile === "apisix") {
    if (fnOk(poma)) return poma;
    if (fnOk(malloc)) return malloc;
    throw new LoadError("the module exports neither proxy_on_memory_allocate nor malloc");
  }
  if (fnOk(malloc)) return malloc;
  if (fnOk(poma)) return poma;
  throw new LoadError(plan.profile === "kong" ? "filter missing malloc" : "Wasm module is missing malloc function.");
}

/** Start functions in the order the profile calls them (host-facts.md §2.3, §3.1, §3.2). */
export function startFunctions(plan: LinkPlan, exports: WebAssembly.Exports): Array<[string, () => unknown]> {
  const f = (n: string) => (typeof exports[n] === "function" ? (exports[n] as (...a: number[]) => unknown) : null);
  const out: Array<[string, () => unknown]> = [];
  if (plan.profile === "envoy") {
    const init = f("_initialize");
    if (init) {
      out.push(["_initialize", () => init()]);
      const main = f("main");
      const mainVoid = f("__main_void");
      if (main) out.push(["main", () => main(0, 0)]);
      else if (mainVoid) out.push(["__main_void", () => mainVoid()]);
    } else {
      const start = f("_start");
      if (start) out.push(["_start", () => start()]);
    }
  } else if (plan.profile === "kong") {
    // first of _start / _initialize in export order
    for (const e of plan.info.exports) {
      if (e.kind === "function" && (e.name === "_start" || e.name === "_initialize")) {
        const fn = f(e.name)!;
        out.push([e.name, () => fn()]);
        break;
      }
    }
  } else {
    const start = f("_start") ?? f("_initialize");
    if (start) out.push([f("_start") ? "_start" : "_initialize", () => start()]);
  }
  return out;
}
