// Every non-Ok status (and allocate-then-fail, oversized and wild returns) from every host function
// is tolerated: no trap, and no host-allocated block stays pinned.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { MiniHost, buildProbe, modules, IMPORT_NAMES, NON_OK_STATUSES, Fault } from "./harness.js";

let probe: Uint8Array;
let both: Array<{ name: string; wasm: Uint8Array }>;
before(() => { probe = buildProbe("probe"); both = modules(); });

const MODES: Array<Fault["mode"]> = ["plain", "malloc"];
const RETURNING = ["proxy_get_buffer_bytes", "proxy_get_header_map_value", "proxy_get_header_map_pairs", "proxy_get_property"];

function faultsFor(name: string): Fault[] {
  const out: Fault[] = [];
  for (const status of NON_OK_STATUSES) for (const mode of MODES) out.push({ status, mode });
  if (RETURNING.includes(name) || name === "proxy_define_metric") {
    out.push({ status: 0, mode: "oversize" }, { status: 0, mode: "wild" });
  }
  return out;
}

test("probe: every helper survives every non-Ok status of every host function", async () => {
  let runs = 0;
  for (const name of IMPORT_NAMES) {
    for (const fault of faultsFor(name)) {
      const h = await MiniHost.load(probe);
      h.setProperty(["xds", "route_name"], "r");
      h.faults.set(name, fault);
      const r = h.createRoot('{"a":1}');
      h.ex.probe_set_mode(1);
      for (let i = 0; i < 3; i++) h.exchange(r.id, [["origin", "https://a.example"], [":method", "GET"]]);
      h.ex.probe_set_mode(0);
      h.exchange(r.id, [["x-probe", "pairs"]]);
      h.exchange(r.id, [["x-probe", "prop"], ["x-path", "xds.route_name"]]);
      h.exchange(r.id, [["x-probe", "local"], ["x-value", "v"]]);
      assert.equal(h.ex.proxy_on_done(r.id), 1);
      h.ex.proxy_on_delete(r.id);
      assert.equal(h.ex.probe_pending(), 0, `${name} ${JSON.stringify(fault)}: a host block stayed pinned`);
      assert.equal(h.ex.probe_streams(), 0);
      runs++;
    }
  }
  assert.ok(runs > 200);
});

test("probe: the helpers report the failures (null / status), not garbage", async () => {
  const h = await MiniHost.load(probe);
  h.setProperty(["xds", "route_name"], "r");
  const r = h.createRoot("0123456789");
  h.ex.probe_set_mode(1);
  h.exchange(r.id, [["origin", "o"]]);
  for (const name of IMPORT_NAMES) h.faults.set(name, { status: 10, mode: "malloc" });
  h.exchange(r.id, [["origin", "o"]]);
  const all = h.logs.filter((l) => l.message.startsWith("all:")).map((l) => l.message);
  // origin, pairs, add, replace, remove, property, buffer (no config outside configure), local reply
  assert.equal(all[0], "all:ok,1,0,0,0,r,null,0");
  assert.equal(all[1], "all:null,null,10,10,10,null,null,10");
  h.faults.clear();
  h.faults.set("proxy_get_header_map_value", { status: 0, mode: "wild" });
  h.faults.set("proxy_get_property", { status: 0, mode: "oversize" });
  h.exchange(r.id, [["origin", "o"]]);
  assert.equal(h.logs.filter((l) => l.message.startsWith("all:")).at(-1)!.message, "all:null,1,0,0,0,null,null,0");
});

test("the filters (cors.wasm, skeleton): no trap whatever a host function answers", async () => {
  const requests: Array<Array<[string, string]>> = [
    [[":method", "GET"], ["origin", "https://a.example"]],
    [[":method", "OPTIONS"], ["origin", "https://a.example"], ["access-control-request-method", "PUT"]],
    [[":method", "OPTIONS"], ["origin", "https://x.example"], ["access-control-request-method", "PUT"]],
    [[":method", "GET"]],
  ];
  for (const { wasm } of both) for (const name of IMPORT_NAMES) {
    for (const fault of faultsFor(name)) {
      const h = await MiniHost.load(wasm);
      h.faults.set(name, fault);
      const r = h.createRoot('{"allow_origins":["https://a.example"]}');
      for (const req of requests) h.exchange(r.id, req);
      h.ex.proxy_on_done(r.id);
      h.ex.proxy_on_delete(r.id);
    }
  }
});
