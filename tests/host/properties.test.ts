// proxy_get_property (host-facts.md §4.4, §3.1, §3.2).
import assert from "node:assert/strict";
import { test } from "node:test";
import { load, probe, result } from "./helpers.js";

const REQ: Array<[string, string]> = [[":authority", "api.example.com"], [":path", "/a/b?q=1"], [":method", "GET"], [":scheme", "https"]];
const PROPS = [
  "xds/route_name", "xds/cluster_name", "plugin_name", "plugin_root_id", "plugin_vm_id", "route_name", "cluster_name",
  "xds/nothing", "nothing", "request/path", "request/url_path", "request/host", "request/method", "request/scheme",
];
const SCRIPT = PROPS.map((p) => `request prop ${p}`).join("\n");

test("envoy: xds.route_name, xds.cluster_name, plugin_name, plugin_root_id, plugin_vm_id, request.*; missing → NOT_FOUND; no top-level route_name", async () => {
  const host = await probe(SCRIPT, {
    pluginName: "cors", rootId: "cors_root", vmId: "vm1",
    properties: { "xds.route_name": "default/foo", cluster_name: "outbound|80||svc" },
  });
  host.newStream().requestHeaders(REQ);
  const got = Object.fromEntries(PROPS.map((p) => [p, result(host, `request prop ${p}`)]));
  assert.deepEqual(got, {
    "xds/route_name": "0 default/foo",
    "xds/cluster_name": "0 outbound|80||svc",
    plugin_name: "0 cors",
    plugin_root_id: "0 cors_root",
    plugin_vm_id: "0 vm1",
    route_name: "1 ", // upstream Envoy ≥1.33 removed the top-level names
    cluster_name: "1 ",
    "xds/nothing": "1 ",
    nothing: "1 ",
    "request/path": "0 /a/b?q=1",
    "request/url_path": "0 /a/b",
    "request/host": "0 api.example.com",
    "request/method": "0 GET",
    "request/scheme": "0 https",
  });
});

test("legacyProperties (Higress fork): top-level route_name / cluster_name are served too", async () => {
  const host = await probe("request prop route_name\nrequest prop cluster_name", {
    legacyProperties: true, properties: { route_name: "r1" },
  });
  host.newStream().requestHeaders(REQ);
  assert.equal(result(host, "request prop route_name"), "0 r1");
  assert.equal(result(host, "request prop cluster_name"), "1 ");
});

test("values are settable per stream and override the VM-wide ones", async () => {
  const host = await probe("request prop xds/route_name", { properties: { "xds.route_name": "vm" } });
  host.newStream({ properties: { route_name: "stream" } }).requestHeaders(REQ);
  host.newStream().requestHeaders(REQ);
  assert.deepEqual(
    host.logs.filter((l) => l.message.startsWith("request prop")).map((l) => l.message),
    ["request prop xds/route_name -> 0 stream", "request prop xds/route_name -> 0 vm"],
  );
  const r = host.simulate({ method: "GET", properties: { "xds.route_name": "sim" } }, null);
  assert.ok(r.logs.some((l) => l.message === "request prop xds/route_name -> 0 sim"));
});

test("Kong: plugin_name / plugin_root_id work, xds.* and route_name are not supported (§3.1)", async () => {
  const host = await load("probe", { profile: "kong", pluginName: "cors", rootId: "r", properties: { route_name: "x" } });
  host.configure("request prop plugin_name\nrequest prop xds/route_name\nrequest prop route_name");
  host.newStream().requestHeaders(REQ);
  assert.equal(result(host, "request prop plugin_name"), "0 cors");
  assert.equal(result(host, "request prop xds/route_name"), "1 ");
  assert.equal(result(host, "request prop route_name"), "1 ");
});

test("APISIX: plugin_root_id returns the plugin name; other paths are nginx variables (§3.2)", async () => {
  const host = await load("probe", { profile: "apisix", pluginName: "cors", rootId: "ignored", properties: { host: "h.example" } });
  host.configure("request prop plugin_root_id\nrequest prop HOST\nrequest prop request/host");
  host.newStream().requestHeaders(REQ);
  assert.equal(result(host, "request prop plugin_root_id"), "0 cors");
  assert.equal(result(host, "request prop HOST"), "0 h.example");
  assert.equal(result(host, "request prop request/host"), "1 ");
});
