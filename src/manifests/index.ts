// Turns the files a deployment carries into the exact bytes the filter receives in proxy_on_configure.
//
//   - the filter's own JSON (passed verbatim, so the filter's parser reports byte offsets in the user's file)
//   - YAML of the same (re-encoded as JSON)
//   - a Higress WasmPlugin (extensions.higress.io/v1alpha1): defaultConfig + matchRules → `_rules_`, exactly
//     as the Higress controller's convertIstioWasmPlugin does, then encoded as Istio does (protojson of a Struct)
//   - an Istio WasmPlugin (extensions.istio.io/v1alpha1): pluginConfig
//   - an Envoy bootstrap / EnvoyFilter: the envoy.filters.http.wasm filter's `configuration`
//   - an Envoy Gateway EnvoyExtensionPolicy: spec.wasm[].config (raw JSON)
//   - a Kong declarative file: filter_chains[].filters[].config; an APISIX apisix.yaml: routes[].plugins.X.conf
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

export type ConfigKind =
  | "json"
  | "yaml"
  | "higress-wasmplugin"
  | "istio-wasmplugin"
  | "envoy-bootstrap"
  | "envoy-gateway"
  | "kong"
  | "apisix";

export interface LoadedConfig {
  /** The plugin configuration bytes as text; `null` when the plugin would not be pushed at all. */
  config: string | null;
  kind: ConfigKind;
  /** Human-readable description of where the configuration came from. */
  source: string;
  /** Notes for the user (which document was used, why nothing is pushed, …). */
  notes: string[];
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ManifestError";
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: unknown };

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Go's protojson encoding of a google.protobuf.Struct, as Istio does before wrapping it in a StringValue:
 * object keys sorted (protojson ranges over map entries in key order), every number is a double.
 */
export function protoJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isObject(value)) {
    const out: Obj = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys(value[k]);
    return out;
  }
  if (value instanceof Date) return value.toISOString(); // YAML timestamps: a Struct would hold a string
  return value;
}

function boolValueTrue(v: unknown): boolean {
  // google.protobuf.BoolValue in YAML is written as a plain bool (or {value: bool} in some tools).
  if (v === true) return true;
  if (isObject(v) && v.value === true) return true;
  return false;
}

function stringList(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ManifestError(`${what} must be a list of strings`);
  return v.map((x, i) => {
    if (typeof x !== "string") throw new ManifestError(`${what}[${i}] must be a string`);
    return x;
  });
}

/**
 * The Higress controller's convertIstioWasmPlugin (pkg/ingress/config/ingress_config.go), as data:
 * returns the Struct the Istio WasmPlugin carries as pluginConfig, `undefined` for "no pluginConfig"
 * (zero-length configuration), or `null` when the plugin is not pushed at all.
 */
export function higressPluginStruct(spec: Obj): Obj | undefined | null {
  if (spec.pluginConfig !== undefined && spec.pluginConfig !== null) {
    if (!isObject(spec.pluginConfig)) throw new ManifestError("spec.pluginConfig must be an object");
    return spec.pluginConfig; // wins verbatim: defaultConfig and matchRules are ignored
  }
  let result: Obj | undefined = undefined;
  if (!boolValueTrue(spec.defaultConfigDisable)) {
    if (spec.defaultConfig !== undefined && spec.defaultConfig !== null) {
      if (!isObject(spec.defaultConfig)) throw new ManifestError("spec.defaultConfig must be an object");
      result = { ...spec.defaultConfig };
    }
  }
  let hasValidRule = false;
  const matchRules = spec.matchRules;
  if (matchRules !== undefined && matchRules !== null && !Array.isArray(matchRules)) {
    throw new ManifestError("spec.matchRules must be a list");
  }
  if (Array.isArray(matchRules) && matchRules.length > 0) {
    if (result === undefined) result = {};
    const ruleValues: Obj[] = [];
    matchRules.forEach((rule: unknown, i: number) => {
      if (!isObject(rule)) throw new ManifestError(`spec.matchRules[${i}] must be an object`);
      if (boolValueTrue(rule.configDisable)) return;
      let config: Obj = {};
      if (rule.config !== undefined && rule.config !== null) {
        if (!isObject(rule.config)) throw new ManifestError(`spec.matchRules[${i}].config must be an object`);
        config = { ...rule.config };
      }
      const ingress = stringList(rule.ingress, `spec.matchRules[${i}].ingress`);
      const service = stringList(rule.service, `spec.matchRules[${i}].service`);
      const domain = stringList(rule.domain, `spec.matchRules[${i}].domain`);
      let valid = false;
      if (ingress.length > 0) {
        valid = true;
        config._match_route_ = ingress;
      }
      if (service.length > 0) {
        valid = true;
        config._match_service_ = service;
      }
      if (domain.length > 0) {
        valid = true;
        config._match_domain_ = domain;
      }
      if (!valid) {
        throw new ManifestError(
          `invalid match rule has no match condition, rule:spec.matchRules[${i}] (needs ingress, domain or service)`,
        );
      }
      ruleValues.push(config);
    });
    if (ruleValues.length > 0) {
      hasValidRule = true;
      result._rules_ = ruleValues;
    }
  }
  if (!hasValidRule && boolValueTrue(spec.defaultConfigDisable)) return null;
  return result;
}

