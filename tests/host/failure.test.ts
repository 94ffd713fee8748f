// A trap fails the VM; failure policy (host-facts.md §4.3).
import assert from "node:assert/strict";
import { test } from "node:test";
import { envoyLogText } from "../../src/proxy/filter.js";
import { load, probe, result } from "./helpers.js";

const GET = { method: "GET", headers: { host: "h" } };
const TRAP = { method: "GET", headers: { host: "h", "x-trap": "1" } };

test("FAIL_CLOSED: the trapping request and every later one get a local 503 (details wasm_fail_stream)", async () => {
  const host = await probe("request trapif x-trap\nrequest add req x-probe 1");
  const ok = host.simulate(GET, null);
  assert.equal(ok.reachesUpstream, true);
  assert.equal(host.failed, false);
  const trapped = host.simulate(TRAP, null);
  assert.equal(host.failed, true);
  assert.match(host.failure!, /^Function: proxy_on_request_headers failed: Uncaught RuntimeError: unreachable/);
  assert.deepEqual([trapped.reachesUpstream, trapped.status, trapped.localReply?.details], [false, 503, "wasm_fail_stream"]);
  const later = host.simulate(GET, null);
  assert.deepEqual([later.reachesUpstream, later.status, later.body, later.localReply?.details], [false, 503, "", "wasm_fail_stream"]);
  assert.equal(later.localReply?.grpcStatus, 14);
  assert.ok(!later.logs.some((l) => l.message.startsWith("cb ")), "a failed VM is not called");
});

test("FAIL_OPEN: the trapping request still gets the 503; after it requests pass untouched", async () => {
  const host = await probe("request trapif x-trap\nrequest add req x-probe 1", { failurePolicy: "FAIL_OPEN" });
  const trapped = host.simulate(TRAP, { status: 201 });
  assert.deepEqual([trapped.reachesUpstream, trapped.status, trapped.localReply?.details], [false, 503, "wasm_fail_stream"]);
  const later = host.simulate(GET, { status: 200, headers: { a: "b" } });
  assert.equal(later.reachesUpstream, true);
  assert.ok(!later.upstreamRequest!.some(([n]) => n === "x-probe"), "the filter no longer runs");
  assert.deepEqual(later.headers, [["a", "b"]]);
});

test("a trap in the response phase replaces the response with the 503 (fail closed)", async () => {
  const host = await probe("response trap");
  const r = host.simulate(GET, { status: 200 });
  assert.deepEqual([r.reachesUpstream, r.status, r.localReply?.details], [true, 503, "wasm_fail_stream"]);
});

test("a trap in the local reply's response callback: fail closed → 503", async () => {
  const host = await probe("request local 200 ok -\nresponse trap");
  const r = host.simulate(GET, null);
  assert.deepEqual([r.status, r.localReply?.details], [503, "wasm_fail_stream"]);
});

test("envoy: wasi proc_exit returns and the module runs on; Kong: it ends the VM like a trap", async () => {
  const host = await probe("request exit\nrequest add req x-after 1");
  const r = host.simulate(GET, null);
  assert.equal(host.failed, false);
  assert.deepEqual([r.reachesUpstream, r.status], [true, 200]);
  assert.ok(r.upstreamRequest!.some(([n]) => n === "x-after"), "the callback went on after proc_exit");
  const kong = await load("probe", { profile: "kong" });
  kong.configure("request exit");
  kong.simulate(GET, null);
  assert.equal(kong.failed, true);
  assert.match(kong.failure!, /proc_exit\(3\)/);
});

test("a trap in proxy_on_configure rejects the configuration and fails the VM; later configures fail", async () => {
  const host = await load("probe");
  assert.equal(host.configure("configure trap"), false);
  assert.equal(host.failed, true);
  assert.equal(host.configure(""), false);
});

test("logs are captured with their levels, and passed to the logger", async () => {
  const seen: Array<[number, string]> = [];
  const host = await probe("configure log 4 oops\nconfigure log 1 dbg", { logger: (l, m) => seen.push([l, m]) });
  assert.ok(host.logs.some((l) => l.level === 4 && l.message === "oops"));
  assert.ok(host.logs.some((l) => l.level === 1 && l.message === "dbg"));
  assert.ok(seen.some(([l, m]) => l === 4 && m === "oops"));
});

test("proxy_log with a level above critical (or negative) → BAD_ARGUMENT, the line dropped", async () => {
  const host = await probe("configure logstatus 5 crit\nconfigure logstatus 6 off\nconfigure logstatus 9 nine\nconfigure logstatus -1 neg");
  assert.equal(host.failed, false);
  assert.equal(result(host, "configure logstatus 5 crit"), "0");
  for (const [op, level] of [["6 off", 6], ["9 nine", 9], ["-1 neg", -1]] as const) {
    assert.equal(result(host, `configure logstatus ${op}`), "2", op);
    assert.ok(!host.logs.some((l) => l.message === op.split(" ")[1]), `${level}: the line is dropped`);
  }
  assert.ok(host.logs.some((l) => l.level === 5 && l.message === "crit"));
});

test("a module's log lines carry Envoy's prefix: plugin name, root id and vm id of a stream; root id and vm id of a root", async () => {
  const seen: string[] = [];
  const host = await probe("configure log 2 from-root\nrequest log 2 from-stream", {
    pluginName: "p", rootId: "r", vmId: "v", logger: (_l, m, prefix) => seen.push(envoyLogText(m, prefix ?? "")),
  });
  host.simulate(GET, null);
  assert.ok(seen.includes("wasm log r v: from-root"), seen.join("\n"));
  assert.ok(seen.includes("wasm log p r v: from-stream"), seen.join("\n"));
  const bare = await probe("request log 2 x", { pluginName: "cors", vmId: "" });
  bare.simulate(GET, null);
  assert.equal(bare.logs.find((l) => l.message === "x")?.prefix, "cors");
});
