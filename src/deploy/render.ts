// `cors-proxy-wasm render PLATFORM --config FILE`: one filter configuration → the file a platform loads it from.
//
// The configuration is the JSON object the filter receives in proxy_on_configure. Every platform gets it
// unchanged, except Higress, whose controller builds that JSON itself from a WasmPlugin's `defaultConfig`
// (the keys outside `_rules_`) and `matchRules` (one per `_rules_` entry, `_match_route_` ↔ `ingress`,
// `_match_domain_` ↔ `domain`, `_match_service_` ↔ `service`): rendering for Higress is that conversion run
// backwards, so the controller hands the filter exactly the configuration that was rendered.
//
// The output is deterministic text: fixed templates with comments, the configuration dumped by js-yaml (or
// embedded as pretty-printed JSON where the platform wants a string). The files in examples/ are produced
// by this function, and tests/deploy re-render them and fail when they drift.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

export const PLATFORMS = ["envoy", "higress", "istio", "envoy-gateway", "kong", "apisix"] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface RenderOptions {
  /** Name of the Kubernetes resource / Envoy plugin (default "cors-proxy-wasm"; Envoy: "cors"). */
  name?: string;
  /** Kubernetes namespace (Higress: higress-system, Istio: istio-system, Envoy Gateway: default). */
  namespace?: string;
  /** OCI image reference, without scheme (Higress / Istio add `oci://`; Envoy Gateway takes it as is). */
  image?: string;
  /** Envoy: path of the module inside the container; APISIX: the `file` of config.yaml (informative). */
  wasmPath?: string;
  /** Upstream as host:port (Envoy cluster, Kong service, APISIX node). */
  upstream?: string;
  /** Path of the source configuration, named in the header comment (default: none). */
  source?: string;
}

export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RenderError";
  }
}

/** Version of this package: the default image tag, the same one `make oci` writes. */
export const VERSION = "0.1.0";

export const DEFAULTS = {
  name: "cors-proxy-wasm",
  envoyName: "cors",
  image: `registry.example.com/plugins/cors-proxy-wasm:${VERSION}`,
  envoyWasmPath: "/etc/envoy/cors.wasm",
  upstream: "httpbin:8080",
  namespace: {
    higress: "higress-system",
    istio: "istio-system",
    "envoy-gateway": "default",
  } as Record<string, string>,
  /** Kong names a filter after its file in `wasm_filters_path`: cors_proxy_wasm.wasm. */
  kongFilter: "cors_proxy_wasm",
  apisixPlugin: "cors-proxy-wasm",
};

type Obj = { [key: string]: unknown };

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// A small deterministic YAML emitter for configuration values: block mappings, lists of scalars in flow
// style on one line, plain scalars only where every YAML parser (1.1 and 1.2) reads them back as the same
// string, JSON-quoted strings otherwise.
const RESERVED = /^(y|n|yes|no|on|off|true|false|null|~)$/i;

function scalar(v: unknown, flow: boolean): string {
  if (typeof v === "string") {
    const plain = /^[A-Za-z_][A-Za-z0-9_.\/+-]*$/.test(v) && !RESERVED.test(v);
    const url = !flow && /^[a-z][a-z0-9+.-]*:\/\/[A-Za-z0-9_.\/:@%?&=+~-]*$/.test(v) && !/[:#]$/.test(v);
    return plain || url ? v : JSON.stringify(v);
  }
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new RenderError(`not a JSON number: ${v}`);
    return String(v);
  }
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v === null) return "null";
  throw new RenderError(`cannot render a value of type ${typeof v}`);
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/** `value` (an object) as YAML block-mapping lines, each indented by `indent` spaces. */
function yamlBlock(value: Obj, indent: number): string {
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const key = scalar(k, true);
    if (isScalar(v)) lines.push(`${pad}${key}: ${scalar(v, false)}`);
    else if (Array.isArray(v) && v.every(isScalar)) lines.push(`${pad}${key}: [${v.map((x) => scalar(x, true)).join(", ")}]`);
    else if (Array.isArray(v)) {
      lines.push(`${pad}${key}:`);
      for (const item of v) {
        if (isObject(item) && Object.keys(item).length > 0) {
          const inner = yamlBlock(item, indent + 2);
          lines.push(`${pad}- ${inner.slice(indent + 2)}`);
        } else if (isScalar(item)) lines.push(`${pad}- ${scalar(item, false)}`);
        else lines.push(`${pad}- ${JSON.stringify(item)}`);
      }
    } else if (isObject(v)) {
      if (Object.keys(v).length === 0) lines.push(`${pad}${key}: {}`);
      else {
        lines.push(`${pad}${key}:`);
        lines.push(yamlBlock(v, indent + 2));
      }
    } else throw new RenderError(`cannot render the value of ${k}`);
  }
  return lines.join("\n");
}