/** Higress WasmPlugin spec → configuration text ("" = zero bytes; null = not pushed). */
export function higressToConfig(spec: Obj): string | null {
  const s = higressPluginStruct(spec);
  if (s === null) return null;
  if (s === undefined || Object.keys(s).length === 0) return ""; // Istio: empty Struct → empty Any → zero bytes
  return protoJson(s);
}

/** Istio WasmPlugin spec → configuration text (pluginConfig as protojson; none = zero bytes). */
export function istioToConfig(spec: Obj): string {
  const pc = spec.pluginConfig;
  if (pc === undefined || pc === null) return "";
  if (!isObject(pc)) throw new ManifestError("spec.pluginConfig must be an object");
  if (Object.keys(pc).length === 0) return ""; // an empty Struct becomes an empty Any: zero bytes
  return protoJson(pc);
}

const WASM_FILTER_TYPE = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";

interface WasmFilterHit {
  name: string;
  pluginConfig: Obj;
}

/** Every envoy.filters.http.wasm filter in an Envoy bootstrap (or EnvoyFilter patch), in document order. */
export function findEnvoyWasmFilters(doc: unknown): WasmFilterHit[] {
  const hits: WasmFilterHit[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!isObject(node)) return;
    const tc = node.typed_config ?? node.typedConfig;
    if (isObject(tc)) {
      const type = tc["@type"];
      if (type === WASM_FILTER_TYPE || (node.name === "envoy.filters.http.wasm" && type === undefined)) {
        const cfg = isObject(tc.config) ? tc.config : {};
        hits.push({ name: typeof cfg.name === "string" ? cfg.name : String(node.name ?? ""), pluginConfig: cfg });
        return;
      }
    }
    for (const v of Object.values(node)) walk(v);
  };
  walk(doc);
  return hits;
}

/** Envoy PluginConfig.configuration (an Any) → the bytes Envoy hands the plugin. */
export function envoyConfigurationBytes(pluginConfig: Obj): string {
  const c = pluginConfig.configuration;
  if (c === undefined || c === null) return "";
  if (!isObject(c)) throw new ManifestError("configuration must be an Any ({\"@type\": …, value: …})");
  const type = String(c["@type"] ?? "");
  if (type.endsWith("google.protobuf.StringValue")) {
    const v = c.value ?? "";
    if (typeof v !== "string") throw new ManifestError("configuration.value of a StringValue must be a string");
    return v;
  }
  if (type.endsWith("google.protobuf.BytesValue")) {
    const v = c.value ?? "";
    if (typeof v !== "string") throw new ManifestError("configuration.value of a BytesValue must be base64");
    return Buffer.from(v, "base64").toString("latin1");
  }
  if (type.endsWith("google.protobuf.Struct")) {
    // "google.protobuf.Struct is serialized as JSON before passing it to the plugin"
    const v = c.value ?? {};
    return JSON.stringify(v);
  }
  throw new ManifestError(`configuration has unsupported @type "${type}" (use google.protobuf.StringValue)`);
}

/** Envoy Gateway EnvoyExtensionPolicy → (name, config text) per spec.wasm[] entry. */
export function envoyGatewayConfigs(spec: Obj): Array<{ name: string; config: string }> {
  const wasm = spec.wasm;
  if (!Array.isArray(wasm)) return [];
  return wasm.map((w: unknown, i: number) => {
    if (!isObject(w)) throw new ManifestError(`spec.wasm[${i}] must be an object`);
    const name = typeof w.name === "string" ? w.name : `wasm[${i}]`;
    // config is apiextensions JSON: its raw bytes go into the StringValue
    const config = w.config === undefined || w.config === null ? "" : JSON.stringify(w.config);
    return { name, config };
  });
}

