// The collector of the minimal runtime (assembly/abi/collect.ts, docs/abi.md "Runtime choice"): it runs only at the
// end of an outermost callback, after every configuration, and otherwise only when the heap runs out of room.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MiniHost, buildProbe, header } from "./harness.js";

const probe = buildProbe("probe");

/** A Latin-1 value of `len` characters from a seeded generator. */
function valueOf(len: number, rnd: () => number): string {
  let v = "";
  for (let j = 0; j < len; j += 64) v += String.fromCharCode(32 + (rnd() % 224)).repeat(Math.min(64, len - j));
  return v;
}

test("a response callback the host runs inside proxy_send_local_response collects nothing the outer one still uses", async () => {
  const h = await MiniHost.load(probe);
  h.nestedLocalReply = true;
  const r = h.createRoot(null);
  const before = h.ex.probe_collections();
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 8;
  for (let i = 0; i < 1500; i++) {
    const v = valueOf(1 + (rnd() % 20000), rnd);
    h.logs.length = 0;
    const { req } = h.exchange(r.id, [["x-probe", "local"], ["x-value", v], ["x-pad", "p".repeat(rnd() % 5000)]]);
    assert.deepEqual(req.local?.headers, [["x-echo", v], ["x-two", "2"]], `request ${i}`);
    assert.deepEqual(header(req.localHeaders ?? [], "x-echo"), [v], `request ${i}: the nested response callback saw the reply`);
    // probe.ts logs the value after sendLocalResponse returned: a collection inside the nested callback would have
    // freed it, and the log line would show whatever was allocated there since
    assert.equal(h.logs.at(-1)?.message, "local:" + v, `request ${i}: the value outlived the nested callback`);
  }
  assert.ok(h.ex.probe_collections() - before >= 20, `${h.ex.probe_collections() - before} collections: the run must make the heap collect`);
  assert.equal(h.ex.probe_pending(), 0);
});

test("a configuration is followed by a collection; small requests do not collect at every callback", async () => {
  const h = await MiniHost.load(probe);
  const r = h.createRoot(null);
  const afterFirst = h.ex.probe_collections();
  assert.ok(afterFirst >= 1);
  h.configure(r.id, JSON.stringify({ allow_origins: Array.from({ length: 500 }, (_, i) => `https://o${i}.example`) }));
  assert.equal(h.ex.probe_collections(), afterFirst + 1, "proxy_on_configure ends with a collection");
  const run = (n: number) => {
    for (let i = 0; i < n; i++) h.exchange(r.id, [["x-probe", "echo"], ["x-value", "v".repeat(i % 300)]]);
  };
  run(1000);
  const pages = h.pages;
  const c0 = h.ex.probe_collections();
  // 2,000 exchanges of 6 callbacks each, each exchange allocating a few hundred bytes
  run(2000);
  const collections = h.ex.probe_collections() - c0;
  assert.ok(collections >= 1, "the garbage of 2,000 requests was collected");
  assert.ok(collections <= 100, `${collections} collections for 2,000 small requests: one per 20 requests at most`);
  assert.equal(h.pages, pages, "linear memory did not grow");
});
