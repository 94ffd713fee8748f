// Turns the file a deployment carries into the exact bytes the filter receives in proxy_on_configure, the way
// `serve`, `check` and `explain` read `--config FILE` (docs/cli.md, "Configuration files"):
//   - the filter's own JSON (passed verbatim, so the filter's parser reports byte offsets in the user's file)
//   - YAML of the same (re-encoded as JSON)
//   - any file of a platform: each platform module's `extract` (Higress, Istio, Envoy Gateway, Kong, APISIX,
//     an Envoy bootstrap / EnvoyFilter / ConfigMap), tried in a fixed order
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { apisix } from "./apisix.js";
import { apiVersionOf, isObject, kindOf, ManifestError, type ConfigKind, type Extracted, type Obj } from "./common.js";
import { envoy } from "./envoy.js";
import { envoyGateway } from "./envoy-gateway.js";
import { higress } from "./higress.js";
import { istio } from "./istio.js";
import { kong } from "./kong.js";

export interface LoadedConfig {
  /** The plugin configuration bytes as text; `null` when the plugin would not be pushed at all. */
  config: string | null;
  kind: ConfigKind;
  /** Human-readable description of where the configuration came from. */
  source: string;
  /** Notes for the user (which document was used, why nothing is pushed, …). */
  notes: string[];
}

function isComposeFile(doc: Obj): boolean {
  if (!isObject(doc.services)) return false;
  const svcs = Object.values(doc.services);
  return svcs.length > 0 && svcs.every((v) => isObject(v) && ("image" in v || "build" in v));
}

/** The configurations one document carries; [] = a document of no interest; null = the filter's own configuration. */
function extractAll(doc: unknown): Extracted[] | null {
  if (!isObject(doc)) return null;
  // Kubernetes objects are recognised by apiVersion and kind first
  for (const platform of [higress, istio, envoyGateway]) {
    const found = platform.extract(doc);
    if (found !== null) return found;
  }
  const apiVersion = apiVersionOf(doc);
  const kind = kindOf(doc);
  if (apiVersion !== "" && kind !== "" && kind !== "EnvoyFilter" && kind !== "ConfigMap") return []; // other manifests
  for (const platform of [kong, apisix]) {
    const found = platform.extract(doc);
    if (found !== null) return found;
  }
  if (apiVersion === "" && isComposeFile(doc)) {
    throw new ManifestError(
      "this is a docker compose file: it carries no plugin configuration itself; pass the file it mounts " +
        "(e.g. examples/envoy.yaml)",
    );
  }
  return envoy.extract(doc);
}

function pick(found: Extracted[], fileName: string, notes: string[]): Extracted {
  if (found.length === 1) return found[0];
  const cors = found.filter((c) => /cors/i.test(c.label));
  const chosen = cors.length > 0 ? cors[0] : found[0];
  notes.push(
    `${fileName} holds ${found.length} plugin configurations; using ${chosen.label} (others: ${found
      .filter((c) => c !== chosen)
      .map((c) => c.label)
      .join("; ")})`,
  );
  return chosen;
}

function fromExtracted(found: Extracted[], fileName: string, notes: string[]): LoadedConfig {
  if (found.length === 0) {
    throw new ManifestError(`${fileName}: no plugin configuration found in this manifest`);
  }
  const chosen = pick(found, fileName, notes);
  const config = chosen.produce();
  if (config === null) {
    notes.push(
      `${chosen.label}: defaultConfigDisable is true and no match rule is enabled, so the Higress controller ` +
        `does not push this plugin at all`,
    );
  }
  return { config, kind: chosen.kind, source: chosen.label, notes };
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
    const found = extractAll(parsedJson);
    if (found === null) return { config: text, kind: "json", source: fileName, notes };
    return fromExtracted(found, fileName, notes);
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
  const all: Extracted[] = [];
  let plain: unknown = undefined;
  let plainCount = 0;
  for (const d of docs) {
    const found = extractAll(d);
    if (found === null) {
      plainCount++;
      if (plain === undefined) plain = d;
    } else all.push(...found);
  }
  if (all.length === 0 && plainCount === 1 && docs.length === 1) {
    // not an object: the filter says so
    return { config: JSON.stringify(plain), kind: "yaml", source: fileName, notes };
  }
  if (all.length === 0) {
    throw new ManifestError(
      `${fileName}: no plugin configuration found (looked for a Higress or Istio WasmPlugin, an Envoy ` +
        `bootstrap with envoy.filters.http.wasm, an Envoy Gateway EnvoyExtensionPolicy with spec.wasm)`,
    );
  }
  return fromExtracted(all, fileName, notes);
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

export { ManifestError, protoJson } from "./common.js";
export { higressToConfig, higressPluginStruct } from "./higress.js";
export { istioToConfig } from "./istio.js";
