// The ABI helpers through a probe module in src/host: configuration bytes, header maps, properties, local reply.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { lcg32 } from "../cases/prng.js";
import { buildProbe, exchange, exportsOf, header, load, logsOf, modules, pages, pairsOf, type HeaderList } from "./modules.js";

let probe: Uint8Array;
let skeleton: Uint8Array;
let both: Array<{ name: string; wasm: Uint8Array }>;
before(() => { probe = buildProbe("probe"); both = modules(); skeleton = both[1].wasm; });

test("configuration of 0 bytes: read as empty; the filters allow any origin with a literal *", async () => {
  const h = await load(probe);
  assert.equal(h.configure(new Uint8Array(0)), true);
  assert.deepEqual(logsOf(h, "configure:"), [`configure:${h.rootContextId}:0`]);
  assert.equal(exportsOf(h).probe_pending(), 0);

  for (const { name, wasm } of both) {
    const c = await load(wasm);
    assert.equal(c.configure(new Uint8Array(0)), true, name);
    const { resp } = exchange(c.plugin, [[":method", "GET"], ["origin", "https://any.example"]]);
    assert.deepEqual(header(resp, "access-control-allow-origin"), ["*"], name);
  }
});

test("configuration of 70,000 bytes is read intact", async () => {
  const origins = Array.from({ length: 2000 }, (_, i) => `https://host-${i}.example.com`);
  let json = JSON.stringify({ allow_origins: origins });
  json = json.slice(0, -1) + " ".repeat(70000 - json.length) + "}"; // JSON whitespace: valid for every parser
  assert.equal(json.length, 70000);
  const h = await load(probe);
  h.configure(json);
  assert.deepEqual(logsOf(h, "configure:"), [`configure:${h.rootContextId}:70000`]);
  exchange(h.plugin, [["x-probe", "root"]]);
  assert.deepEqual(logsOf(h, "root:"), [`root:${h.rootContextId}:${json}`]);

  for (const { name, wasm } of both) {
    const c = await load(wasm);
    assert.equal(c.configure(json), true, name);
    for (const o of [origins[0], origins[1234], origins[1999]]) {
      const { resp } = exchange(c.plugin, [[":method", "GET"], ["origin", o]]);
      assert.deepEqual(header(resp, "access-control-allow-origin"), [o], name);
    }
    const { resp } = exchange(c.plugin, [[":method", "GET"], ["origin", "https://other.example"]]);
    assert.deepEqual(header(resp, "access-control-allow-origin"), [], name);
  }
});

test("configuration read failure: skeleton rejects the config, no trap", async () => {
  const c = await load(skeleton);
  c.faults.set("proxy_get_buffer_bytes", { status: 1 });
  assert.equal(c.configure('{"allow_origins":["https://a.example"]}'), false);
  assert.equal(c.failed, false);
  assert.ok(c.logs.some((l) => l.level === 4 && l.message === "configuration: cannot read the plugin configuration"));
});

test("header map: many headers, in order, byte-exact", async () => {
  const h = await load(probe);
  h.configure("");
  const hs: HeaderList = [["x-probe", "pairs"]];
  for (let i = 0; i < 500; i++) hs.push([`x-h${i}`, `v${i}`.repeat(i % 7)]);
  hs.push(["x-dup", "1"], ["x-dup", "2"], ["x-latin", "caf\u00e9 \u00ff\u0080"], ["x-empty", ""]);
  exchange(h.plugin, hs);
  const line = logsOf(h, "pairs:")[0];
  const expected = `pairs:${hs.length}:` + hs.map(([k, v]) => `${k}=${v}`).join("\n");
  assert.equal(line, expected);
  assert.equal(exportsOf(h).probe_pending(), 0);
});

test("header map: empty map (0 bytes, single NUL, count 0)", async () => {
  const h = await load(probe);
  h.configure("");
  exchange(h.plugin, [["x-probe", "pairs"]]);
  for (const raw of [new Uint8Array(0), new Uint8Array([0]), new Uint8Array([0, 0, 0, 0])]) {
    h.faults.set("proxy_get_header_map_pairs", { status: 0, mode: "bytes", bytes: raw });
    exchange(h.plugin, [["x-probe", "pairs"]]);
  }
  assert.deepEqual(logsOf(h, "pairs:"), ["pairs:1:x-probe=pairs", "pairs:0:", "pairs:0:", "pairs:0:"]);
});

