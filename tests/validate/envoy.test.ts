// examples/envoy.yaml against Envoy's own API (go-control-plane): protojson into bootstrap.v3.Bootstrap,
// DiscardUnknown=false, every Any resolved and validated (ValidateAll) recursively. Broken copies prove that
// an unknown field, a wrong type URL, a violated constraint and a missing required field each fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { buildGoTool, readRepoFile, run, tempDir } from "./_util.js";

const HCM = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const WASM = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";

type Obj = Record<string, any>;

function hcmOf(doc: Obj): Obj {
  for (const l of doc.static_resources?.listeners ?? [])
    for (const fc of l.filter_chains ?? [])
      for (const f of fc.filters ?? []) if (f.typed_config?.["@type"] === HCM) return f.typed_config;
  throw new Error("no http_connection_manager in static_resources.listeners");
}
function wasmOf(doc: Obj): Obj {
  const f = (hcmOf(doc).http_filters ?? []).find((h: Obj) => h.typed_config?.["@type"] === WASM);
  if (!f) throw new Error("no envoy.filters.http.wasm filter in the HttpConnectionManager");
  return f.typed_config;
}

interface Breakage { name: string; mutate: (d: Obj) => void; expect: RegExp }
const BREAKAGES: Breakage[] = [
  { name: "unknown top-level field", mutate: (d) => { d.static_resources.listeners[0].bogus_field = 1; }, expect: /unknown field "bogus_field"/ },
  { name: "unknown field inside the wasm typed_config (nested Any)", mutate: (d) => { wasmOf(d).config.vm_config.bogus_vm_option = true; }, expect: /unknown field "bogus_vm_option"/ },
  { name: "misspelled @type of the wasm filter", mutate: (d) => { wasmOf(d)["@type"] = WASM + "Filter"; }, expect: /unable to resolve/ },
  { name: "@type of a message that does not exist (configuration)", mutate: (d) => { wasmOf(d).config.configuration["@type"] = "type.googleapis.com/google.protobuf.StringValu"; }, expect: /unable to resolve/ },
  { name: "port_value 70000", mutate: (d) => { d.static_resources.listeners[0].address.socket_address.port_value = 70000; }, expect: /PortValue: value must be less than or equal to 65535/ },
  { name: "port_value of the wrong JSON type", mutate: (d) => { d.static_resources.listeners[0].address.socket_address.port_value = "ten thousand"; }, expect: /port_value|invalid value/ },
  { name: "missing required stat_prefix (validated inside the HCM Any)", mutate: (d) => { delete hcmOf(d).stat_prefix; }, expect: /StatPrefix: value length must be at least 1/ },
  { name: "missing required cluster name", mutate: (d) => { delete d.static_resources.clusters[0].name; }, expect: /Name: value length must be at least 1|unknown cluster/ },
  { name: "bad failure_policy enum value", mutate: (d) => { wasmOf(d).config.failure_policy = "FAIL_SOMETIMES"; }, expect: /invalid value for enum|FAIL_SOMETIMES/ },
  { name: "route to an undefined cluster", mutate: (d) => { hcmOf(d).route_config.virtual_hosts[0].routes[0].route.cluster = "nope"; }, expect: /unknown cluster "nope"/ },
  { name: "router not last", mutate: (d) => { hcmOf(d).http_filters.reverse(); }, expect: /router/ },
];

function checkFile(tool: string, label: string, text: string): void {
  const dir = tempDir("envoy");
  const good = join(dir, "good.yaml");
  writeFileSync(good, text);
  const ok = run(tool, [good]);
  assert.equal(ok.status, 0, `${label} should be valid:\n${ok.stderr}`);
  assert.match(ok.stdout, /envoy\.extensions\.filters\.http\.wasm\.v3\.Wasm x1/, "the wasm filter's typed_config was unpacked and validated");
  assert.match(ok.stdout, /google\.protobuf\.StringValue/, "the plugin configuration is a StringValue");
  for (const b of BREAKAGES) {
    const doc = yaml.load(text) as Obj;
    b.mutate(doc);
    const f = join(dir, b.name.replace(/[^a-z0-9]+/gi, "_") + ".yaml");
    writeFileSync(f, yaml.dump(doc, { lineWidth: -1, noRefs: true }));
    const r = run(tool, [f]);
    assert.notEqual(r.status, 0, `${label} broken (${b.name}) must be rejected, validator said:\n${r.stdout}`);
    assert.match(r.stderr, b.expect, `${label} broken (${b.name}): unexpected error:\n${r.stderr}`);
  }
}

test("validate-envoy builds (go-control-plane pinned in tools/validate/envoy/go.mod)", () => {
  const tool = buildGoTool("envoy");
  const v = run(tool, ["-version"]);
  assert.equal(v.status, 0);
  assert.match(v.stdout, /github\.com\/envoyproxy\/go-control-plane\/envoy v1\.\d+\.\d+/);
});

test("reference config (tests/validate/fixtures/envoy-base.yaml) is valid and every breakage is caught", () => {
  checkFile(buildGoTool("envoy"), "envoy-base.yaml", readRepoFile("tests/validate/fixtures/envoy-base.yaml"));
});

test("examples/envoy.yaml is a valid Envoy v3 bootstrap, and broken copies of it are rejected", () => {
  checkFile(buildGoTool("envoy"), "examples/envoy.yaml", readRepoFile("examples/envoy.yaml"));
});

test("validate-envoy rejects a file that is not YAML and a YAML that is not a Bootstrap", () => {
  const tool = buildGoTool("envoy");
  const dir = tempDir("envoy-junk");
  const a = join(dir, "a.yaml"); writeFileSync(a, "static_resources: [\n");
  const b = join(dir, "b.yaml"); writeFileSync(b, "- just\n- a list\n");
  assert.notEqual(run(tool, [a]).status, 0);
  assert.notEqual(run(tool, [b]).status, 0);
});
