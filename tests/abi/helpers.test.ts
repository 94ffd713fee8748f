// The ABI helpers through a probe module: configuration bytes, header maps, properties, local reply.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { MiniHost, buildProbe, modules, header, serializePairs, HeaderList } from "./harness.js";

let probe: Uint8Array;
let skeleton: Uint8Array;
let both: Array<{ name: string; wasm: Uint8Array }>;
before(() => { probe = buildProbe("probe"); both = modules(); skeleton = both[1].wasm; });

const logsOf = (h: MiniHost, prefix: string) => h.logs.filter((l) => l.message.startsWith(prefix)).map((l) => l.message);

test("configuration of 0 bytes: read as empty; the filters allow any origin with a literal *", async () => {
  const h = await MiniHost.load(probe);
  const r = h.createRoot(new Uint8Array(0));
  assert.equal(r.configured, 1);
  assert.deepEqual(logsOf(h, "configure:"), [`configure:${r.id}:0`]);
  assert.equal(h.ex.probe_pending(), 0);

  for (const { name, wasm } of both) {
    const c = await MiniHost.load(wasm);
    const root = c.createRoot(new Uint8Array(0));
    assert.equal(root.configured, 1, name);
    const { resp } = c.exchange(root.id, [[":method", "GET"], ["origin", "https://any.example"]]);
    assert.deepEqual(header(resp, "access-control-allow-origin"), ["*"], name);
  }
});

test("configuration of 70,000 bytes is read intact", async () => {
  const origins = Array.from({ length: 2000 }, (_, i) => `https://host-${i}.example.com`);
  let json = JSON.stringify({ allow_origins: origins });
  json = json.slice(0, -1) + " ".repeat(70000 - json.length) + "}"; // JSON whitespace: valid for every parser
  assert.equal(json.length, 70000);
  const h = await MiniHost.load(probe);
  const r = h.createRoot(json);
  assert.deepEqual(logsOf(h, "configure:"), [`configure:${r.id}:70000`]);
  h.exchange(r.id, [["x-probe", "root"]]);
  assert.deepEqual(logsOf(h, "root:"), [`root:${r.id}:${json}`]);

  for (const { name, wasm } of both) {
    const c = await MiniHost.load(wasm);
    const root = c.createRoot(json);
    assert.equal(root.configured, 1, name);
    for (const o of [origins[0], origins[1234], origins[1999]]) {
      const { resp } = c.exchange(root.id, [[":method", "GET"], ["origin", o]]);
      assert.deepEqual(header(resp, "access-control-allow-origin"), [o], name);
    }
    const { resp } = c.exchange(root.id, [[":method", "GET"], ["origin", "https://other.example"]]);
    assert.deepEqual(header(resp, "access-control-allow-origin"), [], name);
  }
});

test("configuration read failure: skeleton rejects the config, no trap", async () => {
  const c = await MiniHost.load(skeleton);
  c.faults.set("proxy_get_buffer_bytes", { status: 1 });
  const root = c.createRoot('{"allow_origins":["https://a.example"]}');
  assert.equal(root.configured, 0);
  assert.ok(c.logs.some((l) => l.level === 4 && l.message === "configuration: cannot read the plugin configuration"));
});

test("header map: many headers, in order, byte-exact", async () => {
  const h = await MiniHost.load(probe);
  const r = h.createRoot(null);
  const hs: HeaderList = [["x-probe", "pairs"]];
  for (let i = 0; i < 500; i++) hs.push([`x-h${i}`, `v${i}`.repeat(i % 7)]);
  hs.push(["x-dup", "1"], ["x-dup", "2"], ["x-latin", "caf\u00e9 \u00ff\u0080"], ["x-empty", ""]);
  h.exchange(r.id, hs);
  const line = logsOf(h, "pairs:")[0];
  const expected = `pairs:${hs.length}:` + hs.map(([k, v]) => `${k}=${v}`).join("\n");
  assert.equal(line, expected);
  assert.equal(h.ex.probe_pending(), 0);
});

test("header map: empty map (0 bytes, single NUL, count 0)", async () => {
  const h = await MiniHost.load(probe);
  const r = h.createRoot(null);
  h.exchange(r.id, [["x-probe", "pairs"]]);
  for (const raw of [new Uint8Array(0), new Uint8Array([0]), new Uint8Array([0, 0, 0, 0])]) {
    h.rawPairs = raw;
    h.exchange(r.id, [["x-probe", "pairs"]]);
  }
  assert.deepEqual(logsOf(h, "pairs:"), ["pairs:1:x-probe=pairs", "pairs:0:", "pairs:0:", "pairs:0:"]);
});