test("header map: malformed serialisations give null, never a trap", async () => {
  const h = await load(probe);
  h.configure("");
  const good = pairsOf([["a", "b"], ["cc", "dd"]]);
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
    h.faults.set("proxy_get_header_map_pairs", { status: 0, mode: "bytes", bytes: raw });
    exchange(h.plugin, [["x-probe", "pairs"]]);
  }
  h.faults.set("proxy_get_header_map_pairs", { status: 0, mode: "bytes", bytes: good });
  exchange(h.plugin, [["x-probe", "pairs"]]);
  const lines = logsOf(h, "pairs:");
  assert.deepEqual(lines.slice(0, cases.length), cases.map(() => "pairs:null"));
  assert.equal(lines[cases.length], "pairs:2:a=b\ncc=dd");
  assert.equal(exportsOf(h).probe_pending(), 0);
  assert.equal(h.failed, false, h.failure ?? "");
});

test("header values round-trip one byte per char (Latin-1), names ASCII", async () => {
  const h = await load(probe);
  h.configure("");
  const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
  const { req } = exchange(h.plugin, [["x-probe", "echo"], ["x-value", all]]);
  assert.ok(req.kind !== "local");
  assert.deepEqual(header(req.headers, "x-echo"), [all]);
});

test("properties: value, empty value, NotFound -> null without trap, path joined with \\0", async () => {
  // property values are bytes: the UTF-8 of "déjà-vu", one char per byte as the host holds them
  const dejaVu = Buffer.from("d\u00e9j\u00e0-vu", "utf8").toString("latin1");
  const h = await load(probe, { properties: { "xds.route_name": "route-1", "xds.cluster_name": dejaVu }, rootId: "" });
  h.configure("");
  for (const path of ["xds.route_name", "plugin_root_id", "xds.cluster_name", "route_name", "xds.nothing.deeper"]) {
    exchange(h.plugin, [["x-probe", "prop"], ["x-path", path]]);
  }
  assert.deepEqual(logsOf(h, "prop:"), ["prop:route-1", "prop:", "prop:d\u00e9j\u00e0-vu", "prop:null", "prop:null"]);
  assert.equal(exportsOf(h).probe_pending(), 0);
});

test("local reply: status, details, body, headers (serialised map, byte-exact)", async () => {
  const h = await load(probe);
  h.configure("");
  const v = "x\u00e9\u00ff";
  const { req } = exchange(h.plugin, [["x-probe", "local"], ["x-value", v]]);
  assert.equal(req.action, 1);
  assert.equal(req.kind, "local");
  if (req.kind !== "local") return;
  assert.deepEqual(
    { status: req.status, details: req.details, body: Buffer.from(req.body, "latin1").toString("utf8") },
    { status: 418, details: "probe_reply", body: "body \u00e9" },
  );
  // the module's headers, in order and byte-exact, then what Envoy adds for a body (host-facts.md §4.2)
  assert.deepEqual(req.headers, [["x-echo", v], ["x-two", "2"], ["content-length", "7"], ["content-type", "text/plain"]]);
});

test("metrics: defined once per root, incremented per request; delta <= 0 refused by the host is harmless", async () => {
  const h = await load(probe);
  h.configure("");
  for (let i = 0; i < 5; i++) exchange(h.plugin, [["x-probe", "none"]]);
  assert.equal(h.metric("probe.requests"), 5);
  exportsOf(h).probe_set_mode(1);
  exchange(h.plugin, [["origin", "o"]]);
  assert.equal(h.metric("probe.requests"), 6);
  assert.equal(h.metric("probe.extra"), 1);
  assert.equal(h.failed, false, h.failure ?? "");
});

test("skeleton: allowed preflight gets a local 200; its own response callback adds nothing twice", async () => {
  const h = await load(skeleton);
  h.configure('{"allow_origins":["https://a.example"]}');
  const { req, resp } = exchange(h.plugin, [
    [":method", "OPTIONS"], ["origin", "https://a.example"], ["access-control-request-method", "PUT"],
  ]);
  assert.equal(req.action, 1);
  assert.equal(req.kind, "local");
  assert.equal(req.kind === "local" && req.status, 200);
  assert.equal(req.kind === "local" && req.details, "cors_preflight");
  assert.deepEqual(header(resp, "access-control-allow-origin"), ["https://a.example"]);
  assert.deepEqual(header(resp, "access-control-allow-methods"), ["PUT"]);
  assert.deepEqual(header(resp, "vary"), ["Origin"]);
  assert.equal(h.metric("cors.preflight_allowed"), 1);
});

