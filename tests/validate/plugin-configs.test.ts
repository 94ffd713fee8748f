// Every plugin configuration inside every example — the envoy.yaml StringValue, Higress defaultConfig + each
// matchRules[].config (assembled into `_rules_` as the Higress controller does), Istio pluginConfig, Envoy
// Gateway wasm[].config, Kong filter config, APISIX plugin conf, and the cors-config.yaml / cors.json sources —
// is accepted by the JSON Schema AND by the filter's own proxy_on_configure (build/cors.wasm in src/host).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import yaml from "js-yaml";
import { ROOT } from "./_util.js";
import { schemaVerdicts } from "./_corpus.js";
import { filterVerdict } from "./_filter.js";

type Obj = Record<string, any>;
interface Found { platform: string; where: string; text: string }

const WASM_FILTER = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";
const HCM = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ya?ml|json)$/.test(name)) out.push(p);
  }
  return out.sort();
}

/** Higress controller (pkg/ingress/config/ingress_config.go convertIstioWasmPlugin, host-facts.md §6.2). */
function higressJson(spec: Obj): string | null {
  if (spec.pluginConfig) return JSON.stringify(spec.pluginConfig);
  const out: Obj = spec.defaultConfigDisable ? {} : { ...(spec.defaultConfig ?? {}) };
  const rules: Obj[] = [];
  for (const r of spec.matchRules ?? []) {
    if (r.configDisable === true) continue;
    const rule: Obj = { ...(r.config ?? {}) };
    if (r.ingress?.length) rule._match_route_ = r.ingress;
    if (r.service?.length) rule._match_service_ = r.service;
    if (r.domain?.length) rule._match_domain_ = r.domain;
    rules.push(rule);
  }
  if (rules.length) out._rules_ = rules;
  if (!rules.length && spec.defaultConfigDisable) return null; // not pushed at all
  return JSON.stringify(out);
}

function extract(file: string): Found[] {
  const rel = relative(ROOT, file);
  const text = readFileSync(file, "utf8");
  const found: Found[] = [];
  if (file.endsWith(".json")) {
    const doc = JSON.parse(text);
    if (doc && typeof doc === "object" && !Array.isArray(doc) && !doc.apiVersion) found.push({ platform: "source", where: rel, text });
    return found;
  }
  const docs = (yaml.loadAll(text) as Obj[]).filter((d) => d != null && typeof d === "object");
  docs.forEach((d, i) => {
    const at = `${rel}#${i}`;
    if (d.static_resources) {
      for (const l of d.static_resources.listeners ?? [])
        for (const fc of l.filter_chains ?? [])
          for (const f of fc.filters ?? []) {
            if (f.typed_config?.["@type"] !== HCM) continue;
            for (const h of f.typed_config.http_filters ?? []) {
              if (h.typed_config?.["@type"] !== WASM_FILTER) continue;
              const conf = h.typed_config.config?.configuration;
              found.push({ platform: "envoy", where: `${at} listener ${l.name} http_filters ${h.name}`, text: conf?.value ?? "" });
            }
          }
    } else if (d.kind === "WasmPlugin" && d.apiVersion === "extensions.higress.io/v1alpha1") {
      const t = higressJson(d.spec ?? {});
      if (t !== null) found.push({ platform: "higress", where: `${at} WasmPlugin ${d.metadata?.name} (defaultConfig + matchRules → _rules_)`, text: t });
    } else if (d.kind === "WasmPlugin" && d.apiVersion === "extensions.istio.io/v1alpha1") {
      found.push({ platform: "istio", where: `${at} WasmPlugin ${d.metadata?.name} pluginConfig`, text: d.spec?.pluginConfig ? JSON.stringify(d.spec.pluginConfig) : "" });
    } else if (d.kind === "EnvoyExtensionPolicy") {
      (d.spec?.wasm ?? []).forEach((w: Obj, k: number) => found.push({ platform: "envoy-gateway", where: `${at} EnvoyExtensionPolicy ${d.metadata?.name} wasm[${k}].config`, text: w.config === undefined ? "" : JSON.stringify(w.config) }));
    } else if (d._format_version) {
      const chains: Obj[] = [...(d.filter_chains ?? []), ...(d.services ?? []).flatMap((s: Obj) => [...(s.filter_chains ?? []), ...(s.routes ?? []).flatMap((r: Obj) => r.filter_chains ?? [])])];
      for (const c of chains)
        for (const f of c.filters ?? [])
          found.push({ platform: "kong", where: `${at} filter_chains ${c.name ?? ""} filter ${f.name}`, text: typeof f.config === "string" ? f.config : JSON.stringify(f.config ?? {}) });
    } else if (Array.isArray(d.routes) && d.routes.some((r: Obj) => r.plugins)) {
      for (const r of d.routes)
        for (const [name, p] of Object.entries((r.plugins ?? {}) as Obj))
          if (p && typeof p === "object" && "conf" in p)
            found.push({ platform: "apisix", where: `${at} route ${r.id} plugin ${name} conf`, text: typeof p.conf === "string" ? p.conf : JSON.stringify(p.conf) });
    } else if (!d.apiVersion && !d.kind && !d.services && !d.deployment && !d.wasm && Object.keys(d).some((k) => k.startsWith("allow_") || k === "_rules_" || k === "max_age")) {
      found.push({ platform: "source", where: `${at} (filter configuration source)`, text: JSON.stringify(d) });
    }
  });
  return found;
}

