// schema/cors-proxy-wasm.schema.json: a valid draft 2020-12 schema usable by editors, covering every key of spec §1,
// and in exact agreement with the filter: on the corpus (tests/validate/corpus/configs.json + every config of
// tests/conformance/cases.json) the schema accepts exactly what proxy_on_configure of build/cors.wasm accepts.
// Entries marked schema_gap are the rules JSON Schema cannot express (docs/validation.md): for those the test
// asserts the documented disagreement, so a gap that closes (or a new one) is noticed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, buildGoTool, run } from "./_util.js";
import { loadCorpus, schemaVerdicts, SCHEMA } from "./_corpus.js";
import { filterVerdict } from "./_filter.js";

type Obj = Record<string, any>;
const schema = JSON.parse(readFileSync(SCHEMA, "utf8")) as Obj;

/** The keys of the configuration table of spec §1. */
function specKeys(): string[] {
  const spec = readFileSync(join(ROOT, "docs", "behaviour.md"), "utf8");
  const section = spec.slice(spec.indexOf("## 1. Configuration"), spec.indexOf("## 2."));
  const keys = [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
  assert.ok(keys.length >= 15, `spec §1 table not found (found ${keys.length} keys)`);
  return keys;
}

test("the schema is a valid JSON Schema draft 2020-12 document (metaschema check by santhosh-tekuri/jsonschema)", () => {
  const tool = buildGoTool("jsonschema");
  const r = run(tool, ["-schema", SCHEMA]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /a valid draft 2020-12 schema/);
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
});

test("every key of spec §1 is described, typed, defaulted and exemplified; _-keys are allowed; unknown keys are not", () => {
  for (const key of specKeys()) {
    const ref = schema.properties[key];
    assert.ok(ref, `spec §1 key ${key} is missing from the schema's properties`);
    const def = ref.$ref ? schema.$defs[ref.$ref.replace("#/$defs/", "")] : ref;
    assert.ok(typeof def.description === "string" && def.description.length > 20, `${key}: description`);
    assert.ok(def.type || def.enum || def.anyOf, `${key}: type`);
    assert.ok(Array.isArray(def.examples) && def.examples.length > 0, `${key}: examples`);
    if (key !== "_rules_") assert.ok("default" in def, `${key}: default`);
  }
  assert.equal(schema.additionalProperties, false);
  assert.ok(schema.patternProperties?.["^_"], "keys beginning with _ are allowed");
  const rule = schema.$defs.rule;
  for (const k of ["_match_route_", "_match_domain_", "_match_service_"]) assert.ok(rule.properties[k], `_rules_ items have ${k}`);
});

test("every pattern of the schema compiles as an ECMAScript regex with the u flag (what editors run)", () => {
  const patterns: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v as Obj)) {
        if (k === "pattern" && typeof x === "string") patterns.push(x);
        else if (k === "patternProperties") Object.keys(x as Obj).forEach((p) => patterns.push(p));
        walk(x);
      }
    }
  };
  walk(schema);
  assert.ok(patterns.length >= 6);
  for (const p of patterns) assert.doesNotThrow(() => new RegExp(p, "u"), `pattern ${p}`);
});

test("the schema's own examples and defaults are valid configurations, for the schema and for the filter", async () => {
  const items: Array<{ id: string; text: string }> = [];
  (schema.examples as unknown[]).forEach((ex, i) => items.push({ id: `examples[${i}]`, text: JSON.stringify(ex) }));
  for (const [key, def] of Object.entries(schema.$defs as Obj)) {
    if (!(key in schema.properties)) continue;
    // allow_credentials: true needs an explicit origin, so each key's example sits beside one.
    const base: Obj = key === "allow_origins" ? {} : { allow_origins: ["https://app.example.com"] };
    if ("default" in def) items.push({ id: `${key} default`, text: JSON.stringify({ ...base, [key]: def.default }) });
    (def.examples ?? []).forEach((ex: unknown, i: number) => items.push({ id: `${key} examples[${i}]`, text: JSON.stringify({ ...base, [key]: ex }) }));
  }
  const v = schemaVerdicts(items);
  const bad = items.filter((i) => !v.get(i.id)?.valid).map((i) => `${i.id}: ${i.text}\n  schema: ${v.get(i.id)?.error}`);
  for (const i of items) {
    const f = await filterVerdict(i.text);
    if (!f.accepted) bad.push(`${i.id}: ${i.text}\n  filter: ${f.errors.join(" | ")}`);
  }
  assert.deepEqual(bad, [], bad.join("\n"));
});

test("corpus: the schema's verdict is what the spec requires (schema_gap entries: the documented opposite)", () => {
  const corpus = loadCorpus();
  const v = schemaVerdicts(corpus);
  const wrong: string[] = [];
  for (const e of corpus) {
    if (!e.expect) continue;
    const valid = v.get(e.id)!.valid;
    const want = e.schemaGap ? e.expect !== "accept" : e.expect === "accept";
    if (valid !== want) wrong.push(`${e.id} [${e.origin}] ${e.text.slice(0, 200)}\n  spec: ${e.expect}${e.schemaGap ? " (documented schema gap: schema should say the opposite)" : ""}; schema: ${valid ? "valid" : "invalid"} ${v.get(e.id)!.error ?? ""}`);
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${corpus.length}:\n${wrong.join("\n")}`);
});

test("agreement: the schema accepts exactly what proxy_on_configure of build/cors.wasm accepts", async () => {
  const corpus = loadCorpus();
  const v = schemaVerdicts(corpus);
  const disagreements: string[] = [];
  const gapsClosed: string[] = [];
  let agreed = 0;
  for (const e of corpus) {
    const s = v.get(e.id)!;
    const f = await filterVerdict(e.text);
    assert.equal(f.trapped, false, `${e.id}: the filter trapped on ${e.text}`);
    const same = s.valid === f.accepted;
    if (e.schemaGap) {
      if (same) gapsClosed.push(`${e.id}: schema and filter now agree (${f.accepted ? "accept" : "reject"}): remove schema_gap from the corpus and docs/validation.md`);
      continue;
    }
    if (same) { agreed++; continue; }
    disagreements.push(
      `${e.id} [${e.origin}]\n  config: ${e.text.length > 300 ? e.text.slice(0, 300) + "…" : e.text}` +
      `\n  filter: ${f.accepted ? "ACCEPTS" : "REJECTS"}${f.errors.length ? " — " + f.errors.join(" | ") : ""}` +
      `\n  schema: ${s.valid ? "ACCEPTS" : "REJECTS"}${s.error ? " — " + s.error.split("\n").slice(1).join(" ").replace(/\s+/g, " ") : ""}`);
  }
  const report = [...disagreements, ...gapsClosed];
  const gaps = corpus.filter((e) => e.schemaGap).length;
  console.log(`schema/filter agreement: ${agreed} of ${corpus.length - gaps} configurations agree; ${gaps} documented schema gaps hold`);
  assert.ok(agreed > 250, `only ${agreed} configurations compared`);
  assert.deepEqual(report, [], `${disagreements.length} disagreement(s), ${gapsClosed.length} closed gap(s) out of ${corpus.length} configurations (${agreed} agree):\n${report.join("\n")}`);
});
