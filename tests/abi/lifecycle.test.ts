// Context registry: several root ids in one VM, proxy_on_done / proxy_on_delete of a root, unknown ids.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MiniHost, ROOT, buildProbe, modules, header } from "./harness.js";

let probe: Uint8Array;
let both: Array<{ name: string; wasm: Uint8Array }>;
before(() => { probe = buildProbe("probe"); both = modules(); });

test("two root contexts with different configs in one VM keep their own config", async () => {
  const h = await MiniHost.load(probe);
  const a = h.createRoot('{"name":"a"}');
  const b = h.createRoot('{"name":"b"}');
  assert.equal(a.configured, 1);
  assert.equal(b.configured, 1);
  h.exchange(a.id, [["x-probe", "root"]]);
  h.exchange(b.id, [["x-probe", "root"]]);
  h.exchange(a.id, [["x-probe", "root"]]);
  const lines = h.logs.filter((l) => l.message.startsWith("root:")).map((l) => l.message);
  assert.deepEqual(lines, [`root:${a.id}:{"name":"a"}`, `root:${b.id}:{"name":"b"}`, `root:${a.id}:{"name":"a"}`]);
  assert.equal(h.ex.probe_roots(), 2);
});

test("the filters: two roots with different allow_origins in one VM", async () => {
  for (const { wasm } of both) {
  const h = await MiniHost.load(wasm);
  const a = h.createRoot('{"allow_origins":["https://a.example"]}');
  const b = h.createRoot('{"allow_origins":["https://b.example"]}');
  const get = (root: number, origin: string) =>
    header(h.exchange(root, [[":method", "GET"], ["origin", origin]]).resp, "access-control-allow-origin");
  assert.deepEqual(get(a.id, "https://a.example"), ["https://a.example"]);
  assert.deepEqual(get(a.id, "https://b.example"), []);
  assert.deepEqual(get(b.id, "https://b.example"), ["https://b.example"]);
  assert.deepEqual(get(b.id, "https://a.example"), []);
  }
});

test("reconfiguring one root does not touch the other", async () => {
  for (const { wasm } of both) {
  const h = await MiniHost.load(wasm);
  const a = h.createRoot('{"allow_origins":["https://a.example"]}');
  const b = h.createRoot('{"allow_origins":["https://b.example"]}');
  assert.equal(h.configure(a.id, '{"allow_origins":["https://c.example"]}'), 1);
  const get = (root: number, origin: string) =>
    header(h.exchange(root, [[":method", "GET"], ["origin", origin]]).resp, "access-control-allow-origin");
  assert.deepEqual(get(a.id, "https://a.example"), []);
  assert.deepEqual(get(a.id, "https://c.example"), ["https://c.example"]);
  assert.deepEqual(get(b.id, "https://b.example"), ["https://b.example"]);
  }
});

test("proxy_on_done and proxy_on_delete of a root work (plugin teardown)", async () => {
  const h = await MiniHost.load(probe);
  const a = h.createRoot("{}");
  const b = h.createRoot("{}");
  h.exchange(a.id, [["x-probe", "root"]]);
  assert.equal(h.ex.proxy_on_done(a.id), 1);
  h.ex.proxy_on_delete(a.id);
  assert.ok(h.logs.some((l) => l.message === `root_done:${a.id}`));
  assert.ok(h.logs.some((l) => l.message === `root_delete:${a.id}`));
  assert.equal(h.ex.probe_roots(), 1);
  // Second teardown of the same id, and streams of the deleted root: ignored.
  assert.equal(h.ex.proxy_on_done(a.id), 1);
  h.ex.proxy_on_delete(a.id);
  const s = h.newStream(a.id);
  assert.equal(h.requestHeaders(s, [["x-probe", "root"]]).action, 0);
  h.finish(s);
  // The other root still serves.
  h.exchange(b.id, [["x-probe", "root"]]);
  assert.equal(h.logs.filter((l) => l.message.startsWith(`root:${b.id}:`)).length, 1);
  // A root id can come back (a new plugin config) and gets a fresh context from the factory.
  h.createRoot('{"again":1}', a.id);
  h.exchange(a.id, [["x-probe", "root"]]);
  assert.ok(h.logs.some((l) => l.message === `root:${a.id}:{"again":1}`));
});

test("proxy_on_done / proxy_on_delete of the filters' root do not trap", async () => {
  for (const { wasm } of both) {
  const h = await MiniHost.load(wasm);
  const a = h.createRoot(null);
  h.exchange(a.id, [[":method", "GET"], ["origin", "https://x.example"]]);
  assert.equal(h.ex.proxy_on_done(a.id), 1);
  h.ex.proxy_on_log(a.id);
  h.ex.proxy_on_delete(a.id);
  assert.equal(h.exchange(a.id, [[":method", "GET"], ["origin", "https://x.example"]]).req.action, 0);
  }
});

test("unknown context ids are ignored, never a trap", async () => {
  for (const wasm of [probe, ...both.map((m) => m.wasm)]) {
    const h = await MiniHost.load(wasm);
    const unknown = [0, 7, 12345, 0x7fffffff, 0xffffffff];
    for (const id of unknown) {
      assert.equal(h.ex.proxy_on_vm_start(id, 0), 1);
      assert.equal(h.ex.proxy_on_configure(id, 0), 1);
      assert.equal(h.ex.proxy_on_request_headers(id, 3, 0), 0);
      assert.equal(h.ex.proxy_on_response_headers(id, 3, 1), 0);
      assert.equal(h.ex.proxy_on_done(id), 1);
      h.ex.proxy_on_log(id);
      h.ex.proxy_on_delete(id);
    }
    // A stream whose parent is unknown, or whose parent is itself a stream.
    h.ex.proxy_on_context_create(500, 499);
    assert.equal(h.ex.proxy_on_request_headers(500, 0, 0), 0);
    const root = h.createRoot(null);
    const s = h.newStream(root.id);
    h.ex.proxy_on_context_create(501, s);
    assert.equal(h.ex.proxy_on_request_headers(501, 0, 0), 0);
    // Creating an existing id again keeps the existing context.
    h.ex.proxy_on_context_create(root.id, 0);
    h.ex.proxy_on_context_create(s, root.id);
    h.finish(s);
  }
});

test("stream contexts are forgotten after proxy_on_delete", async () => {
  const h = await MiniHost.load(probe);
  const r = h.createRoot(null);
  for (let i = 0; i < 100; i++) h.exchange(r.id, [["x-probe", "none"]]);
  assert.equal(h.ex.probe_streams(), 0);
  const open = [h.newStream(r.id), h.newStream(r.id)];
  assert.equal(h.ex.probe_streams(), 2);
  open.forEach((id) => h.finish(id));
  assert.equal(h.ex.probe_streams(), 0);
});

test("an abort logs through proxy_log and traps (no env.abort, no proc_exit call)", async () => {
  const h = await MiniHost.load(probe);
  assert.throws(() => h.ex.probe_abort(), WebAssembly.RuntimeError);
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
