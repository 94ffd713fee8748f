#!/usr/bin/env node
// Checks that a proxy-wasm module links on every host we target (Envoy, Kong's ngx_wasm_module,
// APISIX's wasm-nginx-module): its imports must come from the portable set and it must export what
// those hosts call. Usage: node tools/check-imports.mjs FILE.wasm [--json] (`make check-imports` runs it on
// build/cors.wasm). Exit 0 = portable, 1 = not, 2 = usage.
// Provenance: the tables below were written by the team from each host's link code — Envoy's
// proxy-wasm-cpp-host (src/exports.cc, include/proxy-wasm/wasm_vm.h), Kong's ngx_wasm_module
// (src/common/proxy_wasm/ngx_proxy_wasm_host.c) and APISIX's wasm-nginx-module (src/proxy_wasm/*.c);
// docs/host-facts.md §1 gives the details and sources.
import { readFileSync } from "node:fs";

// Host functions that Envoy, Kong and APISIX all link for an ABI 0.2.1 module and that behave there.
const PORTABLE_IMPORTS = new Set([
  "env.proxy_log",
  "env.proxy_get_buffer_bytes",
  "env.proxy_get_header_map_value",
  "env.proxy_get_header_map_pairs",
  "env.proxy_add_header_map_value",
  "env.proxy_replace_header_map_value",
  "env.proxy_remove_header_map_value",
  "env.proxy_send_local_response",
  "env.proxy_get_property",
  "env.proxy_define_metric",
  "env.proxy_increment_metric",
  "env.proxy_set_effective_context",
  "wasi_snapshot_preview1.proc_exit", // an abort handler may end the VM this way; every host links it
]);

// Why a few tempting imports are refused.
const REFUSED = {
  "env.abort": "AssemblyScript's default abort: no host provides it (build with --use abort=...)",
  "env.trace": "AssemblyScript trace(): no host provides it",
  "env.seed": "Math.random() seed: no host provides it",
  "env.proxy_get_header_map_size": "missing on Kong and APISIX: the module would not load there",
  "env.proxy_get_buffer_status": "missing on Kong and APISIX: the module would not load there",
  "env.proxy_get_log_level": "missing on APISIX, different arity on Kong",
  "env.proxy_get_metric": "different signature on APISIX",
  "env.proxy_continue_request": "ABI 0.1.0 only: Envoy does not link it for a 0.2.1 module",
  "env.proxy_clear_route_cache": "ABI 0.1.0 only: Envoy does not link it for a 0.2.1 module",
  "env.proxy_get_configuration": "ABI 0.1.0 only: Envoy does not link it for a 0.2.1 module",
};

const REQUIRED_EXPORTS = [
  ["proxy_abi_version_0_2_1", "function", "Envoy refuses a module without an ABI version marker"],
  ["malloc", "function", "Envoy and Kong allocate through malloc"],
  ["proxy_on_memory_allocate", "function", "APISIX allocates through proxy_on_memory_allocate"],
  ["memory", "memory", "every host reads and writes the exported memory"],
  ["proxy_on_context_create", "function", "Kong refuses a module without it"],
  ["proxy_on_vm_start", "function", "Kong refuses a module without it"],
  ["proxy_on_configure", "function", "Kong refuses a module without it"],
  ["proxy_on_request_headers", "function", "the CORS decision runs here"],
  ["proxy_on_response_headers", "function", "CORS headers are added here"],
  ["proxy_on_done", "function", "per-request cleanup"],
  ["proxy_on_delete", "function", "per-request cleanup"],
];

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--"));
if (!file) {
  console.error("usage: check-imports.mjs FILE.wasm [--json]");
  process.exit(2);
}
let mod;
try {
  mod = new WebAssembly.Module(readFileSync(file));
} catch (e) {
  console.error(`${file}: not a loadable WebAssembly module: ${e.message}`);
  process.exit(2);
}

const problems = [];
const imports = WebAssembly.Module.imports(mod);
for (const imp of imports) {
  const name = `${imp.module}.${imp.name}`;
  if (imp.kind !== "function") problems.push(`import ${name} is a ${imp.kind}; hosts link functions only`);
  else if (REFUSED[name]) problems.push(`import ${name}: ${REFUSED[name]}`);
  else if (imp.module === "wasi_unstable") problems.push(`import ${name}: Kong links only wasi_snapshot_preview1`);
  else if (!PORTABLE_IMPORTS.has(name)) problems.push(`import ${name} is outside the portable set`);
}
const exports = new Map(WebAssembly.Module.exports(mod).map((e) => [e.name, e.kind]));
for (const [name, kind, why] of REQUIRED_EXPORTS) {
  if (exports.get(name) !== kind) problems.push(`missing export ${name} (${kind}): ${why}`);
}
for (const old of ["proxy_abi_version_0_1_0", "proxy_abi_version_0_2_0"]) {
  if (exports.has(old)) problems.push(`exports ${old}: hosts pick the first ABI marker they find; export only 0_2_1`);
}

if (args.includes("--json")) {
  console.log(JSON.stringify({ file, imports: imports.map((i) => `${i.module}.${i.name}`), exports: [...exports.keys()], problems }, null, 2));
} else {
  for (const p of problems) console.log(`${file}: ${p}`);
  console.log(problems.length === 0
    ? `${file}: portable: ${imports.length} imports, all in the Envoy/Kong/APISIX set; required exports present`
    : `${file}: NOT portable: ${problems.length} problem(s)`);
}
process.exit(problems.length === 0 ? 0 : 1);
