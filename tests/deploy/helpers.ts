// Shared by the deploy tests: the plugin configurations inside every example file (extracted the way each
// platform hands them to proxy_on_configure, independently of src/platforms), and the host (src/host) with
// the module under test.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { ROOT } from "./examples.js";
import { ProxyWasmHost, type HeaderList, type HostOptions } from "../../src/host/index.js";

type Obj = { [key: string]: unknown };
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export type Profile = "envoy" | "kong" | "apisix";

export interface ExtractedConfig {
  /** Where the configuration sits, for messages. */
  where: string;
  /** The exact bytes (as text) the platform hands to proxy_on_configure. */
  text: string;
  /** The host link profile of that platform. */
  profile: Profile;
  /** The configuration as a value, for comparisons. */
  value: Obj;
}

export function loadYamlDocs(path: string): unknown[] {
  return yaml.loadAll(readFileSync(join(ROOT, path), "utf8")).filter((d) => d !== null && d !== undefined);
}

/** Go protojson of a google.protobuf.Struct (what Istio puts in the StringValue): keys sorted. */
export function protoJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : isObject(v)
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])]))
        : v;
  return JSON.stringify(sort(value));
}

/** The Higress controller's convertIstioWasmPlugin (host-facts.md §6.2): defaultConfig + matchRules → one object. */
export function higressController(spec: Obj): Obj | null {
  if (isObject(spec.pluginConfig)) return spec.pluginConfig;
  let result: Obj | null = null;
  if (spec.defaultConfigDisable !== true && isObject(spec.defaultConfig)) result = { ...spec.defaultConfig };
  const rules: Obj[] = [];
  for (const [i, r] of ((spec.matchRules as unknown[]) ?? []).entries()) {
    if (!isObject(r)) throw new Error(`matchRules[${i}] is not an object`);
    if (r.configDisable === true) continue;
    const rule: Obj = { ...((r.config as Obj) ?? {}) };
    let valid = false;
    for (const [field, key] of [
      ["ingress", "_match_route_"],
      ["service", "_match_service_"],
      ["domain", "_match_domain_"],
    ] as const) {
      const v = r[field];
      if (Array.isArray(v) && v.length > 0) {
        rule[key] = v;
        valid = true;
      }
    }
    if (!valid) throw new Error(`invalid match rule has no match condition, rule: matchRules[${i}]`);
    rules.push(rule);
  }
  if (rules.length > 0) result = { ...(result ?? {}), _rules_: rules };
  else if (spec.defaultConfigDisable === true) return null;
  return result ?? {};
}

function walk(node: unknown, visit: (o: Obj) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (isObject(node)) {
    visit(node);
    Object.values(node).forEach((n) => walk(n, visit));
  }
}

const WASM_TYPE = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";
const STRING_VALUE = "type.googleapis.com/google.protobuf.StringValue";

/** Every plugin configuration in an example file, as its platform delivers it. */
export function extractConfigs(path: string): ExtractedConfig[] {
  const out: ExtractedConfig[] = [];
  const parse = (text: string, where: string): Obj => {
    const v = JSON.parse(text) as unknown;
    if (!isObject(v)) throw new Error(`${where}: not a JSON object`);
    return v;
  };
  for (const doc of loadYamlDocs(path)) {
    if (!isObject(doc)) continue;
    const kind = doc.kind;
    const api = String(doc.apiVersion ?? "");
    const spec = isObject(doc.spec) ? doc.spec : {};
    if (kind === "WasmPlugin" && api.startsWith("extensions.higress.io/")) {
      const whole = higressController(spec);
      if (whole !== null) {
        const text = protoJson(whole);
        out.push({ where: `${path}: the JSON Higress builds`, text, profile: "envoy", value: whole });
      }
      if (isObject(spec.defaultConfig)) {
        const v = spec.defaultConfig;
        out.push({ where: `${path}: spec.defaultConfig`, text: protoJson(v), profile: "envoy", value: v });
      }
      for (const [i, r] of ((spec.matchRules as unknown[]) ?? []).entries()) {
        const v = isObject(r) && isObject(r.config) ? r.config : {};
        out.push({ where: `${path}: spec.matchRules[${i}].config`, text: protoJson(v), profile: "envoy", value: v });
      }
    } else if (kind === "WasmPlugin" && api.startsWith("extensions.istio.io/")) {
      const v = isObject(spec.pluginConfig) ? spec.pluginConfig : {};
      const text = Object.keys(v).length === 0 ? "" : protoJson(v);
      out.push({ where: `${path}: spec.pluginConfig`, text, profile: "envoy", value: v });
    } else if (kind === "EnvoyExtensionPolicy") {
      for (const [i, w] of ((spec.wasm as unknown[]) ?? []).entries()) {
        const v = isObject(w) && isObject(w.config) ? w.config : {};
        out.push({ where: `${path}: spec.wasm[${i}].config`, text: JSON.stringify(v), profile: "envoy", value: v });
      }
    } else if (Array.isArray(doc.services) && "_format_version" in doc) {
      walk(doc, (o) => {
        if (!Array.isArray(o.filter_chains)) return;
        for (const [ci, chain] of o.filter_chains.entries()) {
          for (const [fi, f] of (((chain as Obj).filters as unknown[]) ?? []).entries()) {
            const text = String((f as Obj).config ?? "");
            const where = `${path}: ${String(o.name)}.filter_chains[${ci}].filters[${fi}].config`;
            out.push({ where, text, profile: "kong", value: parse(text, where) });
          }
        }
      });
    } else if (Array.isArray(doc.routes)) {
      for (const [ri, r] of doc.routes.entries()) {
        const plugins = isObject(r) && isObject(r.plugins) ? r.plugins : {};
        for (const [name, p] of Object.entries(plugins)) {
          if (!isObject(p) || !("conf" in p)) continue;
          const text = typeof p.conf === "string" ? p.conf : JSON.stringify(p.conf);
          const where = `${path}: routes[${ri}].plugins.${name}.conf`;
          out.push({ where, text, profile: "apisix", value: parse(text, where) });
        }
      }
    } else {
      walk(doc, (o) => {
        const tc = o.typed_config;
        if (!isObject(tc) || tc["@type"] !== WASM_TYPE) return;
        const cfg = isObject(tc.config) ? tc.config : {};
        const c = isObject(cfg.configuration) ? cfg.configuration : null;
        if (c === null) throw new Error(`${path}: wasm filter without configuration`);
        if (c["@type"] !== STRING_VALUE) throw new Error(`${path}: configuration is not a StringValue`);
        const where = `${path}: wasm filter "${String(cfg.name)}" configuration`;
        out.push({ where, text: String(c.value), profile: "envoy", value: parse(String(c.value), where) });
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// the host

export type { HeaderList };

/** The module under test: build/cors.wasm (CORS_WASM=FILE overrides it, e.g. to try another build). */
export const WASM_PATH = process.env.CORS_WASM ?? join(ROOT, "build", "cors.wasm");

export function wasmBytes(): Uint8Array {
  if (!existsSync(WASM_PATH)) throw new Error(`${WASM_PATH} is missing: run make build`);
  return new Uint8Array(readFileSync(WASM_PATH));
}

export function loadHost(options: HostOptions = {}): Promise<ProxyWasmHost> {
  return ProxyWasmHost.load(wasmBytes(), options);
}

export const LEVEL_WARN = 3;
export const LEVEL_ERROR = 4;
