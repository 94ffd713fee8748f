// The module links on Envoy, Kong and APISIX: only portable imports, the required exports and no others.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, ensureBuilt, buildProbe } from "./modules.js";

const CHECK = join(ROOT, "tools", "check-imports.mjs");
const EXPECTED_EXPORTS = [
  "_initialize", "malloc", "memory", "proxy_abi_version_0_2_1", "proxy_on_configure", "proxy_on_context_create",
  "proxy_on_delete", "proxy_on_done", "proxy_on_log", "proxy_on_memory_allocate", "proxy_on_request_headers",
  "proxy_on_response_headers", "proxy_on_vm_start",
].sort();
const ALLOWED_IMPORTS = new Set([
  "env.proxy_log", "env.proxy_get_buffer_bytes", "env.proxy_get_header_map_value", "env.proxy_get_header_map_pairs",
  "env.proxy_add_header_map_value", "env.proxy_replace_header_map_value", "env.proxy_remove_header_map_value",
  "env.proxy_send_local_response", "env.proxy_get_property", "env.proxy_define_metric", "env.proxy_increment_metric",
  "env.proxy_set_effective_context", "wasi_snapshot_preview1.proc_exit",
]);

for (const [file, target] of [["build/cors.wasm", "release"], ["build/cors.debug.wasm", "debug"]]) {
  test(`check-imports passes on ${file}`, () => {
    ensureBuilt(file, target);
    const r = spawnSync(process.execPath, [CHECK, join(ROOT, file)], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /portable/);
  });

  test(`${file}: exactly the callbacks we implement, only allowed imports`, () => {
    const mod = new WebAssembly.Module(ensureBuilt(file, target) as BufferSource);
    const exports = WebAssembly.Module.exports(mod).map((e) => e.name).sort();
    assert.deepEqual(exports, EXPECTED_EXPORTS);
    for (const imp of WebAssembly.Module.imports(mod)) {
      assert.ok(ALLOWED_IMPORTS.has(`${imp.module}.${imp.name}`), `unexpected import ${imp.module}.${imp.name}`);
    }
  });
}

test("check-imports output as JSON has no problems (run through child_process)", () => {
  const out = execFileSync(process.execPath, [CHECK, join(ROOT, "build/cors.wasm"), "--json"], { encoding: "utf8" });
  const report = JSON.parse(out);
  assert.deepEqual(report.problems, []);
  assert.ok(!report.imports.includes("env.abort"));
});

test("instantiation and _initialize make no host call but proxy_log (Envoy restricts calls during start)", async () => {
  const wasm = ensureBuilt();
  const calls: string[] = [];
  const env = new Proxy({}, {
    get: (_t, name: string) => (..._args: unknown[]) => { calls.push(name); if (name !== "proxy_log") throw new Error(`restricted_callback ${name}`); return 0; },
  });
  const wasi = { proc_exit: () => { throw new Error("proc_exit during start"); } };
  const { instance } = await WebAssembly.instantiate(wasm as BufferSource, { env, wasi_snapshot_preview1: wasi });
  assert.deepEqual(calls, [], "no start section may call the host");
  (instance.exports._initialize as () => void)();
  assert.deepEqual(calls.filter((c) => c !== "proxy_log"), []);
});

test("the skeleton and probe builds (same asconfig) are portable too", () => {
  for (const name of ["skeleton", "probe"]) {
    buildProbe(name);
    const r = spawnSync(process.execPath, [CHECK, join(ROOT, "build", "test-abi", `${name}.wasm`)], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  }
});

test("the ABI layer's fixed cost stays small (a module with an empty filter)", () => {
  const wasm = buildProbe("empty");
  console.log(`# empty filter: ${wasm.length} bytes`);
  assert.ok(wasm.length < 10_000, `${wasm.length} bytes`);
  const r = spawnSync(process.execPath, [CHECK, join(ROOT, "build", "test-abi", "empty.wasm")], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(wasm as BufferSource)).map((i) => `${i.module}.${i.name}`);
  assert.deepEqual(imports, ["env.proxy_log"], "only the abort handler's proxy_log: unused host functions are not imported");
});
