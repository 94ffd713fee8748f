// The collector of the minimal runtime (assembly/abi/collect.ts, docs/abi.md "Runtime choice"): it runs only at the
// end of an outermost callback, after every configuration, and otherwise only when the heap runs out of room.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildProbe, exchange, exportsOf, header, load, pages } from "./modules.js";
import { lcg32 } from "../cases/prng.js";

const probe = buildProbe("probe");

/** A Latin-1 value of `len` characters from a seeded generator. */
function valueOf(len: number, rnd: () => number): string {
  let v = "";
  for (let j = 0; j < len; j += 64) v += String.fromCharCode(32 + (rnd() % 224)).repeat(Math.min(64, len - j));
  return v;
}

test("a response callback the host runs inside proxy_send_local_response collects nothing the outer one still uses", async () => {
  const h = await load(probe, { nestedLocalReply: true });
  assert.equal(h.configure(""), true);
  const ex = exportsOf(h);
  const before = ex.probe_collections();
  const next = lcg32(7);
  const rnd = () => next() >>> 8;
  for (let i = 0; i < 1500; i++) {
    const v = valueOf(1 + (rnd() % 20000), rnd);
    const { req } = exchange(h.plugin, [["x-probe", "local"], ["x-value", v], ["x-pad", "p".repeat(rnd() % 5000)]]);
    assert.equal(req.kind, "local", `request ${i}`);
    if (req.kind !== "local") continue;
    assert.deepEqual(header(req.headers, "x-echo"), [v], `request ${i}: the nested response callback saw the reply`);
    assert.deepEqual(header(req.headers, "x-two"), ["2"], `request ${i}`);
    // probe.ts logs the value after sendLocalResponse returned: a collection inside the nested callback would have
    // freed it, and the log line would show whatever was allocated there since
    assert.equal(h.logs.at(-1)?.message, "local:" + v, `request ${i}: the value outlived the nested callback`);
  }
  assert.ok(ex.probe_collections() - before >= 20, `${ex.probe_collections() - before} collections: the run must make the heap collect`);
  assert.equal(ex.probe_pending(), 0);
});

test("a configuration is followed by a collection; small requests do not collect at every callback", async () => {
  const h = await load(probe);
  const ex = exportsOf(h);
  assert.equal(h.configure(""), true);
  const afterFirst = ex.probe_collections();
  assert.ok(afterFirst >= 1);
  // the probe's root keeps its configuration: a second configure of the same root, as Envoy's update does
  assert.equal(h.configure(JSON.stringify({ allow_origins: Array.from({ length: 500 }, (_, i) => `https://o${i}.example`) })), true);
  assert.equal(ex.probe_collections(), afterFirst + 1, "proxy_on_configure ends with a collection");
  const run = (n: number) => {
    for (let i = 0; i < n; i++) exchange(h.plugin, [["x-probe", "echo"], ["x-value", "v".repeat(i % 300)]]);
  };
  run(1000);
  const before = pages(h);
  const c0 = ex.probe_collections();
  // 2,000 exchanges of 6 callbacks each, each exchange allocating a few hundred bytes
  run(2000);
  const collections = ex.probe_collections() - c0;
  assert.ok(collections >= 1, "the garbage of 2,000 requests was collected");
  assert.ok(collections <= 100, `${collections} collections for 2,000 small requests: one per 20 requests at most`);
  assert.equal(pages(h), before, "linear memory did not grow");
});
