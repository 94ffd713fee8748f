// Context registry: several root contexts (plugins) in one VM, proxy_on_done / proxy_on_delete of a root,
// unknown ids — run in src/host (a second plugin is `host.addPlugin()`, Envoy's plugins sharing a VM).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Plugin } from "../../src/host/index.js";
import { ROOT, buildProbe, exchange, exportsOf, header, load, logsOf, modules } from "./modules.js";

let probe: Uint8Array;
let both: Array<{ name: string; wasm: Uint8Array }>;
before(() => { probe = buildProbe("probe"); both = modules(); });

const acao = (plugin: Plugin, origin: string) =>
  header(exchange(plugin, [[":method", "GET"], ["origin", origin]]).resp, "access-control-allow-origin");

test("two root contexts with different configs in one VM keep their own config", async () => {
  const h = await load(probe);
  const a = h.plugin;
  const b = h.addPlugin();
  assert.equal(a.configure('{"name":"a"}'), true);
  assert.equal(b.configure('{"name":"b"}'), true);
  exchange(a, [["x-probe", "root"]]);
  exchange(b, [["x-probe", "root"]]);
  exchange(a, [["x-probe", "root"]]);
  const id = (p: Plugin) => p.rootContextId;
  assert.deepEqual(logsOf(h, "root:"), [`root:${id(a)}:{"name":"a"}`, `root:${id(b)}:{"name":"b"}`, `root:${id(a)}:{"name":"a"}`]);
  assert.equal(exportsOf(h).probe_roots(), 2);
});

test("the filters: two roots with different allow_origins in one VM", async () => {
  for (const { name, wasm } of both) {
    const h = await load(wasm);
    const a = h.plugin;
    const b = h.addPlugin();
    a.configure('{"allow_origins":["https://a.example"]}');
    b.configure('{"allow_origins":["https://b.example"]}');
    assert.deepEqual(acao(a, "https://a.example"), ["https://a.example"], name);
    assert.deepEqual(acao(a, "https://b.example"), [], name);
    assert.deepEqual(acao(b, "https://b.example"), ["https://b.example"], name);
    assert.deepEqual(acao(b, "https://a.example"), [], name);
  }
});

test("reconfiguring one root does not touch the other", async () => {
  for (const { name, wasm } of both) {
    const h = await load(wasm);
    const a = h.plugin;
    const b = h.addPlugin();
    a.configure('{"allow_origins":["https://a.example"]}');
    b.configure('{"allow_origins":["https://b.example"]}');
    assert.equal(a.configure('{"allow_origins":["https://c.example"]}'), true, name);
    assert.deepEqual(acao(a, "https://a.example"), [], name);
    assert.deepEqual(acao(a, "https://c.example"), ["https://c.example"], name);
    assert.deepEqual(acao(b, "https://b.example"), ["https://b.example"], name);
  }
});

test("proxy_on_done and proxy_on_delete of a root work (plugin teardown)", async () => {
  const h = await load(probe);
  const a = h.plugin;
  const b = h.addPlugin();
  a.configure("{}");
  b.configure("{}");
  const aId = a.rootContextId;
  exchange(a, [["x-probe", "root"]]);
  assert.equal(a.done(), true);
  a.delete();
  assert.ok(h.logs.some((l) => l.message === `root_done:${aId}`));
  assert.ok(h.logs.some((l) => l.message === `root_delete:${aId}`));
  assert.equal(exportsOf(h).probe_roots(), 1);
  // Second teardown of the same id, and streams of the deleted root: ignored.
  assert.equal(a.done(), true);
  a.delete();
  const s = a.newStream();
  assert.equal(s.requestHeaders([["x-probe", "root"]], false).action, 0);
  s.finish();
  // The other root still serves.
  exchange(b, [["x-probe", "root"]]);
  assert.equal(logsOf(h, `root:${b.rootContextId}:`).length, 1);
  // A root id can come back (a new plugin config) and gets a fresh context from the factory.
  const again = h.addPlugin({ contextId: aId });
  again.configure('{"again":1}');
  exchange(again, [["x-probe", "root"]]);
  assert.ok(h.logs.some((l) => l.message === `root:${aId}:{"again":1}`));
  assert.equal(h.failed, false, h.failure ?? "");
});

test("proxy_on_done / proxy_on_delete of the filters' root do not trap", async () => {
  for (const { name, wasm } of both) {
    const h = await load(wasm);
    const a = h.plugin;
    a.configure("");
    exchange(a, [[":method", "GET"], ["origin", "https://x.example"]]);
    assert.equal(a.done(), true, name);
    exportsOf(h).proxy_on_log(a.rootContextId);
    a.delete();
    assert.equal(exchange(a, [[":method", "GET"], ["origin", "https://x.example"]]).req.action, 0, name);
    assert.equal(h.failed, false, `${name}: ${h.failure}`);
  }
});