test("skeleton: rejected preflight gets a local 403; actual requests get ACAO + Vary only when allowed", async () => {
  const h = await load(skeleton);
  h.configure('{"allow_origins":["https://a.example", "https://b.example"]}');
  const pre = exchange(h.plugin, [[":method", "OPTIONS"], ["origin", "https://evil.example"], ["access-control-request-method", "GET"]]);
  assert.equal(pre.req.kind === "local" && pre.req.status, 403);
  assert.equal(pre.req.kind === "local" && pre.req.details, "cors_forbidden");
  assert.deepEqual(header(pre.resp, "access-control-allow-origin"), []);
  const ok = exchange(h.plugin, [[":method", "GET"], ["origin", "https://b.example"]], [[":status", "200"], ["vary", "accept"]]);
  assert.deepEqual(header(ok.resp, "access-control-allow-origin"), ["https://b.example"]);
  // vary is an inline response header in Envoy: the skeleton's add appends to the upstream's line (addCopy)
  assert.deepEqual(header(ok.resp, "vary"), ["accept,Origin"]);
  const no = exchange(h.plugin, [[":method", "GET"], ["origin", "https://c.example"]]);
  assert.deepEqual(header(no.resp, "access-control-allow-origin"), []);
  const plain = exchange(h.plugin, [[":method", "GET"]]);
  assert.deepEqual(plain.resp, [[":status", "200"]]);
  const optionsNoAcrm = exchange(h.plugin, [[":method", "OPTIONS"], ["origin", "https://a.example"]]);
  assert.notEqual(optionsNoAcrm.req.kind, "local");
  assert.equal(h.metric("cors.preflight_rejected"), 1);
  assert.equal(h.metric("cors.actual_allowed"), 2);
  assert.equal(h.metric("cors.actual_rejected"), 1);
  assert.equal(h.metric("cors.not_cors"), 1);
});

test("skeleton: bad config is rejected with an error log; \"*\" and absent allow_origins allow any", async () => {
  const h = await load(skeleton);
  // one plugin (root context) per configuration, all in one VM
  assert.equal(h.configure('{"allow_origins": "https://a.example"}'), false);
  assert.equal(h.addPlugin().configure('{"allow_origins": [1]}'), false);
  assert.equal(h.addPlugin().configure('{"allow_origins": ["a"'), false);
  assert.ok(h.logs.filter((l) => l.level === 4).length >= 3);
  for (const cfg of ['{"allow_origins":["*"]}', "{}", '{"max_age": 5}']) {
    const p = h.addPlugin();
    assert.equal(p.configure(cfg), true);
    const { resp } = exchange(p, [[":method", "GET"], ["origin", "https://z.example"]]);
    assert.deepEqual(header(resp, "access-control-allow-origin"), ["*"], cfg);
  }
  const p = h.addPlugin();
  p.configure('{"allow_origins":[]}');
  const { resp } = exchange(p, [[":method", "GET"], ["origin", "https://z.example"]]);
  assert.deepEqual(header(resp, "access-control-allow-origin"), []);
});

test("skeleton: the echoed origin is byte-exact (Latin-1 bytes)", async () => {
  const h = await load(skeleton);
  const o = "https://\u00e9xample.\u00ff";
  h.configure(JSON.stringify({ allow_origins: ["https://a.example"] }));
  const any = h.addPlugin();
  any.configure("");
  assert.deepEqual(header(exchange(h.plugin, [[":method", "GET"], ["origin", o]]).resp, "access-control-allow-origin"), []);
  const pre = exchange(any, [[":method", "OPTIONS"], ["origin", o], ["access-control-request-method", "P\u00c4TCH"]]);
  assert.deepEqual(header(pre.resp, "access-control-allow-methods"), ["P\u00c4TCH"]);
});

test("host-written blocks survive GC steps: 1,500 large values echoed byte-exact", async () => {
  const h = await load(probe);
  h.configure("");
  const next = lcg32(1);
  const rnd = () => next() >>> 8;
  for (let i = 0; i < 1500; i++) {
    const len = 1 + (rnd() % 20000);
    let v = "";
    for (let j = 0; j < len; j += 64) v += String.fromCharCode(32 + (rnd() % 224)).repeat(Math.min(64, len - j));
    const { req } = exchange(h.plugin, [["x-probe", "echo"], ["x-value", v], ["x-pad", "p".repeat(rnd() % 5000)]]);
    assert.ok(req.kind !== "local");
    // the value as the host holds it: the codec trims leading and trailing spaces (docs/host.md)
    assert.equal(header(req.headers, "x-echo")[0], v.replace(/^[ \t]+|[ \t]+$/g, ""), `request ${i}`);
  }
  assert.equal(exportsOf(h).probe_pending(), 0);
  assert.ok(pages(h) <= 8, `${pages(h)} pages`);
});
