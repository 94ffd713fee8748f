// Start functions and restricted host calls during start (host-facts.md §2.3, §3.1, §3.2).
import assert from "node:assert/strict";
import { test } from "node:test";
import { load, loadError, messages } from "./helpers.js";

test("envoy: a host call other than proxy_log / listed WASI during start traps with restricted_callback", async () => {
  const msg = await loadError("start_hostcall");
  assert.equal(msg, "Function: _initialize failed: Uncaught Error: restricted_callback");
  // Kong and APISIX do not restrict start
  await load("start_hostcall", { profile: "kong" });
  await load("start_hostcall", { profile: "apisix" });
});

test("envoy: proxy_log and the listed WASI calls (clock_time_get, fd_write → info log) are allowed during start", async () => {
  const host = await load("start_log");
  const m = messages(host);
  assert.ok(m.includes("start: proxy_log works, clock_time_get=0"), m.join("\n"));
  assert.ok(host.logs.some((l) => l.level === 2 && l.message === "start: stdout line"), m.join("\n"));
});

test("envoy: _initialize then main(0, 0); _start is not called when _initialize exists", async () => {
  const m = messages(await load("start_main"));
  assert.deepEqual(m, ["_initialize", "main 0 0"]);
});

test("envoy: _start is called when there is no _initialize", async () => {
  assert.deepEqual(messages(await load("start_only")), ["top level via _start"]);
});

test("APISIX calls _start when exported (else _initialize); Kong the first of them in export order", async () => {
  assert.deepEqual(messages(await load("start_main", { profile: "apisix" })), ["_start"]);
  assert.deepEqual(messages(await load("start_main", { profile: "kong" })), ["_start"]); // _start precedes _initialize
  assert.deepEqual(messages(await load("start_log", { profile: "apisix" })).length, 2);
});
