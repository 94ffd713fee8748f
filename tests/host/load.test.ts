// Load refusals and link profiles (host-facts.md §2.1–2.4, §3.1, §3.2, §3.4).
import assert from "node:assert/strict";
import { test } from "node:test";
import { LoadError, PORTABLE_IMPORTS, ProxyWasmHost } from "../../src/host/index.js";
import { fixture, load, loadError } from "./helpers.js";

test("envoy: no proxy_abi_version_* export → Missing or unknown Proxy-Wasm ABI version (§2.1)", async () => {
  await assert.rejects(ProxyWasmHost.load(fixture("no_abi")), (e: Error) => {
    assert.ok(e instanceof LoadError);
    assert.equal(e.message, "Missing or unknown Proxy-Wasm ABI version");
    return true;
  });
});

test("envoy: neither malloc nor proxy_on_memory_allocate → Wasm module is missing malloc function. (§2.3)", async () => {
  assert.equal(await loadError("no_malloc"), "Wasm module is missing malloc function.");
});

test("envoy: proxy_on_memory_allocate alone is accepted as the allocator (§2.3)", async () => {
  const host = await load("poma_only");
  assert.equal(host.configure("{}"), true);
});

test("malloc is preferred over proxy_on_memory_allocate on Envoy and Kong, the reverse on APISIX (§2.3, §3.1, §3.2)", async () => {
  for (const [profile, mallocUsed] of [["envoy", true], ["kong", true], ["apisix", false]] as const) {
    const host = await load("alloc_pref", { profile });
    assert.equal(host.configure("some config"), true);
    const m = (host.exports.malloc_calls as () => number)();
    const p = (host.exports.poma_calls as () => number)();
    assert.ok(host.logs.some((l) => l.message === "config 0 some config"), profile);
    if (mallocUsed) assert.deepEqual([m > 0, p], [true, 0], profile);
    else assert.deepEqual([m, p > 0], [0, true], profile);
  }
});

test("envoy: an import the host does not provide → missing import env.x (§2.4)", async () => {
  assert.equal(await loadError("import_x"), "Failed to load Wasm module due to a missing import: env.x");
});

test("envoy: an import with the wrong signature → import type mismatch (§2.4)", async () => {
  assert.equal(
    await loadError("import_mismatch"),
    "Failed to load Wasm module due to an import type mismatch: env.proxy_log, want: i32 i32 -> i32, " +
      "but host exports: i32 i32 i32 -> i32",
  );
});

test("envoy: an imported global is refused as a missing import (§2.4)", async () => {
  assert.equal(await loadError("imported_global"), "Failed to load Wasm module due to a missing import: env.g");
});

test("envoy: ABI-specific host functions exist only for the detected ABI: a 0.2.1 module importing proxy_continue_request fails (§2.2)", async () => {
  assert.equal(
    await loadError("abi021_continue_request"),
    "Failed to load Wasm module due to a missing import: env.proxy_continue_request",
  );
  // the same import under the 0.1.0 marker links
  await load("abi010_continue_request");
});

test("envoy: a callback exported with the wrong signature fails the load", async () => {
  assert.match(
    await loadError("bad_signature"),
    /^Bad function signature for: proxy_on_request_headers, want: i32 i32 i32 -> i32, but the module exports: i32 i32 -> i32$/,
  );
});

test("envoy links proxy_get_header_map_size (byte size of the map), Kong and APISIX do not have it (§3.4)", async () => {
  const host = await load("header_map_size");
  host.configure("");
  host.newStream().requestHeaders([[":method", "GET"], ["ab", "cd"]]);
  // byteSize = ":method"+"GET" + "ab"+"cd" = 7+3+2+2
  assert.ok(host.logs.some((l) => l.message === "size 0 14"));
  assert.equal(await loadError("header_map_size", { profile: "kong" }), 'missing host function "env.proxy_get_header_map_size"');
  assert.equal(
    await loadError("header_map_size", { profile: "apisix" }),
    "unknown import: `env::proxy_get_header_map_size` has not been defined",
  );
});

test("proxy_get_log_level: Envoy 0.2.1 links it, Kong declares (i32, i32) → mismatch, APISIX lacks it (§3.1, §3.2)", async () => {
  await load("get_log_level");
  assert.equal(await loadError("get_log_level", { profile: "kong" }), 'incompatible host interface for "env.proxy_get_log_level"');
  assert.match(await loadError("get_log_level", { profile: "apisix" }), /unknown import: `env::proxy_get_log_level`/);
});

test("APISIX declares proxy_get_metric as (i32, i64): a spec-typed import does not link (§3.2)", async () => {
  await load("metrics");
  await load("metrics", { profile: "kong" });
  assert.equal(await loadError("metrics", { profile: "apisix" }), "incompatible import type for `env::proxy_get_metric`");
});

test("Kong resolves only env and wasi_snapshot_preview1; Envoy also links wasi_unstable (§2.2, §3.1)", async () => {
  await load("wasi_unstable");
  assert.match(await loadError("wasi_unstable", { profile: "kong" }), /^cannot resolve unknown module "wasi_unstable"/);
});

test("Kong: no ABI marker → unknown ABI version; APISIX assumes the latest ABI (§3.1, §3.2)", async () => {
  assert.equal(await loadError("no_abi", { profile: "kong" }), "unknown ABI version");
  const host = await load("no_abi", { profile: "apisix" });
  assert.equal(host.configure("{}"), true);
});

test("Kong requires on_context_create / on_vm_start / on_configure; Envoy does not (§3.1)", async () => {
  assert.equal(
    await loadError("kong_missing", { profile: "kong" }),
    "filter missing one of: on_context_create, on_vm_start, on_plugin_start",
  );
  const host = await load("kong_missing");
  assert.equal(host.configure("{}"), true);
  assert.equal(await loadError("no_malloc", { profile: "kong" }), "filter missing malloc");
});

test("the portable import set (behaviour.md §7) links on envoy, kong and apisix; the probe imports exactly that set", async () => {
  const mod = new WebAssembly.Module(fixture("probe") as Uint8Array<ArrayBuffer>);
  const imports = WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`).sort();
  assert.deepEqual(imports, [...PORTABLE_IMPORTS].sort());
  for (const profile of ["envoy", "kong", "apisix"] as const) {
    const host = await load("probe", { profile });
    assert.equal(host.configure(""), true, profile);
  }
});

test("a module that is not wasm is refused", async () => {
  await assert.rejects(ProxyWasmHost.load(new Uint8Array([1, 2, 3])), /Failed to load Wasm code/);
});
