// `convert`: a peer gateway's own CORS configuration → this filter's configuration, with every semantic
// difference named (docs/convert.md). Pure: text in, Conversion out; the CLI (src/cli/convert.ts) prints it and
// runs the result through the filter's own validation.
import { APISIX, convertApisix } from "./apisix.js";
import { convertEnvoy, ENVOY } from "./envoy.js";
import { convertHigress, HIGRESS } from "./higress.js";
import { convertIngress, INGRESS_NGINX } from "./ingress-nginx.js";
import { convertIstio, ISTIO } from "./istio.js";
import { convertKong, KONG } from "./kong.js";
import { convertKrakend, KRAKEND } from "./krakend.js";
import { parseNative, ParseError, type ParsedFile } from "./parse.js";
import type { SourceTable } from "./table.js";
import { apiVersionOf, kindOf } from "../platforms/common.js";
import { emptyConversion, isObject, SOURCES, type Conversion, type Difference, type Source } from "./types.js";

export { ParseError } from "./parse.js";
export type { Conversion, Difference, Source } from "./types.js";
export { SOURCES } from "./types.js";

export const TABLES: SourceTable[] = [KONG, KRAKEND, APISIX, ENVOY, ISTIO, INGRESS_NGINX, HIGRESS];

export const PEER_NAMES: Record<Source, string> = {
  kong: "Kong", krakend: "KrakenD", apisix: "APISIX", envoy: "Envoy", istio: "Istio", "ingress-nginx": "the Ingress controller", higress: "Higress",
};

/** Runs one source's converter on the parsed documents. */
export function convertDocs(source: Source, docs: unknown[]): Conversion {
  const one = (f: (d: unknown) => Conversion): Conversion => {
    if (docs.length === 1) return f(docs[0]);
    const c = emptyConversion();
    c.errors.push({ path: "", message: `${docs.length} YAML documents: ${source} reads one; split the file` });
    return c;
  };
  switch (source) {
    case "kong": return one(convertKong);
    case "krakend": return one(convertKrakend);
    case "apisix": return one(convertApisix);
    case "envoy": return one(convertEnvoy);
    case "higress": return one(convertHigress);
    case "istio": return convertIstio(docs);
    case "ingress-nginx": return convertIngress(docs);
  }
}

/** Which sources a document says it is (kind/apiVersion, Kong's `_format_version`, KrakenD's namespace, …). */
function candidates(doc: unknown, format: ParsedFile["format"]): Source[] {
  if (format === "kong-form") return ["kong"];
  if (!isObject(doc)) return [];
  const kind = kindOf(doc);
  const api = apiVersionOf(doc);
  if (kind === "VirtualService" && api.startsWith("networking.istio.io/")) return ["istio"];
  if (kind === "Ingress" || (kind === "List" && Array.isArray(doc.items) && doc.items.some((i) => isObject(i) && i.kind === "Ingress"))) return ["ingress-nginx"];
  if (kind === "WasmPlugin" && api.startsWith("extensions.higress.io/")) return ["higress"];
  if ("_format_version" in doc) return ["kong"];
  if (isObject(doc.extra_config) && "security/cors" in doc.extra_config) return ["krakend"];
  const text = JSON.stringify(doc);
  if (text.includes("envoy.extensions.filters.http.cors.v3.CorsPolicy") || "static_resources" in doc || "virtual_hosts" in doc || "allow_origin_string_match" in doc) return ["envoy"];
  if (isObject(doc.plugins) && "cors" in doc.plugins) return ["apisix"];
  if (["routes", "services", "global_rules"].some((k) => Array.isArray(doc[k]) && (doc[k] as unknown[]).some((r) => isObject(r) && isObject(r.plugins) && isObject(r.plugins.cors)))) return ["apisix"];
  if (doc.name === "cors" && isObject(doc.config)) return ["kong"];
  // A bare plugin configuration: the keys say whose.
  const keys = Object.keys(doc);
  const out: Source[] = [];
  if (keys.some((k) => ["origins", "exposed_headers", "credentials", "preflight_continue", "private_network", "allow_origin_absent"].includes(k))) out.push("kong");
  if (keys.some((k) => ["allow_credential", "allow_origins_by_regex", "allow_origins_by_metadata", "timing_allow_origins_by_regex"].includes(k)) || typeof doc.allow_origins === "string") out.push("apisix");
  if (keys.some((k) => ["options_passthrough", "options_success_status"].includes(k)) || typeof doc.max_age === "string") out.push("krakend");
  if (keys.some((k) => ["allowOrigins", "allowOrigin", "allowMethods", "unmatchedPreflights"].includes(k))) out.push("istio");
  if (keys.some((k) => ["allow_origin_patterns", "_rules_"].includes(k))) out.push("higress");
  if (out.length === 0 && Array.isArray(doc.allow_origins)) out.push("higress", "krakend");
  return out;
}

export function detectSource(parsed: ParsedFile, name: string): Source {
  const all = new Set<Source>();
  for (const d of parsed.docs) for (const s of candidates(d, parsed.format)) all.add(s);
  const list = SOURCES.filter((s) => all.has(s));
  if (list.length === 1) return list[0];
  if (list.length === 0) {
    throw new ParseError(`${name}: cannot tell which gateway this file is for; give --from (${SOURCES.join(", ")})`);
  }
  throw new ParseError(`${name}: ambiguous: this could be ${list.join(" or ")}; give --from ${list.join(" or --from ")}`);
}

/** Parse, detect (unless `from` is given) and convert. Throws ParseError for unreadable or ambiguous input. */
export function convertText(text: string, opts: { from?: Source; fileName?: string } = {}): Conversion & { source: Source } {
  const name = opts.fileName ?? "input";
  const parsed = parseNative(text, name);
  const source = opts.from ?? detectSource(parsed, name);
  if (parsed.format === "kong-form" && source !== "kong") {
    throw new ParseError(`${name}: this is Kong's Admin API form (config.…=…), not ${source}`);
  }
  return { ...convertDocs(source, parsed.docs), source };
}

/** One stderr line per difference: `path: <Peer> <what it did>. Here: <what we do>. To keep <Peer>'s behaviour: <option>.` */
export function differenceLine(d: Difference, source: Source): string {
  const peer = PEER_NAMES[source];
  const where = d.path === "" ? "(file)" : d.path;
  const restore = d.restore !== undefined ? ` To keep ${peer}'s behaviour: ${d.restore}.` : "";
  return `difference: ${where}: ${peer} ${d.peer}. Here: this filter ${d.ours}.${restore} [${d.kind}]`;
}