/** JSON with objects one key a line and lists of scalars on one line (the form people write by hand). */
export function prettyJson(value: unknown, indent = 0): string {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.every(isScalar)) return "[" + value.map((x) => JSON.stringify(x)).join(", ") + "]";
    if (value.length === 0) return "[]";
    return "[\n" + value.map((x) => pad + "  " + prettyJson(x, indent + 2)).join(",\n") + "\n" + pad + "]";
  }
  if (isObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    return (
      "{\n" +
      entries.map(([k, v]) => `${pad}  ${JSON.stringify(k)}: ${prettyJson(v, indent + 2)}`).join(",\n") +
      "\n" +
      pad +
      "}"
    );
  }
  return JSON.stringify(value);
}

/** The configuration as a YAML literal block scalar holding pretty JSON (for string-typed fields). */
function jsonLiteral(config: Obj, indent: number): string {
  const pad = " ".repeat(indent);
  return "|\n" + prettyJson(config).split("\n").map((l) => pad + l).join("\n");
}

function header(platform: Platform, options: RenderOptions, what: string[]): string {
  const lines: string[] = [];
  if (options.source !== undefined) {
    lines.push(`# Generated by \`cors-proxy-wasm render ${platform} --config ${options.source}\`:`);
    lines.push(`# edit ${options.source} and render again (a test fails when the two drift apart).`);
  } else {
    lines.push(`# Generated by \`cors-proxy-wasm render ${platform}\`.`);
  }
  for (const w of what) lines.push(`# ${w}`);
  return lines.join("\n") + "\n";
}