test("header map: malformed serialisations give null, never a trap", async () => {
  const h = await MiniHost.load(probe);
  const r = h.createRoot(null);
  const good = serializePairs([["a", "b"], ["cc", "dd"]]);
  const u32 = (n: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n, true); return b; };
  const cases = [
    new Uint8Array([1]), new Uint8Array([1, 0]), new Uint8Array([1, 0, 0]),
    u32(1),                                   // count 1, no size table
    u32(0xffffffff),                          // absurd count
    Uint8Array.from([...u32(1), ...u32(0xffffffff), ...u32(0)]), // key length past the end
    Uint8Array.from([...u32(1), ...u32(0xfffffffe), ...u32(0xfffffffe), 0, 0]), // overflowing sum
    good.subarray(0, good.length - 1),        // last NUL missing
  ];
  for (const raw of cases) {
    h.rawPairs = raw;
    h.exchange(r.id, [["x-probe", "pairs"]]);
  }
  h.rawPairs = good;
  h.exchange(r.id, [["x-probe", "pairs"]]);
  const lines = logsOf(h, "pairs:");
  assert.deepEqual(lines.slice(0, cases.length), cases.map(() => "pairs:null"));
  assert.equal(lines[cases.length], "pairs:2:a=b\ncc=dd");
  assert.equal(h.ex.probe_pending(), 0);
});

test("header values round-trip one byte per char (Latin-1), names ASCII", async () => {
  const h = await MiniHost.load(probe);
  const r = h.createRoot(null);
  const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
  const { req } = h.exchange(r.id, [["x-probe", "echo"], ["x-value", all]]);
  assert.deepEqual(header(req.headers, "x-echo"), [all]);
});

test("properties: value, empty value, NotFound -> null without trap, path joined with \\0", async () => {
  const h = await MiniHost.load(probe);
  const r = h.createRoot(null);
  h.setProperty(["xds", "route_name"], "route-1");
  h.setProperty(["plugin_root_id"], "");
  h.setProperty(["xds", "cluster_name"], "d\u00e9j\u00e0-vu");
  for (const path of ["xds.route_name", "plugin_root_id", "xds.cluster_name", "route_name", "xds.nothing.deeper"]) {
    h.exchange(r.id, [["x-probe", "prop"], ["x-path", path]]);
  }
  assert.deepEqual(logsOf(h, "prop:"), ["prop:route-1", "prop:", "prop:d\u00e9j\u00e0-vu", "prop:null", "prop:null"]);
  assert.equal(h.ex.probe_pending(), 0);
});

test("local reply: status, details, body, headers (serialised map, byte-exact)", async () => {
  const h = await MiniHost.load(probe);
  const r = h.createRoot(null);
  const v = "x\u00e9\u00ff";
  const { req } = h.exchange(r.id, [["x-probe", "local"], ["x-value", v]]);
  assert.equal(req.action, 1);
  assert.deepEqual(req.local, { status: 418, details: "probe_reply", body: "body \u00e9", headers: [["x-echo", v], ["x-two", "2"]] });
});

test("metrics: defined once per root, incremented per request; delta <= 0 refused by the host is harmless", async () => {
  const h = await MiniHost.load(probe);
  const r = h.createRoot(null);
  for (let i = 0; i < 5; i++) h.exchange(r.id, [["x-probe", "none"]]);
  assert.equal(h.metric("probe.requests"), 5);
  h.ex.probe_set_mode(1);
  h.exchange(r.id, [["origin", "o"]]);
  assert.equal(h.metric("probe.requests"), 6);
  assert.equal(h.metric("probe.extra"), 1);
});

test("skeleton: allowed preflight gets a local 200; its own response callback adds nothing twice", async () => {
  const h = await MiniHost.load(skeleton);
  const r = h.createRoot('{"allow_origins":["https://a.example"]}');
  const { req, resp } = h.exchange(r.id, [
    [":method", "OPTIONS"], ["origin", "https://a.example"], ["access-control-request-method", "PUT"],
  ]);
  assert.equal(req.action, 1);
  assert.equal(req.local?.status, 200);
  assert.equal(req.local?.details, "cors_preflight");
  assert.deepEqual(header(resp, "access-control-allow-origin"), ["https://a.example"]);
  assert.deepEqual(header(resp, "access-control-allow-methods"), ["PUT"]);
  assert.deepEqual(header(resp, "vary"), ["Origin"]);
  assert.equal(h.metric("cors.preflight_allowed"), 1);
});

