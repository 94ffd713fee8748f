// Kubernetes manifests against the platforms' own CRD schemas (Higress, Istio, Envoy Gateway modules, pinned
// in tools/validate/k8s/crds.json, fetched through the Go module proxy) with kube-apiserver's own validation
// code (k8s.io/apiextensions-apiserver: pruning = unknown fields, OpenAPI, list types, CEL), and Ingress by
// strict decoding into k8s.io/api. Broken copies prove unknown fields and violated constraints fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import yaml from "js-yaml";
import { ROOT, buildGoTool, readRepoFile, run, tempDir } from "./_util.js";

type Obj = Record<string, any>;

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out.sort();
}

/** One breakage per kind: mutate a document, expect the validator to name the problem. */
interface Breakage { name: string; applies: (d: Obj) => boolean; mutate: (d: Obj) => void; expect: RegExp }
const is = (apiVersion: string, kind: string) => (d: Obj) => d?.apiVersion === apiVersion && d?.kind === kind;
const BREAKAGES: Breakage[] = [
  { name: "unknown field in spec", applies: (d) => d?.spec !== undefined, mutate: (d) => { d.spec.bogusField = 1; }, expect: /spec\.bogusField: unknown field "bogusField"|unknown field "spec\.bogusField"/ },
  { name: "unknown field in metadata", applies: () => true, mutate: (d) => { d.metadata.labelz = { a: "b" }; }, expect: /labelz/ },
  { name: "name that is not a DNS subdomain", applies: () => true, mutate: (d) => { d.metadata.name = "Not_Valid"; }, expect: /metadata\.name/ },
  { name: "apiVersion of a version that does not exist", applies: () => true, mutate: (d) => { d.apiVersion = d.apiVersion.replace(/\/v[^/]*$/, "/v9"); }, expect: /no schema for/ },
  // Higress WasmPlugin
  { name: "Higress: unknown field in a matchRule", applies: (d) => is("extensions.higress.io/v1alpha1", "WasmPlugin")(d) && (d.spec.matchRules?.length ?? 0) > 0, mutate: (d) => { d.spec.matchRules[0].ingresses = ["x"]; }, expect: /spec\.matchRules\[0\]\.ingresses: unknown field/ },
  { name: "Higress: phase not in the enum", applies: is("extensions.higress.io/v1alpha1", "WasmPlugin"), mutate: (d) => { d.spec.phase = "AUTHX"; }, expect: /spec\.phase: Unsupported value: "AUTHX"/ },
  { name: "Higress: priority of the wrong type", applies: is("extensions.higress.io/v1alpha1", "WasmPlugin"), mutate: (d) => { d.spec.priority = "high"; }, expect: /spec\.priority: Invalid value: "string"/ },
  { name: "Higress: ingress list of the wrong type", applies: (d) => is("extensions.higress.io/v1alpha1", "WasmPlugin")(d) && (d.spec.matchRules?.length ?? 0) > 0, mutate: (d) => { d.spec.matchRules[0].ingress = "default/foo"; }, expect: /spec\.matchRules\[0\]\.ingress: Invalid value: "string"/ },
  { name: "Higress McpBridge: misspelled registry field", applies: is("networking.higress.io/v1", "McpBridge"), mutate: (d) => { d.spec.registries[0].domian = "x"; }, expect: /spec\.registries\[0\]\.domian: unknown field/ },
  // Istio WasmPlugin
  { name: "Istio: url missing", applies: is("extensions.istio.io/v1alpha1", "WasmPlugin"), mutate: (d) => { delete d.spec.url; }, expect: /spec\.url: Required value/ },
  { name: "Istio: failStrategy not in the enum", applies: is("extensions.istio.io/v1alpha1", "WasmPlugin"), mutate: (d) => { d.spec.failStrategy = "FAIL_CLOSED"; }, expect: /spec\.failStrategy: Unsupported value/ },
  { name: "Istio: Higress-only field (defaultConfig)", applies: is("extensions.istio.io/v1alpha1", "WasmPlugin"), mutate: (d) => { d.spec.defaultConfig = { allow_origins: ["*"] }; }, expect: /spec\.defaultConfig: unknown field/ },
  // Envoy Gateway EnvoyExtensionPolicy
  { name: "EG: code type Image without image (CEL rule)", applies: (d) => is("gateway.envoyproxy.io/v1alpha1", "EnvoyExtensionPolicy")(d) && d.spec.wasm?.length > 0, mutate: (d) => { d.spec.wasm[0].code = { type: "Image" }; }, expect: /If type is Image, image field needs to be set/ },
  { name: "EG: unknown field in a wasm entry", applies: (d) => is("gateway.envoyproxy.io/v1alpha1", "EnvoyExtensionPolicy")(d) && d.spec.wasm?.length > 0, mutate: (d) => { d.spec.wasm[0].failurePolicy = "FAIL_CLOSED"; }, expect: /spec\.wasm\[0\]\.failurePolicy: unknown field/ },
  { name: "EG: no targetRefs", applies: is("gateway.envoyproxy.io/v1alpha1", "EnvoyExtensionPolicy"), mutate: (d) => { delete d.spec.targetRefs; delete d.spec.targetRef; delete d.spec.targetSelectors; }, expect: /targetRef/ },
  // Ingress
  { name: "Ingress: misspelled pathType value", applies: is("networking.k8s.io/v1", "Ingress"), mutate: (d) => { d.spec.rules[0].http.paths[0].pathType = "Prefixx"; }, expect: /pathType: Unsupported value: "Prefixx"/ },
  { name: "Ingress: unknown field in a path", applies: is("networking.k8s.io/v1", "Ingress"), mutate: (d) => { d.spec.rules[0].http.paths[0].backnd = {}; }, expect: /unknown field "spec\.rules\[0\]\.http\.paths\[0\]\.backnd"/ },
];