/** A filter's `config` in Kong's declarative file: a string is passed as is, JSON is encoded. */
function rawOrJson(v: unknown): string {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Kong declarative config (ngx_wasm_module): `filter_chains[].filters[]` at any level. */
function kongCandidates(doc: Obj): Candidate[] {
  const out: Candidate[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => walk(n, `${where}[${i}]`));
      return;
    }
    if (!isObject(node)) return;
    if (Array.isArray(node.filter_chains)) {
      node.filter_chains.forEach((chain: unknown, ci: number) => {
        if (!isObject(chain) || !Array.isArray(chain.filters)) return;
        chain.filters.forEach((f: unknown, fi: number) => {
          if (!isObject(f)) return;
          if (f.enabled === false) return;
          const name = typeof f.name === "string" ? f.name : `filters[${fi}]`;
          const chainName = typeof chain.name === "string" ? chain.name : `filter_chains[${ci}]`;
          out.push({
            kind: "kong",
            label: `Kong filter chain ${chainName}, filter "${name}"`,
            produce: () => rawOrJson(f.config),
          });
        });
      });
    }
    for (const [k, v] of Object.entries(node)) if (k !== "filter_chains") walk(v, `${where}.${k}`);
  };
  walk(doc, "");
  return out;
}

/** APISIX standalone apisix.yaml: `routes[].plugins.<wasm plugin>.conf` (wasm plugins take `conf`). */
function apisixCandidates(doc: Obj): Candidate[] {
  const out: Candidate[] = [];
  const scan = (list: unknown, what: string): void => {
    if (!Array.isArray(list)) return;
    list.forEach((r: unknown, i: number) => {
      if (!isObject(r) || !isObject(r.plugins)) return;
      const id = r.id ?? r.name ?? i;
      for (const [name, p] of Object.entries(r.plugins)) {
        if (!isObject(p) || !("conf" in p)) continue;
        out.push({
          kind: "apisix",
          label: `APISIX ${what} ${String(id)}, plugin "${name}"`,
          produce: () => rawOrJson(p.conf),
        });
      }
    });
  };
  scan(doc.routes, "route");
  scan(doc.services, "service");
  scan(doc.global_rules, "global rule");
  return out;
}

function isComposeFile(doc: Obj): boolean {
  if (!isObject(doc.services)) return false;
  const svcs = Object.values(doc.services);
  return svcs.length > 0 && svcs.every((v) => isObject(v) && ("image" in v || "build" in v));
}

function manifestName(doc: Obj): string {
  const md = isObject(doc.metadata) ? doc.metadata : {};
  const ns = typeof md.namespace === "string" ? `${md.namespace}/` : "";
  return `${ns}${typeof md.name === "string" ? md.name : "(unnamed)"}`;
}

interface Candidate {
  kind: ConfigKind;
  label: string;
  produce: () => string | null;
  notPushedReason?: string;
}

function candidatesOf(doc: unknown): Candidate[] | null {
  if (!isObject(doc)) return null;
  const apiVersion = typeof doc.apiVersion === "string" ? doc.apiVersion : "";
  const kind = typeof doc.kind === "string" ? doc.kind : "";
  const spec = isObject(doc.spec) ? doc.spec : {};
  if (kind === "WasmPlugin" && apiVersion.startsWith("extensions.higress.io/")) {
    const label = `Higress WasmPlugin ${manifestName(doc)}`;
    return [{ kind: "higress-wasmplugin", label, produce: () => higressToConfig(spec) }];
  }
  if (kind === "WasmPlugin" && apiVersion.startsWith("extensions.istio.io/")) {
    const label = `Istio WasmPlugin ${manifestName(doc)}`;
    return [{ kind: "istio-wasmplugin", label, produce: () => istioToConfig(spec) }];
  }
  if (kind === "EnvoyExtensionPolicy" && apiVersion.startsWith("gateway.envoyproxy.io/")) {
    return envoyGatewayConfigs(spec).map((e) => ({
      kind: "envoy-gateway" as const,
      label: `Envoy Gateway EnvoyExtensionPolicy ${manifestName(doc)} wasm "${e.name}"`,
      produce: () => e.config,
    }));
  }
  if (apiVersion !== "" && kind !== "" && kind !== "EnvoyFilter" && kind !== "ConfigMap") return []; // other manifests
  if (apiVersion === "" && "_format_version" in doc) return kongCandidates(doc);
  if (apiVersion === "" && Array.isArray(doc.routes) && !("_format_version" in doc)) {
    const a = apisixCandidates(doc);
    if (a.length > 0) return a;
  }
  if (apiVersion === "" && isObject(doc.wasm) && Array.isArray(doc.wasm.plugins)) {
    throw new ManifestError(
      "this is an APISIX config.yaml: it declares the wasm plugin but carries no plugin configuration; " +
        "pass the apisix.yaml whose routes hold the plugin's conf",
    );
  }
  if (apiVersion === "" && isComposeFile(doc)) {
    throw new ManifestError(
      "this is a docker compose file: it carries no plugin configuration itself; pass the file it mounts " +
        "(e.g. examples/envoy.yaml)",
    );
  }
  if (kind === "ConfigMap" && isObject(doc.data)) {
    // an Envoy bootstrap shipped in a ConfigMap (envoy.yaml key)
    const out: Candidate[] = [];
    for (const [key, text] of Object.entries(doc.data)) {
      if (typeof text !== "string") continue;
      let inner: unknown;
      try {
        inner = yaml.load(text);
      } catch {
        continue;
      }
      for (const hit of findEnvoyWasmFilters(inner)) {
        out.push({
          kind: "envoy-bootstrap",
          label: `Envoy bootstrap in ConfigMap ${manifestName(doc)} key ${key}, wasm filter "${hit.name}"`,
          produce: () => envoyConfigurationBytes(hit.pluginConfig),
        });
      }
    }
    return out;
  }
  const hits = findEnvoyWasmFilters(doc);
  if (hits.length > 0) {
    return hits.map((hit) => ({
      kind: "envoy-bootstrap" as const,
      label: `Envoy ${kind === "EnvoyFilter" ? `EnvoyFilter ${manifestName(doc)}` : "bootstrap"}, wasm filter "${hit.name}"`,
      produce: () => envoyConfigurationBytes(hit.pluginConfig),
    }));
  }
  if (kind === "EnvoyFilter" || isObject(doc.static_resources) || isObject(doc.dynamic_resources)) return [];
  return null; // not a manifest: the filter's own configuration
}