test("skeleton: rejected preflight gets a local 403; actual requests get ACAO + Vary only when allowed", async () => {
  const h = await MiniHost.load(skeleton);
  const r = h.createRoot('{"allow_origins":["https://a.example", "https://b.example"]}');
  const pre = h.exchange(r.id, [[":method", "OPTIONS"], ["origin", "https://evil.example"], ["access-control-request-method", "GET"]]);
  assert.equal(pre.req.local?.status, 403);
  assert.equal(pre.req.local?.details, "cors_forbidden");
  assert.deepEqual(header(pre.resp, "access-control-allow-origin"), []);
  const ok = h.exchange(r.id, [[":method", "GET"], ["origin", "https://b.example"]], [[":status", "200"], ["vary", "accept"]]);
  assert.deepEqual(header(ok.resp, "access-control-allow-origin"), ["https://b.example"]);
  assert.deepEqual(header(ok.resp, "vary"), ["accept", "Origin"]);
  const no = h.exchange(r.id, [[":method", "GET"], ["origin", "https://c.example"]]);
  assert.deepEqual(header(no.resp, "access-control-allow-origin"), []);
  const plain = h.exchange(r.id, [[":method", "GET"]]);
  assert.deepEqual(plain.resp, [[":status", "200"]]);
  const optionsNoAcrm = h.exchange(r.id, [[":method", "OPTIONS"], ["origin", "https://a.example"]]);
  assert.equal(optionsNoAcrm.req.local, null);
  assert.equal(h.metric("cors.preflight_rejected"), 1);
  assert.equal(h.metric("cors.actual_allowed"), 2);
  assert.equal(h.metric("cors.actual_rejected"), 1);
  assert.equal(h.metric("cors.not_cors"), 1);
});

test("skeleton: bad config is rejected with an error log; \"*\" and absent allow_origins allow any", async () => {
  const h = await MiniHost.load(skeleton);
  assert.equal(h.createRoot('{"allow_origins": "https://a.example"}').configured, 0);
  assert.equal(h.createRoot('{"allow_origins": [1]}').configured, 0);
  assert.equal(h.createRoot('{"allow_origins": ["a"').configured, 0);
  assert.ok(h.logs.filter((l) => l.level === 4).length >= 3);
  for (const cfg of ['{"allow_origins":["*"]}', "{}", '{"max_age": 5}']) {
    const r = h.createRoot(cfg);
    assert.equal(r.configured, 1);
    const { resp } = h.exchange(r.id, [[":method", "GET"], ["origin", "https://z.example"]]);
    assert.deepEqual(header(resp, "access-control-allow-origin"), ["*"], cfg);
  }
  const r = h.createRoot('{"allow_origins":[]}');
  const { resp } = h.exchange(r.id, [[":method", "GET"], ["origin", "https://z.example"]]);
  assert.deepEqual(header(resp, "access-control-allow-origin"), []);
});

test("skeleton: the echoed origin is byte-exact (Latin-1 bytes)", async () => {
  const h = await MiniHost.load(skeleton);
  const o = "https://\u00e9xample.\u00ff";
  const r = h.createRoot(JSON.stringify({ allow_origins: ["https://a.example"] }));
  const r2 = h.createRoot(null);
  assert.deepEqual(header(h.exchange(r.id, [[":method", "GET"], ["origin", o]]).resp, "access-control-allow-origin"), []);
  const pre = h.exchange(r2.id, [[":method", "OPTIONS"], ["origin", o], ["access-control-request-method", "P\u00c4TCH"]]);
  assert.deepEqual(header(pre.resp, "access-control-allow-methods"), ["P\u00c4TCH"]);
});

test("host-written blocks survive GC steps: 1,500 large values echoed byte-exact", async () => {
  const h = await MiniHost.load(probe);
  const r = h.createRoot(null);
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 8;
  for (let i = 0; i < 1500; i++) {
    const len = 1 + (rnd() % 20000);
    let v = "";
    for (let j = 0; j < len; j += 64) v += String.fromCharCode(32 + (rnd() % 224)).repeat(Math.min(64, len - j));
    const { req } = h.exchange(r.id, [["x-probe", "echo"], ["x-value", v], ["x-pad", "p".repeat(rnd() % 5000)]]);
    assert.equal(header(req.headers, "x-echo")[0], v, `request ${i}`);
  }
  assert.equal(h.ex.probe_pending(), 0);
  assert.ok(h.pages <= 8, `${h.pages} pages`);
});
