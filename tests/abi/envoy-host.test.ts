// The ABI layer against the project's Envoy-faithful host (src/host), on every link profile.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { ProxyWasmHost } from "../../src/host/index.js";
import { buildProbe, modules } from "./modules.js";

let probe: Uint8Array;
const both = modules();
before(() => { probe = buildProbe("probe"); });

const acao = (hs: Array<[string, string]>) => hs.filter(([k]) => k === "access-control-allow-origin").map(([, v]) => v);

for (const { name, wasm } of both) for (const profile of ["envoy", "kong", "apisix"] as const) {
  test(`${name} on ${profile}: links, configures and answers CORS requests`, async () => {
    const host = await ProxyWasmHost.load(wasm, { profile });
    assert.equal(host.configure('{"allow_origins":["https://a.example"]}'), true);
    const pre = host.simulate({ method: "OPTIONS", headers: { origin: "https://a.example", "access-control-request-method": "PUT" } }, null);
    assert.equal(pre.reachesUpstream, false);
    assert.equal(pre.status, 200);
    assert.equal(pre.localReply?.details, "cors_preflight");
    assert.deepEqual(acao(pre.headers), ["https://a.example"], "ACAO exactly once on the local reply");
    const actual = host.simulate({ method: "GET", headers: { origin: "https://a.example" } }, { status: 200, headers: { "content-type": "text/plain" } });
    assert.equal(actual.reachesUpstream, true);
    assert.deepEqual(acao(actual.headers), ["https://a.example"]);
    const other = host.simulate({ method: "GET", headers: { origin: "https://b.example" } }, { status: 200 });
    assert.deepEqual(acao(other.headers), []);
    const rejected = host.simulate({ method: "OPTIONS", headers: { origin: "https://b.example", "access-control-request-method": "PUT" } }, null);
    assert.equal(rejected.status, 403);
    assert.equal(host.failed, false, host.failure ?? "");
    assert.deepEqual(host.errors, []);
  });
}

for (const { name, wasm } of both) test(`${name} on envoy: empty configuration (0 bytes) allows any origin`, async () => {
  const host = await ProxyWasmHost.load(wasm);
  assert.equal(host.configure(""), true);
  const r = host.simulate({ method: "GET", headers: { origin: "https://z.example" } }, { status: 200 });
  assert.deepEqual(acao(r.headers), ["*"]);
  assert.equal(host.failed, false);
});

for (const { name, wasm } of both) test(`${name} on envoy: 70,000-byte configuration`, async () => {
  const origins = Array.from({ length: 2000 }, (_, i) => `https://h${i}.example.org`);
  let json = JSON.stringify({ allow_origins: origins });
  json = json.slice(0, -1) + " ".repeat(70000 - json.length) + "}";
  assert.equal(json.length, 70000);
  const host = await ProxyWasmHost.load(wasm);
  assert.equal(host.configure(json), true);
  const r = host.simulate({ method: "GET", headers: { origin: origins[1999] } }, { status: 200 });
  assert.deepEqual(acao(r.headers), [origins[1999]]);
});

test("envoy host: probe helpers (properties NotFound -> null, header pairs) without a trap", async () => {
  const host = await ProxyWasmHost.load(probe, { properties: { "xds.route_name": "r1" } });
  assert.equal(host.configure("{}"), true);
  const lines = (r: { logs: Array<{ message: string }> }, p: string) => r.logs.filter((l) => l.message.startsWith(p)).map((l) => l.message);
  const hit = host.simulate({ method: "GET", headers: { "x-probe": "prop", "x-path": "xds.route_name" } }, null);
  assert.deepEqual(lines(hit, "prop:"), ["prop:r1"]);
  const miss = host.simulate({ method: "GET", headers: { "x-probe": "prop", "x-path": "no.such.property" } }, null);
  assert.deepEqual(lines(miss, "prop:"), ["prop:null"]);
  const pairs = host.simulate({ method: "GET", headers: { "x-probe": "pairs", "x-a": ["1", "2"] } }, null);
  const line = lines(pairs, "pairs:")[0];
  assert.match(line, /^pairs:\d+:/);
  assert.ok(line.includes("x-probe=pairs"));
  (host.exports.probe_set_mode as (m: number) => void)(1);
  host.simulate({ method: "GET", headers: { origin: "https://a.example" } }, { status: 200 });
  assert.equal(host.failed, false, host.failure ?? "");
  assert.equal((host.exports.probe_pending as () => number)(), 0);
});

for (const { name, wasm } of both) test(`${name} on envoy: memory pages flat over 20,000 exchanges`, async () => {
  const host = await ProxyWasmHost.load(wasm);
  host.configure('{"allow_origins":["https://a.example"]}');
  const mem = host.exports.memory as WebAssembly.Memory;
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      if (i % 2) host.simulate({ method: "OPTIONS", headers: { origin: "https://a.example", "access-control-request-method": "PUT" } }, null);
      else host.simulate({ method: "GET", headers: { origin: "https://a.example" } }, { status: 200 });
    }
  };
  run(1000);
  const warm = mem.buffer.byteLength >> 16;
  run(19000);
  const end = mem.buffer.byteLength >> 16;
  console.log(`# ${name} on envoy host, pages: after 1,000 = ${warm}, after 20,000 = ${end}`);
  assert.equal(end, warm);
  assert.equal(host.contextCount, 1, "streams are deleted");
  assert.equal(host.failed, false);
});
