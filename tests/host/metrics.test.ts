// Metrics (host-facts.md §4.5; Envoy wasm context.cc define/increment/record/getMetric).
import assert from "node:assert/strict";
import { test } from "node:test";
import { load, messages, probe, result } from "./helpers.js";

test("define/increment/record/get with Envoy's ids and statuses", async () => {
  const host = await load("metrics");
  assert.equal(host.configure(""), true);
  const m = messages(host);
  for (const line of [
    "define 0 fixture.requests -> 0 4", // counter ids: 4, 8, … (type in the low 2 bits)
    "define 0 fixture.requests -> 0 8", // a redefinition gets a new id bound to the same stat
    "define 1 fixture.gauge -> 0 5",
    "define 2 fixture.hist -> 0 6",
    "define 3 fixture.bad -> 2 0", // unknown type → BAD_ARGUMENT
    "inc counter 0 -> 2", // counter delta ≤ 0 → BAD_ARGUMENT
    "inc counter -1 -> 2",
    "inc counter 2 -> 0",
    "inc again 3 -> 0",
    "inc gauge 5 -> 0",
    "inc gauge -2 -> 0", // gauges go both ways
    "inc hist 1 -> 2", // histograms cannot be incremented
    "inc unknown 1 -> 1", // NOT_FOUND
    "record hist 7 -> 0",
    "get counter -> 0 5", // both ids count into one stat
    "get gauge -> 0 3",
    "get hist -> 2 0",
  ]) assert.ok(m.includes(line), `missing "${line}" in\n${m.join("\n")}`);
});

test("names as Envoy 1.40's /stats shows them (wasmcustom.<name>), looked up by either name; requests count", async () => {
  const host = await load("metrics");
  host.configure("");
  assert.equal(host.metric("fixture.requests"), 5);
  assert.equal(host.metric("wasmcustom.fixture.requests"), 5);
  host.simulate({ method: "GET", headers: { host: "h" } }, null);
  assert.equal(host.metric("fixture.requests"), 6);
  assert.equal(host.metric("fixture.gauge"), 3);
  assert.equal(host.metric("fixture.hist"), 1); // histogram: number of samples
  assert.deepEqual(host.metrics().map((s) => s.name).sort(), ["wasmcustom.fixture.gauge", "wasmcustom.fixture.hist", "wasmcustom.fixture.requests"]);
});

test("Kong shows metrics as pw.<plugin>.<name>; APISIX accepts and ignores them", async () => {
  const kong = await load("probe", { profile: "kong", pluginName: "cors" });
  kong.configure("configure metric 0 cors.hits\nconfigure inc cors.hits 2");
  assert.equal(kong.metric("pw.cors.cors.hits"), 2);
  const apisix = await load("probe", { profile: "apisix" });
  apisix.configure("configure metric 0 cors.hits\nconfigure inc cors.hits 2");
  assert.equal(result(apisix, "configure metric 0 cors.hits"), "0 untouched");
  assert.equal(result(apisix, "configure inc cors.hits 2"), "0");
  assert.equal(apisix.metric("cors.hits"), undefined);
});

test("the probe's portable metric calls on Envoy", async () => {
  const host = await probe("configure metric 0 cors.not_cors\nrequest inc cors.not_cors 1");
  host.simulate({ method: "GET", headers: { host: "h" } }, null);
  host.simulate({ method: "GET", headers: { host: "h" } }, null);
  assert.equal(host.metric("cors.not_cors"), 2);
});
