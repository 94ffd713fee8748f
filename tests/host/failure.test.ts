// A trap fails the VM; failure policy (host-facts.md §4.3).
import assert from "node:assert/strict";
import { test } from "node:test";
import { load, probe } from "./helpers.js";

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

test("FAIL_OPEN: after a trap requests pass untouched", async () => {
  const host = await probe("request trapif x-trap\nrequest add req x-probe 1", { failurePolicy: "FAIL_OPEN" });
  const trapped = host.simulate(TRAP, { status: 201 });
  assert.deepEqual([trapped.reachesUpstream, trapped.status], [true, 201]);
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

test("wasi proc_exit ends the VM like a trap", async () => {
  const host = await probe("request exit");
  const r = host.simulate(GET, null);
  assert.equal(host.failed, true);
  assert.match(host.failure!, /proc_exit\(3\)/);
  assert.equal(r.status, 503);
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

test("envoy: proxy_log with a level above critical traps (Envoy PANICs)", async () => {
  const host = await load("probe");
  assert.equal(host.configure("configure log 9 boom"), false);
  assert.match(host.failure!, /log level 9/);
});