function splitHostPort(upstream: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(upstream);
  if (m === null) throw new RenderError(`upstream must be host:port, got "${upstream}"`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new RenderError(`upstream port out of range: ${m[2]}`);
  return { host: m[1], port };
}

function yamlScalar(s: string, flow = false): string {
  return scalar(s, flow);
}

// ---------------------------------------------------------------------------------------------------------
// Envoy (static bootstrap v3)

function renderEnvoy(config: Obj, o: RenderOptions): string {
  const name = o.name ?? DEFAULTS.envoyName;
  const wasmPath = o.wasmPath ?? DEFAULTS.envoyWasmPath;
  const up = splitHostPort(o.upstream ?? DEFAULTS.upstream);
  return (
    header("envoy", o, [
      "Static Envoy (v3) configuration: a listener on :10000 runs the CORS filter in front of the upstream",
      "cluster `backend`; the admin interface on :9901 shows the filter's counters: /stats?filter=^cors\\.",
    ]) +
    `static_resources:
  listeners:
  - name: main
    address:
      socket_address: {address: 0.0.0.0, port_value: 10000}
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_http
          codec_type: AUTO
          route_config:
            name: local_route
            virtual_hosts:
            - name: backend
              domains: ["*"]
              routes:
              - name: default
                match: {prefix: "/"}
                route: {cluster: backend}
          http_filters:
          # The CORS filter comes first: it answers preflights before any authentication filter listed after
          # it, and it adds the CORS headers to those filters' local replies (a 401 the page can read).
          - name: envoy.filters.http.wasm
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
              config:
                name: ${yamlScalar(name)}
                vm_config:
                  vm_id: ${yamlScalar(name)}
                  runtime: envoy.wasm.runtime.v8
                  code:
                    local: {filename: ${yamlScalar(wasmPath, true)}}
                # The filter's configuration, handed to proxy_on_configure byte for byte. A configuration the
                # filter rejects stops Envoy at startup (or NACKs the update) with the filter's error lines.
                configuration:
                  "@type": type.googleapis.com/google.protobuf.StringValue
                  value: ${jsonLiteral(config, 20)}
                # A trap in the module answers 503 rather than letting requests through without CORS checks.
                failure_policy: FAIL_CLOSED
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
  clusters:
  - name: backend
    type: STRICT_DNS
    connect_timeout: 5s
    load_assignment:
      cluster_name: backend
      endpoints:
      - lb_endpoints:
        - endpoint:
            address:
              socket_address: {address: ${yamlScalar(up.host, true)}, port_value: ${up.port}}
admin:
  address:
    socket_address: {address: 0.0.0.0, port_value: 9901}
`
  );
}

// ---------------------------------------------------------------------------------------------------------
// Higress WasmPlugin (extensions.higress.io/v1alpha1)

interface HigressSpecParts {
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

function renderHigress(config: Obj, o: RenderOptions): string {
  const { defaultConfig, matchRules } = higressSpecParts(config);
  const name = o.name ?? DEFAULTS.name;
  const ns = o.namespace ?? DEFAULTS.namespace.higress;
  const image = o.image ?? DEFAULTS.image;
  let out =
    header("higress", o, [
      "The CORS filter as a Higress Wasm plugin. Higress builds the filter's JSON from this object:",
      "defaultConfig (every route) plus one `_rules_` entry per matchRules item (first match wins).",
    ]) +
    `apiVersion: extensions.higress.io/v1alpha1
kind: WasmPlugin
metadata:
  name: ${yamlScalar(name)}
  namespace: ${yamlScalar(ns)}
spec:
  # Where Higress's own cors plugin runs: phase AUTHZ, priority 340, i.e. AFTER authentication plugins
  # (phase AUTHN). A browser sends preflights without credentials, so an authentication plugin rejects them
  # (401, no CORS headers) before this filter answers. To answer preflights first, move the filter into
  # the authentication phase ahead of those plugins (higher priority runs first within a phase):
  #   phase: AUTHN
  #   priority: 1000
  phase: AUTHZ
  priority: 340
  url: ${yamlScalar("oci://" + image)}
  imagePullPolicy: IfNotPresent
`;
  if (defaultConfig === null) {
    out += `  # No configuration for routes that no rule below matches: the filter does nothing there.
  defaultConfigDisable: true
`;
  } else {
    out += `  defaultConfig:
${Object.keys(defaultConfig).length === 0 ? "    {}" : yamlBlock(defaultConfig, 4)}
`;
  }
  if (matchRules.length > 0) {
    out += `  # Tried in order, first match wins. A rule's config stands alone: keys it leaves out take the filter's
  # defaults, not the defaultConfig values. ingress: <name> (higress-system) or <namespace>/<name>.
  matchRules:
`;
    for (const r of matchRules) {
      const item: Obj = {};
      if (r.ingress !== undefined) item.ingress = r.ingress;
      if (r.domain !== undefined) item.domain = r.domain;
      if (r.service !== undefined) item.service = r.service;
      item.config = r.config;
      out += yamlBlock({ matchRules: [item] }, 2).split("\n").slice(1).join("\n") + "\n";
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Istio WasmPlugin (extensions.istio.io/v1alpha1)

function renderIstio(config: Obj, o: RenderOptions): string {
  const name = o.name ?? DEFAULTS.name;
  const ns = o.namespace ?? DEFAULTS.namespace.istio;
  const image = o.image ?? DEFAULTS.image;
  return (
    header("istio", o, [
      "The CORS filter on the Istio ingress gateway. Istio has no per-route plugin configuration: the",
      "configuration below applies to every request through the selected workloads.",
    ]) +
    `apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: ${yamlScalar(name)}
  namespace: ${yamlScalar(ns)}
spec:
  selector:
    matchLabels:
      istio: ingressgateway
  url: ${yamlScalar("oci://" + image)}
  imagePullPolicy: IfNotPresent
  # AUTHN: before Istio's authentication filters (RequestAuthentication / JWT), so preflights, which carry
  # no credentials, are answered before authentication can reject them.
  phase: AUTHN
  failStrategy: FAIL_CLOSE
  pluginConfig:
${Object.keys(config).length === 0 ? "    {}" : yamlBlock(config, 4)}
`
  );
}

// ---------------------------------------------------------------------------------------------------------
// Envoy Gateway EnvoyExtensionPolicy (gateway.envoyproxy.io/v1alpha1)

function renderEnvoyGateway(config: Obj, o: RenderOptions): string {
  const name = o.name ?? DEFAULTS.name;
  const ns = o.namespace ?? DEFAULTS.namespace["envoy-gateway"];
  const image = o.image ?? DEFAULTS.image;
  return (
    header("envoy-gateway", o, [
      "The CORS filter attached to the HTTPRoute `backend` of Envoy Gateway's quickstart. Envoy Gateway",
      "fetches the image, serves it to its Envoy proxies and passes `config` to the filter as JSON.",
    ]) +
    `apiVersion: gateway.envoyproxy.io/v1alpha1
kind: EnvoyExtensionPolicy
metadata:
  name: ${yamlScalar(name)}
  namespace: ${yamlScalar(ns)}
spec:
  targetRefs:
  - group: gateway.networking.k8s.io
    kind: HTTPRoute
    name: backend
  wasm:
  - name: ${yamlScalar(name)}
    code:
      type: Image
      image:
        url: ${yamlScalar(image)}
      pullPolicy: IfNotPresent
    # Fail closed: if the module cannot be loaded or traps, requests get a 5xx instead of passing unchecked.
    failOpen: false
    config:
${Object.keys(config).length === 0 ? "      {}" : yamlBlock(config, 6)}
`
  );
}

// ---------------------------------------------------------------------------------------------------------
// Kong Gateway (declarative configuration, DB-less) with a filter chain in Kong's proxy-wasm host

function renderKong(config: Obj, o: RenderOptions): string {
  const up = splitHostPort(o.upstream ?? DEFAULTS.upstream);
  return (
    header("kong", o, [
      "Kong Gateway (DB-less) declarative configuration running the CORS filter in Kong's proxy-wasm host",
      "(ngx_wasm_module). Needs `wasm = on` and `wasm_filters_path` pointing at a directory holding",
      `${DEFAULTS.kongFilter}.wasm (the filter is named after its file). Without a schema file beside it,`,
      "Kong hands `config` to the filter as an opaque string: the JSON below, byte for byte.",
    ]) +
    `_format_version: "3.0"
services:
- name: backend
  url: ${yamlScalar(`http://${up.host}:${up.port}`)}
  routes:
  - name: backend
    paths:
    - /
  filter_chains:
  - name: cors
    filters:
    - name: ${DEFAULTS.kongFilter}
      config: ${jsonLiteral(config, 8)}
`
  );
}

// ---------------------------------------------------------------------------------------------------------
// Apache APISIX (standalone apisix.yaml) with the wasm plugin declared in config.yaml

function renderApisix(config: Obj, o: RenderOptions): string {
  const up = splitHostPort(o.upstream ?? DEFAULTS.upstream);
  return (
    header("apisix", o, [
      "Apache APISIX standalone routes (conf/apisix.yaml) using the CORS filter as a Wasm plugin. The plugin",
      `\`${DEFAULTS.apisixPlugin}\` is declared in config.yaml (wasm.plugins: name, priority, file); APISIX hands`,
      "`conf` to proxy_on_configure when the first request hits the route.",
    ]) +
    `routes:
- id: backend
  uri: /*
  upstream:
    type: roundrobin
    nodes:
      ${JSON.stringify(`${up.host}:${up.port}`)}: 1
  plugins:
    ${DEFAULTS.apisixPlugin}:
      conf: ${jsonLiteral(config, 8)}
#END
`
  );
}

// ---------------------------------------------------------------------------------------------------------

/** The manifest text for `platform` from one filter configuration (the JSON object proxy_on_configure gets). */
export function render(platform: Platform, config: object, options: RenderOptions = {}): string {
  if (!isObject(config)) throw new RenderError("the configuration must be a JSON object");
  const c = config as Obj;
  switch (platform) {
    case "envoy":
      return renderEnvoy(c, options);
    case "higress":
      return renderHigress(c, options);
    case "istio":
      return renderIstio(c, options);
    case "envoy-gateway":
      return renderEnvoyGateway(c, options);
    case "kong":
      return renderKong(c, options);
    case "apisix":
      return renderApisix(c, options);
    default:
      throw new RenderError(`unknown platform "${String(platform)}" (one of: ${PLATFORMS.join(", ")})`);
  }
}

/** A configuration's text: JSON, or YAML of the same (an empty text is `{}`); `name` serves messages. */
export function parseConfigText(text: string, name: string): Obj {
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : yaml.load(text); // JSON is YAML
  } catch (e) {
    throw new RenderError(`${name}: not valid JSON or YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (value === null || value === undefined) value = {};
  if (!isObject(value)) throw new RenderError(`${name}: the configuration must be an object`);
  return value;
}

/** Reads a configuration file: JSON, or YAML of the same (an empty file is `{}`). */
export function readConfigFile(path: string): Obj {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new RenderError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseConfigText(text, path);
}
