// Every non-Ok status (and allocate-then-fail, oversized and wild returns) from every host function is
// tolerated: no trap, no host-allocated block stays pinned, and a filter grants nothing it would not grant
// with a working host (behaviour.md §6: a trap takes the filter down for every request; §3: a grant only to an
// allowed origin). Faults come from src/host's fault injection (docs/host.md, "Fault injection").
import { test, before } from "node:test";
import assert from "node:assert/strict";
import type { HostFault } from "../../src/host/index.js";
import { buildProbe, exchange, exportsOf, header, IMPORT_NAMES, load, logsOf, modules, NON_OK_STATUSES } from "../abi/modules.js";

let probe: Uint8Array;
let both: Array<{ name: string; wasm: Uint8Array }>;
before(() => { probe = buildProbe("probe"); both = modules(); });

const MODES: Array<HostFault["mode"]> = ["plain", "malloc"];
const RETURNING = ["proxy_get_buffer_bytes", "proxy_get_header_map_value", "proxy_get_header_map_pairs", "proxy_get_property"];

function faultsFor(name: string): HostFault[] {
  const out: HostFault[] = [];
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
      const h = await load(probe, { properties: { "xds.route_name": "r" } });
      const ex = exportsOf(h);
      const what = `${name} ${JSON.stringify(fault)}`;
      h.faults.set(name, fault);
      h.configure('{"a":1}');
      ex.probe_set_mode(1);
      for (let i = 0; i < 3; i++) exchange(h.plugin, [["origin", "https://a.example"], [":method", "GET"]]);
      ex.probe_set_mode(0);
      exchange(h.plugin, [["x-probe", "pairs"]]);
      exchange(h.plugin, [["x-probe", "prop"], ["x-path", "xds.route_name"]]);
      exchange(h.plugin, [["x-probe", "local"], ["x-value", "v"]]);
      assert.equal(h.plugin.done(), true, what);
      h.plugin.delete();
      assert.equal(h.failed, false, `${what}: ${h.failure}`);
      assert.equal(ex.probe_pending(), 0, `${what}: a host block stayed pinned`);
      assert.equal(ex.probe_streams(), 0, what);
      runs++;
    }
  }
  assert.ok(runs > 200);
});

test("probe: the helpers report the failures (null / status), not garbage", async () => {
  const h = await load(probe, { properties: { "xds.route_name": "r" } });
  const ex = exportsOf(h);
  h.configure("0123456789");
  ex.probe_set_mode(1);
  exchange(h.plugin, [["origin", "o"]]);
  for (const name of IMPORT_NAMES) h.faults.set(name, { status: 10, mode: "malloc" });
  exchange(h.plugin, [["origin", "o"]]);
  const all = logsOf(h, "all:");
  // origin, pairs, add, replace, remove, property, buffer (no config outside configure), local reply
  assert.equal(all[0], "all:ok,1,0,0,0,r,null,0");
  assert.equal(all[1], "all:null,null,10,10,10,null,null,10");
  h.faults.clear();
  h.faults.set("proxy_get_header_map_value", { status: 0, mode: "wild" });
  h.faults.set("proxy_get_property", { status: 0, mode: "oversize" });
  exchange(h.plugin, [["origin", "o"]]);
  assert.equal(logsOf(h, "all:").at(-1), "all:null,1,0,0,0,null,null,0");
  assert.equal(h.failed, false, h.failure ?? "");
});

test("the filters (cors.wasm, skeleton): no trap, and no grant beyond the configuration, whatever a host function answers", async () => {
  const ALLOWED = "https://a.example";
  const requests: Array<Array<[string, string]>> = [
    [[":method", "GET"], ["origin", ALLOWED]],
    [[":method", "OPTIONS"], ["origin", ALLOWED], ["access-control-request-method", "PUT"]],
    [[":method", "OPTIONS"], ["origin", "https://x.example"], ["access-control-request-method", "PUT"]],
    [[":method", "GET"], ["origin", "https://x.example"]],
    [[":method", "GET"]],
  ];
  for (const { name: module, wasm } of both) for (const name of IMPORT_NAMES) {
    for (const fault of faultsFor(name)) {
      const what = `${module}, ${name} ${JSON.stringify(fault)}`;
      const h = await load(wasm);
      h.faults.set(name, fault);
      const accepted = h.configure(JSON.stringify({ allow_origins: [ALLOWED] }));
      for (const req of requests) {
        const { req: out, resp } = exchange(h.plugin, req);
        const origin = req.find(([k]) => k === "origin")?.[1];
        // a grant names the request's origin, and only an allowed one: never *, never another origin. A refused
        // configuration (Envoy would not run the plugin at all): cors.wasm grants nothing (fail closed); the
        // skeleton is not held to that (it keeps its allow-any default).
        const acao = header(resp, "access-control-allow-origin");
        if (!accepted && module === "cors.wasm") assert.deepEqual(acao, [], `${what}: a grant after a refused configuration`);
        if (!accepted && module !== "cors.wasm") continue;
        assert.ok(acao.length === 0 || (origin === ALLOWED && acao.length === 1 && acao[0] === ALLOWED), `${what}: ACAO ${acao} for ${origin}`);
        if (origin !== ALLOWED) {
          for (const [k] of resp) assert.ok(!k.startsWith("access-control-allow-"), `${what}: ${k} for ${origin}`);
          // a disallowed preflight is never answered as an allowed one
          if (out.kind === "local") assert.notEqual(out.details, "cors_preflight", what);
        }
        for (const [k, v] of resp) assert.doesNotMatch(k + v, /[\r\n\0]/, `${what}: ${k}`);
      }
      assert.equal(h.plugin.done(), true, what);
      h.plugin.delete();
      assert.equal(h.failed, false, `${what}: ${h.failure}`);
      assert.equal(h.contextCount, 0, `${what}: every context is gone`);
    }
  }
});