/** Free-form plugin configuration (x-kubernetes-preserve-unknown-fields) must stay free-form. */
function addUnknownPluginKey(d: Obj): boolean {
  const s = d?.spec;
  if (!s) return false;
  if (s.defaultConfig) { s.defaultConfig.some_future_key = { nested: [1, 2] }; return true; }
  if (s.pluginConfig) { s.pluginConfig.some_future_key = { nested: [1, 2] }; return true; }
  if (s.wasm?.[0]?.config) { s.wasm[0].config.some_future_key = { nested: [1, 2] }; return true; }
  return false;
}

/** Splits validate-k8s output into a verdict per file ("ok FILE: ..." / "INVALID FILE: ..." + indented lines). */
function verdicts(out: string): Map<string, { invalid: boolean; text: string }> {
  const m = new Map<string, { invalid: boolean; text: string }>();
  let cur: { invalid: boolean; text: string } | undefined;
  for (const line of out.split("\n")) {
    const hit = /^(ok|INVALID) (.+?\.yaml): /.exec(line);
    if (hit) {
      cur = m.get(hit[2]) ?? { invalid: false, text: "" };
      cur.invalid ||= hit[1] === "INVALID";
      m.set(hit[2], cur);
    }
    if (cur) cur.text += line + "\n";
  }
  return m;
}

const dumpAll = (docs: Obj[]) => docs.map((d) => yaml.dump(d, { lineWidth: -1, noRefs: true })).join("---\n");

interface Case { file: string; what: string; expect: RegExp | null }

/** A manifest as written, an unknown key in its free-form plugin configuration, and one broken copy per breakage. */
function casesOf(label: string, text: string): Case[] {
  const dir = tempDir("k8s");
  const good = join(dir, "good.yaml");
  writeFileSync(good, text);
  const docs = yaml.loadAll(text).filter((d) => d != null) as Obj[];
  assert.ok(docs.length > 0, `${label} has no document`);
  const fresh = () => yaml.loadAll(text).filter((d) => d != null) as Obj[];
  const cases: Case[] = [{ file: good, what: "as written", expect: null }];
  docs.forEach((_, i) => {
    const free = fresh();
    if (addUnknownPluginKey(free[i])) {
      const f = join(dir, `doc${i}-free-plugin-config.yaml`);
      writeFileSync(f, dumpAll(free));
      cases.push({ file: f, what: `doc ${i}: unknown key inside the free-form plugin configuration (must stay valid)`, expect: null });
    }
    for (const b of BREAKAGES) {
      const copy = fresh();
      if (!b.applies(copy[i])) continue;
      b.mutate(copy[i]);
      const f = join(dir, `doc${i}-${b.name.replace(/[^a-z0-9]+/gi, "_")}.yaml`);
      writeFileSync(f, dumpAll(copy));
      cases.push({ file: f, what: `doc ${i} broken (${b.name})`, expect: b.expect });
    }
  });
  return cases;
}

/** Kubernetes objects under examples/k8s (every document has apiVersion and kind), relative to the root. */
function exampleManifests(): string[] {
  const base = join(ROOT, "examples", "k8s");
  assert.ok(existsSync(base), "examples/k8s is missing: the validation cannot run");
  // the cors-config.yaml files beside them are filter configurations, checked by schema.test.ts /
  // plugin-configs.test.ts
  return yamlFiles(base)
    .map((f) => relative(ROOT, f))
    .filter((rel) => {
      const docs = (yaml.loadAll(readRepoFile(rel)) as Obj[]).filter((d) => d != null);
      return docs.length > 0 && docs.every((d) => typeof d === "object" && d.apiVersion && d.kind);
    });
}

