// What every platform module shares: the value types, the errors, the header comment, and the two ways a
// configuration is written into a platform's file (a YAML mapping, or JSON text in a string field).
import yaml from "js-yaml";
import { VERSION } from "../version.js";

export type Obj = { [key: string]: unknown };

export function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `render` refuses a configuration no platform file could carry (exit status 1). */
export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RenderError";
  }
}

/** A deployment file that carries no usable plugin configuration (exit status 1). */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ManifestError";
  }
}


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

/** One platform: its file from a configuration, and the configurations back from a parsed document. */
export interface PlatformModule {
  /** The file text that runs the filter with `config` (the JSON object proxy_on_configure gets). */
  render(config: Obj, options: RenderOptions): string;
  /**
   * The plugin configurations a parsed YAML/JSON document of this platform carries, in document order;
   * `null` when the document is not one of this platform's.
   */
  extract(doc: Obj): Extracted[] | null;
}

export type ConfigKind =
  | "json"
  | "yaml"
  | "higress-wasmplugin"
  | "istio-wasmplugin"
  | "envoy-bootstrap"
  | "envoy-gateway"
  | "kong"
  | "apisix";

/** One plugin configuration found in a deployment file. */
export interface Extracted {
  kind: ConfigKind;
  /** Where it sits, for messages ("Higress WasmPlugin higress-system/cors"). */
  label: string;
  /** The bytes (as text) the platform hands to proxy_on_configure; null = the plugin is not pushed at all. */
  produce: () => string | null;
}

/**
 * YAML of a value, deterministic: keys in their order, lists as blocks, strings double-quoted wherever a
 * YAML 1.1 or 1.2 parser could read them as something else (js-yaml's compatibility mode quotes yes/no/on/off,
 * y/n and 12:30 too), multi-line strings as literal blocks, no line folding, no anchors.
 */
export function toYaml(value: unknown): string {
  try {
    return yaml.dump(value, { quotingType: '"', lineWidth: -1, noRefs: true, noArrayIndent: true });
  } catch (e) {
    throw new RenderError(`cannot render the configuration: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** JSON with objects one key a line and lists of scalars on one line (the form people write by hand). */
export function prettyJson(value: unknown, indent = 0): string {
  const pad = " ".repeat(indent);
  const isScalar = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v);
  if (Array.isArray(value)) {
    if (value.every(isScalar)) return "[" + value.map((x) => JSON.stringify(x)).join(", ") + "]";
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
  if (typeof value === "number" && !Number.isFinite(value)) throw new RenderError(`not a JSON number: ${value}`);
  return JSON.stringify(value);
}

/** The configuration as the text of a string field (Envoy StringValue, Kong `config`, APISIX `conf`). */
export function jsonText(config: Obj): string {
  return prettyJson(config) + "\n";
}

/**
 * The comment block a rendered file starts with: how it was generated, what it is, then the notes on
 * individual keys (YAML from js-yaml carries no comments, so they are all written here).
 */
export function header(platform: string, options: RenderOptions, what: string[], notes: string[] = []): string {
  const lines: string[] = [];
  if (options.source !== undefined) {
    lines.push(`# Generated by \`cors-proxy-wasm render ${platform} --config ${options.source}\`:`);
    lines.push(`# edit ${options.source} and render again (a test fails when the two drift apart).`);
  } else {
    lines.push(`# Generated by \`cors-proxy-wasm render ${platform}\`.`);
  }
  for (const w of what) lines.push(`# ${w}`);
  for (const n of notes) lines.push(n === "" ? "#" : `# ${n}`);
  return lines.join("\n") + "\n";
}

export function splitHostPort(upstream: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(upstream);
  if (m === null) throw new RenderError(`upstream must be host:port, got "${upstream}"`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new RenderError(`upstream port out of range: ${m[2]}`);
  return { host: m[1], port };
}

/** A document's apiVersion and kind ("" when absent or not a string). */
export function apiVersionOf(doc: Obj): string {
  return typeof doc.apiVersion === "string" ? doc.apiVersion : "";
}

export function kindOf(doc: Obj): string {
  return typeof doc.kind === "string" ? doc.kind : "";
}

/** "namespace/name" of a Kubernetes object, for messages. */
export function manifestName(doc: Obj): string {
  const md = isObject(doc.metadata) ? doc.metadata : {};
  const ns = typeof md.namespace === "string" ? `${md.namespace}/` : "";
  return `${ns}${typeof md.name === "string" ? md.name : "(unnamed)"}`;
}

/** A configuration field holding a string is passed as is; any other value as its JSON (Kong, APISIX). */
export function rawOrJson(v: unknown): string {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * Go's protojson encoding of a google.protobuf.Struct, as Istio does before wrapping it in a StringValue:
 * object keys sorted (protojson ranges over map entries in key order), every number is a double.
 */
export function protoJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** The bytes an Istio-style WasmPlugin hands the filter for a Struct: none (or an empty Struct, which becomes an
 *  empty Any) is zero bytes, anything else its protojson. */
export function structBytes(struct: Obj | undefined): string {
  return struct === undefined || Object.keys(struct).length === 0 ? "" : protoJson(struct);
}

/** `spec.pluginConfig` of an Istio-style WasmPlugin (Istio's, and Higress's where it wins over the rest);
 *  undefined when absent. */
export function pluginConfigOf(spec: Obj): Obj | undefined {
  const pc = spec.pluginConfig;
  if (pc === undefined || pc === null) return undefined;
  if (!isObject(pc)) throw new ManifestError("spec.pluginConfig must be an object");
  return pc;
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