function pick(cands: Candidate[], fileName: string, notes: string[]): Candidate {
  if (cands.length === 1) return cands[0];
  const cors = cands.filter((c) => /cors/i.test(c.label));
  const chosen = cors.length > 0 ? cors[0] : cands[0];
  notes.push(
    `${fileName} holds ${cands.length} plugin configurations; using ${chosen.label} (others: ${cands
      .filter((c) => c !== chosen)
      .map((c) => c.label)
      .join("; ")})`,
  );
  return chosen;
}

/** Interpret a configuration file's text. `fileName` only serves messages and the JSON/YAML choice. */
export function configFromText(text: string, fileName = "config"): LoadedConfig {
  const notes: string[] = [];
  const trimmed = text.trim();
  if (trimmed === "") return { config: "", kind: "json", source: `${fileName} (empty: the defaults)`, notes };
  // JSON first: the filter's own configuration is passed byte for byte.
  let parsedJson: unknown = undefined;
  let isJson = false;
  try {
    parsedJson = JSON.parse(text);
    isJson = true;
  } catch {
    isJson = false;
  }
  if (isJson) {
    const c = candidatesOf(parsedJson);
    if (c === null) return { config: text, kind: "json", source: fileName, notes };
    return fromCandidates(c, fileName, notes);
  }
  const looksJson = /\.json$/i.test(fileName) || trimmed.startsWith("{") || trimmed.startsWith("[");
  if (looksJson) {
    // Malformed JSON: hand it to the filter as is, so its own parser says where and what.
    return { config: text, kind: "json", source: fileName, notes };
  }
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
  } catch (e) {
    throw new ManifestError(`${fileName}: not valid JSON or YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (docs.length === 0) return { config: "", kind: "yaml", source: `${fileName} (empty: the defaults)`, notes };
  const all: Candidate[] = [];
  let plain: unknown = undefined;
  let plainCount = 0;
  for (const d of docs) {
    const c = candidatesOf(d);
    if (c === null) {
      plainCount++;
      if (plain === undefined) plain = d;
    } else all.push(...c);
  }
  if (all.length === 0 && plainCount === 1 && docs.length === 1) {
    if (!isObject(plain)) {
      // Let the filter say "not an object".
      return { config: JSON.stringify(plain), kind: "yaml", source: fileName, notes };
    }
    return { config: JSON.stringify(plain), kind: "yaml", source: fileName, notes };
  }
  if (all.length === 0) {
    throw new ManifestError(
      `${fileName}: no plugin configuration found (looked for a Higress or Istio WasmPlugin, an Envoy ` +
        `bootstrap with envoy.filters.http.wasm, an Envoy Gateway EnvoyExtensionPolicy with spec.wasm)`,
    );
  }
  return fromCandidates(all, fileName, notes);
}

function fromCandidates(c: Candidate[], fileName: string, notes: string[]): LoadedConfig {
  if (c.length === 0) {
    throw new ManifestError(`${fileName}: no plugin configuration found in this manifest`);
  }
  const chosen = pick(c, fileName, notes);
  const config = chosen.produce();
  if (config === null) {
    notes.push(
      `${chosen.label}: defaultConfigDisable is true and no match rule is enabled, so the Higress controller ` +
        `does not push this plugin at all`,
    );
  }
  return { config, kind: chosen.kind, source: chosen.label, notes };
}

export function loadConfigFile(path: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ManifestError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return configFromText(text, path);
}

export type { Json };