test("unknown context ids are ignored, never a trap", async () => {
  for (const wasm of [probe, ...both.map((m) => m.wasm)]) {
    const h = await load(wasm);
    const ex = exportsOf(h);
    const unknown = [0, 7, 12345, 0x7fffffff, 0xffffffff];
    for (const id of unknown) {
      assert.equal(ex.proxy_on_vm_start(id, 0), 1);
      assert.equal(ex.proxy_on_configure(id, 0), 1);
      assert.equal(ex.proxy_on_request_headers(id, 3, 0), 0);
      assert.equal(ex.proxy_on_response_headers(id, 3, 1), 0);
      assert.equal(ex.proxy_on_done(id), 1);
      ex.proxy_on_log(id);
      ex.proxy_on_delete(id);
    }
    // A stream whose parent is unknown, or whose parent is itself a stream.
    ex.proxy_on_context_create(500, 499);
    assert.equal(ex.proxy_on_request_headers(500, 0, 0), 0);
    h.configure("");
    const root = h.plugin.rootContextId;
    const s = h.newStream();
    s.requestHeaders([[":method", "GET"]], false); // the module learns the stream here (proxy_on_context_create)
    ex.proxy_on_context_create(501, s.id);
    assert.equal(ex.proxy_on_request_headers(501, 0, 0), 0);
    // Creating an existing id again keeps the existing context.
    ex.proxy_on_context_create(root, 0);
    ex.proxy_on_context_create(s.id, root);
    s.finish();
    assert.equal(h.failed, false, h.failure ?? "");
  }
});

test("stream contexts are forgotten after proxy_on_delete", async () => {
  const h = await load(probe);
  const ex = exportsOf(h);
  h.configure("");
  for (let i = 0; i < 100; i++) exchange(h.plugin, [["x-probe", "none"]]);
  assert.equal(ex.probe_streams(), 0);
  const open = [h.newStream(), h.newStream()];
  for (const s of open) s.requestHeaders([["x-probe", "none"]], false);
  assert.equal(ex.probe_streams(), 2);
  open.forEach((s) => s.finish());
  assert.equal(ex.probe_streams(), 0);
});

test("an abort logs through proxy_log and traps (no env.abort, no proc_exit call)", async () => {
  const h = await load(probe);
  assert.throws(() => exportsOf(h).probe_abort(), WebAssembly.RuntimeError);
  const last = h.logs.at(-1)!;
  assert.equal(last.level, 5);
  assert.match(last.message, /^abort: probe abort at tests\/abi\/assembly\/probe\.ts:\d+:\d+$/);
});

test("a host that never calls _initialize gets a refused configuration and a log line saying why (fail closed)", () => {
  // A bare instantiation with every import stubbed: nothing of the module's start function has run.
  const wasm = readFileSync(join(ROOT, "build", "cors.wasm"));
  const module = new WebAssembly.Module(wasm);
  const logs: Array<{ level: number; message: string }> = [];
  let memory: WebAssembly.Memory | undefined;
  const env: Record<string, (...args: number[]) => number> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind === "function") env[imp.name] = () => 12; // Unimplemented
  }
  env.proxy_log = (level: number, ptr: number, size: number) => {
    logs.push({ level, message: new TextDecoder().decode(new Uint8Array(memory!.buffer, ptr, size)) });
    return 0;
  };
  const instance = new WebAssembly.Instance(module, { env } as WebAssembly.Imports);
  memory = instance.exports.memory as WebAssembly.Memory;
  const ex = instance.exports as Record<string, (...args: number[]) => number>;
  ex.proxy_on_context_create(1, 0);
  assert.equal(ex.proxy_on_vm_start(1, 0), 1);
  assert.equal(ex.proxy_on_configure(1, 0), 0, "proxy_on_configure must refuse: the filter would otherwise fail open");
  assert.deepEqual(logs, [{ level: 4, message: "the host did not call _initialize (the module's start function) before proxy_on_configure; configuration refused" }]);
  // the other callbacks find no context and do nothing, without trapping
  ex.proxy_on_context_create(2, 1);
  assert.equal(ex.proxy_on_request_headers(2, 0, 0), 0);
  assert.equal(ex.proxy_on_response_headers(2, 0, 0), 0);
  assert.equal(ex.proxy_on_done(2), 1);
  ex.proxy_on_log(2);
  ex.proxy_on_delete(2);
  ex.proxy_on_delete(1);
});