test("every plugin configuration inside every example is accepted by the JSON Schema and by proxy_on_configure", async () => {
  const base = join(ROOT, "examples");
  assert.ok(existsSync(base), "examples/ is missing: the validation cannot run");
  const all = files(base).flatMap(extract);
  for (const p of ["envoy", "higress", "istio", "envoy-gateway", "kong", "apisix", "source"]) {
    assert.ok(all.some((f) => f.platform === p), `no ${p} plugin configuration found under examples/ (found: ${[...new Set(all.map((f) => f.platform))].join(", ")})`);
  }
  const items = all.map((f, i) => ({ id: String(i), text: f.text }));
  const sv = schemaVerdicts(items.filter((i) => i.text !== "")); // zero bytes: no document (the filter's defaults)
  const problems: string[] = [];
  for (const [i, f] of all.entries()) {
    const fv = await filterVerdict(f.text);
    if (!fv.accepted) problems.push(`${f.where}: proxy_on_configure REJECTS — ${fv.errors.join(" | ")}\n  ${f.text}`);
    const s = sv.get(String(i));
    if (s && !s.valid) problems.push(`${f.where}: the JSON Schema REJECTS — ${s.error}\n  ${f.text}`);
  }
  console.log(`plugin configurations checked: ${all.length} (${[...new Set(all.map((f) => f.platform))].map((p) => `${p} ${all.filter((f) => f.platform === p).length}`).join(", ")})`);
  assert.deepEqual(problems, [], problems.join("\n"));
});

test("the Higress controller's assembly of _rules_ is what the test reproduces (host-facts.md §6.2)", () => {
  const t = higressJson({
    defaultConfig: { allow_origins: ["*"] },
    matchRules: [
      { ingress: ["default/foo"], config: { allow_origins: ["https://a.example.com"] } },
      { domain: ["*.example.com"], config: { allow_credentials: true, allow_origin_patterns: ["https://*.example.com"] } },
      { service: ["backend.default.svc.cluster.local:8080"], config: { max_age: 60 } },
      { ingress: ["off"], configDisable: true, config: {} },
    ],
  });
  assert.deepEqual(JSON.parse(t!), {
    allow_origins: ["*"],
    _rules_: [
      { allow_origins: ["https://a.example.com"], _match_route_: ["default/foo"] },
      { allow_credentials: true, allow_origin_patterns: ["https://*.example.com"], _match_domain_: ["*.example.com"] },
      { max_age: 60, _match_service_: ["backend.default.svc.cluster.local:8080"] },
    ],
  });
  assert.equal(higressJson({ defaultConfigDisable: true, matchRules: [] }), null);
  assert.equal(higressJson({ pluginConfig: { a: 1 }, defaultConfig: { b: 2 } }), '{"a":1}');
});