const FIXTURES = ["higress", "istio", "envoy-gateway"].map((f) => `tests/validate/fixtures/k8s/${f}.yaml`);

/**
 * Every manifest (fixtures and examples) and its copies in ONE validator run: the CRD sources are loaded once
 * (~2 s a run on the CI machine). Label → its cases and the validator's verdicts.
 */
let validated: Map<string, { cases: Case[]; verdicts: ReturnType<typeof verdicts>; stderr: string }> | null = null;
function validateAll(): NonNullable<typeof validated> {
  if (validated !== null) return validated;
  const tool = buildGoTool("k8s");
  const byLabel = new Map<string, Case[]>();
  for (const rel of [...FIXTURES, ...exampleManifests()]) byLabel.set(rel, casesOf(rel, readRepoFile(rel)));
  const r = run(tool, [...byLabel.values()].flat().map((c) => c.file));
  const v = verdicts(r.stdout + r.stderr);
  validated = new Map([...byLabel].map(([label, cases]) => [label, { cases, verdicts: v, stderr: r.stderr }]));
  return validated;
}

/** The manifest is valid as written (and with an unknown plugin key), and every broken copy is rejected for its reason. */
function checkManifest(label: string): number {
  const entry = validateAll().get(label);
  assert.ok(entry !== undefined, `${label} was not validated`);
  const { cases, verdicts: v, stderr } = entry;
  const problems: string[] = [];
  for (const c of cases) {
    const got = v.get(c.file);
    if (!got) { problems.push(`${label} ${c.what}: no verdict from the validator\n${stderr}`); continue; }
    if (c.expect === null && got.invalid) problems.push(`${label} ${c.what} should be valid:\n${got.text}`);
    if (c.expect !== null && !got.invalid) problems.push(`${label} ${c.what} must be rejected, validator said:\n${got.text}`);
    if (c.expect !== null && got.invalid && !c.expect.test(got.text)) problems.push(`${label} ${c.what}: expected ${c.expect}, got:\n${got.text}`);
  }
  assert.deepEqual(problems, [], problems.join("\n"));
  return cases.filter((c) => c.expect !== null).length;
}

test("validate-k8s builds and resolves every pinned CRD source through the module cache", () => {
  const tool = buildGoTool("k8s");
  const r = run(tool, ["-sources"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^higress: github\.com\/alibaba\/higress@v\S+ .*extensions\.higress\.io\/v1alpha1\/WasmPlugin.*networking\.higress\.io\/v1\/McpBridge/m);
  assert.match(r.stdout, /^istio: istio\.io\/api@v\S+ .*extensions\.istio\.io\/v1alpha1\/WasmPlugin/m);
  assert.match(r.stdout, /^envoy-gateway: github\.com\/envoyproxy\/gateway@v\S+ .*gateway\.envoyproxy\.io\/v1alpha1\/EnvoyExtensionPolicy/m);
});

for (const fixture of FIXTURES) {
  test(`reference manifest ${fixture} is valid and every applicable breakage is caught`, () => {
    const breakages = checkManifest(fixture);
    assert.ok(breakages >= 4, `only ${breakages} breakages applied`);
  });
}

test("examples/k8s/**: every manifest is valid against its platform's schema, and broken copies are rejected", () => {
  const base = join(ROOT, "examples", "k8s");
  const files = exampleManifests();
  for (const platform of ["higress", "istio", "envoy-gateway"]) {
    assert.ok(files.some((f) => relative(base, join(ROOT, f)).startsWith(platform + "/")), `examples/k8s/${platform}/ has no YAML file`);
  }
  const kinds = new Set<string>();
  for (const rel of files) {
    checkManifest(rel);
    for (const d of yaml.loadAll(readRepoFile(rel)) as Obj[]) if (d) kinds.add(`${d.apiVersion} ${d.kind}`);
  }
  for (const k of ["extensions.higress.io/v1alpha1 WasmPlugin", "networking.higress.io/v1 McpBridge", "networking.k8s.io/v1 Ingress",
    "extensions.istio.io/v1alpha1 WasmPlugin", "gateway.envoyproxy.io/v1alpha1 EnvoyExtensionPolicy"]) {
    assert.ok(kinds.has(k), `no ${k} among examples/k8s/** (found: ${[...kinds].join(", ")})`);
  }
});

test("validate-k8s refuses a kind it has no schema for", () => {
  const tool = buildGoTool("k8s");
  const dir = tempDir("k8s-unknown");
  const f = join(dir, "x.yaml");
  writeFileSync(f, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {}\n");
  const r = run(tool, [f]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no schema for example\.com\/v1 Widget/);
});
