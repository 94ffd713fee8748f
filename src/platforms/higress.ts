// Higress: a WasmPlugin (extensions.higress.io/v1alpha1). Its controller builds the filter's JSON from
// `defaultConfig` (the keys outside `_rules_`) and `matchRules` (one per `_rules_` entry, `_match_route_` ↔
// `ingress`, `_match_domain_` ↔ `domain`, `_match_service_` ↔ `service`): `extract` is that conversion
// (convertIstioWasmPlugin, host-facts.md §6.2), `render` the same conversion run backwards, so the controller
// hands the filter exactly the configuration that was rendered.
import {
  apiVersionOf,
  DEFAULTS,
  header,
  isObject,
  kindOf,
  ManifestError,
  manifestName,
  pluginConfigOf,
  RenderError,
  structBytes,
  toYaml,
  type Extracted,
  type Obj,
  type PlatformModule,
  type RenderOptions,
} from "./common.js";

export interface HigressSpecParts {
  defaultConfig: Obj | null;
  matchRules: Array<{ ingress?: string[]; domain?: string[]; service?: string[]; config: Obj }>;
}

const MATCH_KEYS: Array<[string, "ingress" | "domain" | "service"]> = [
  ["_match_route_", "ingress"],
  ["_match_domain_", "domain"],
  ["_match_service_", "service"],
];

/** The filter configuration → Higress `defaultConfig` + `matchRules` (the controller's conversion, reversed). */
export function higressSpecParts(config: Obj): HigressSpecParts {
  const defaultConfig: Obj = {};
  let rules: unknown = undefined;
  for (const [k, v] of Object.entries(config)) {
    if (k === "_rules_") rules = v;
    else defaultConfig[k] = v;
  }
  const matchRules: HigressSpecParts["matchRules"] = [];
  if (rules !== undefined) {
    if (!Array.isArray(rules)) throw new RenderError("_rules_ must be a list of rule objects");
    rules.forEach((r: unknown, i: number) => {
      if (!isObject(r)) throw new RenderError(`_rules_[${i}] must be an object`);
      const rule: HigressSpecParts["matchRules"][number] = { config: {} };
      let any = false;
      for (const [matchKey, field] of MATCH_KEYS) {
        const v = r[matchKey];
        if (v === undefined) continue;
        if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== "string" || x === "")) {
          throw new RenderError(`_rules_[${i}].${matchKey} must be a non-empty list of non-empty strings`);
        }
        rule[field] = v as string[];
        any = true;
      }
      if (!any) {
        throw new RenderError(`_rules_[${i}] has none of _match_route_, _match_domain_, _match_service_`);
      }
      for (const [k, v] of Object.entries(r)) {
        if (!MATCH_KEYS.some(([mk]) => mk === k)) rule.config[k] = v;
      }
      matchRules.push(rule);
    });
  }
  const hasDefault = Object.keys(defaultConfig).length > 0 || rules === undefined;
  return { defaultConfig: hasDefault ? defaultConfig : null, matchRules };
}

function render(config: Obj, o: RenderOptions): string {
  const { defaultConfig, matchRules } = higressSpecParts(config);
  const spec: Obj = {
    phase: "AUTHZ",
    priority: 340,
    url: "oci://" + (o.image ?? DEFAULTS.image),
    imagePullPolicy: "IfNotPresent",
  };
  if (defaultConfig === null) spec.defaultConfigDisable = true;
  else spec.defaultConfig = defaultConfig;
  if (matchRules.length > 0) {
    spec.matchRules = matchRules.map((r) => {
      const item: Obj = {};
      if (r.ingress !== undefined) item.ingress = r.ingress;
      if (r.domain !== undefined) item.domain = r.domain;
      if (r.service !== undefined) item.service = r.service;
      item.config = r.config;
      return item;
    });
  }
  const plugin = {
    apiVersion: "extensions.higress.io/v1alpha1",
    kind: "WasmPlugin",
    metadata: { name: o.name ?? DEFAULTS.name, namespace: o.namespace ?? DEFAULTS.namespace.higress },
    spec,
  };
  const notes = [
    "",
    "phase AUTHZ, priority 340: where Higress's own cors plugin runs, i.e. AFTER authentication plugins",
    "(phase AUTHN). A browser sends preflights without credentials, so an authentication plugin rejects them",
    "(401, no CORS headers) before this filter answers. To answer preflights first, move the filter into",
    "the authentication phase ahead of those plugins (higher priority runs first within a phase):",
    "  phase: AUTHN",
    "  priority: 1000",
  ];
  if (defaultConfig === null) {
    notes.push("defaultConfigDisable: no configuration for routes that no rule matches: the filter does nothing there.");
  }
  if (matchRules.length > 0) {
    notes.push(
      "matchRules: tried in order, first match wins. A rule's config stands alone: keys it leaves out take the",
      "filter's defaults, not the defaultConfig values. ingress: <name> (higress-system) or <namespace>/<name>.",
    );
  }
  return (
    header(
      "higress",
      o,
      [
        "The CORS filter as a Higress Wasm plugin. Higress builds the filter's JSON from this object:",
        "defaultConfig (every route) plus one `_rules_` entry per matchRules item (first match wins).",
      ],
      notes,
    ) + toYaml(plugin)
  );
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
  const pluginConfig = pluginConfigOf(spec);
  if (pluginConfig !== undefined) return pluginConfig; // wins verbatim: defaultConfig and matchRules are ignored
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
  return s === null ? null : structBytes(s);
}

function extract(doc: Obj): Extracted[] | null {
  const apiVersion = apiVersionOf(doc);
  if (kindOf(doc) !== "WasmPlugin" || !apiVersion.startsWith("extensions.higress.io/")) return null;
  const spec = isObject(doc.spec) ? doc.spec : {};
  return [{ kind: "higress-wasmplugin", label: `Higress WasmPlugin ${manifestName(doc)}`, produce: () => higressToConfig(spec) }];
}

export const higress: PlatformModule = { render, extract };
