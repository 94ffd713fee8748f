// APISIX's `cors` plugin → this filter. Facts from apache/apisix@f519a0f (2026-08-20): apisix/plugins/cors.lua
// (schema, check_schema, set_cors_headers, header_filter, rewrite), t/plugin/cors*.t, docs/en/latest/plugins/cors.md.
// Reads a route / service / global rule (Admin API JSON body or YAML) with `plugins.cors`, a standalone
// apisix.yaml (`routes`, `services`, `global_rules`), or a bare plugin configuration.
import { assemble, type Scoped } from "./rules.js";
import { Recorder, type SourceTable } from "./table.js";
import type { Conversion, Obj, OurConfig } from "./types.js";
import { isObject } from "./types.js";
import { commaList, grouped, keyPath, stripAnchors } from "./values.js";

const CITE = "apache/apisix@f519a0f apisix/plugins/cors.lua";
/** set_cors_headers: what `**` in allow_methods becomes. */
const STARSTAR_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE"];
const KNOWN = new Set([
  "allow_origins", "allow_methods", "allow_headers", "expose_headers", "max_age", "allow_credential",
  "allow_origins_by_regex", "allow_origins_by_metadata", "timing_allow_origins", "timing_allow_origins_by_regex",
  "_meta",
]);

export const APISIX: SourceTable = {
  source: "apisix",
  title: "APISIX / API7 `cors` plugin",
  reads: "a route, service or global rule (Admin API JSON body, or YAML) with `plugins.cors`; a standalone `apisix.yaml` (`routes`, `services`, `global_rules`); or the plugin's own object",
  kinds: {
    "options-local": {
      peer: "answered every OPTIONS request itself with 200 (rewrite phase), with or without Access-Control-Request-Method, and checked neither the method nor the headers",
      ours: "answers preflights (OPTIONS with Access-Control-Request-Method) itself, 403 when the origin, method or headers are not allowed; any other OPTIONS goes to the upstream",
      restore: 'on_disallowed: "strip" (200 without CORS headers for a refused preflight)',
      aspects: ["status", "access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers", "access-control-max-age", "access-control-allow-credentials", "access-control-expose-headers", "vary"],
    },
    "headers-on-every-response": {
      peer: "sent Access-Control-Allow-Methods, -Allow-Headers, -Max-Age (and -Expose-Headers) on every response to an allowed origin",
      ours: "sends -Allow-Methods/-Allow-Headers/-Max-Age only on preflight replies and -Expose-Headers only on actual responses (Fetch reads them only there)",
      aspects: ["access-control-allow-methods", "access-control-allow-headers", "access-control-max-age", "access-control-expose-headers"],
    },
    "star-literal": {
      peer: "{key} \"*\" was sent as a literal `*` (a wildcard for browsers only without credentials, and never covering Authorization)",
      ours: '{ours}: ["*"] echoes what the preflight asked for, Authorization included',
      aspects: ["access-control-allow-methods", "access-control-allow-headers"],
    },
    "starstar-origins": {
      peer: "allow_origins \"**\" echoed any Origin, `null` and malformed values included (and `*` without an Origin)",
      ours: 'allow_origin_patterns: ["*"] echoes any well-formed origin; `null` is not echoed',
      aspects: ["access-control-allow-origin", "vary"],
    },
    "regex-unanchored": {
      peer: "searched for the regex {regex} anywhere in the Origin (ngx.re.find without anchors)",
      ours: "matches {ours} against the whole normalised origin (stricter: an origin that only contains a match is no longer allowed)",
      restore: "write `.*` where a match may be surrounded by more text",
      aspects: ["access-control-allow-origin"],
    },
    "regex-replaces-origins": {
      peer: "ignored allow_origins {value} because allow_origins_by_regex is set (header_filter)",
      ours: "leaves allow_origins out too",
      aspects: [],
    },
    "max-age-negative": {
      peer: "max_age {value} (\"no cache\") was sent as written",
      ours: "max_age: 0",
      aspects: ["access-control-max-age"],
    },
    "max-age-default": {
      peer: "max_age unset: 5",
      ours: "max_age: 5 (our default is 86400)",
      aspects: [],
    },
    "no-origin": {
      peer: "with allow_origins \"*\" added every CORS header to responses without an Origin",
      ours: "adds Access-Control-Allow-Origin: * (and -Expose-Headers) to them",
      aspects: ["access-control-allow-methods", "access-control-allow-headers", "access-control-max-age"],
    },
    "timing-unconditional": {
      peer: "sent Timing-Allow-Origin to a listed origin even when it refused the request's origin",
      ours: "sends Timing-Allow-Origin only on actual responses it grants",
      aspects: ["timing-allow-origin"],
    },
    "upstream-headers": {
      peer: "left the upstream's CORS headers on responses to origins it did not allow",
      ours: "removes the upstream's CORS headers on every response it handles",
      aspects: ["access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-methods", "access-control-allow-headers", "access-control-expose-headers", "access-control-max-age"],
    },
  },
  rows: [
    {
      key: "allow_origins",
      peerDefault: "\"*\" (literal)",
      ours: "`allow_origins` (comma string → list; `**` → `allow_origin_patterns: [\"*\"]`; `null` kept)",
      kinds: ["starstar-origins"],
      cite: CITE + " schema, process_with_allow_origins",
      example: {
        native: { plugins: { cors: { allow_origins: "http://sub.domain.com,http://sub2.domain.com", allow_methods: "GET,POST", allow_headers: "headr1,headr2", expose_headers: "ex-headr1,ex-headr2", max_age: 50, allow_credential: true } } },
        expect: { allow_origins: ["http://sub.domain.com", "http://sub2.domain.com"], allow_methods: ["GET", "POST"], allow_headers: ["headr1", "headr2"], expose_headers: ["ex-headr1", "ex-headr2"], max_age: 50, allow_credentials: true },
        kinds: ["options-local", "headers-on-every-response", "upstream-headers"],
      },
    },
    {
      key: "allow_methods / allow_headers",
      peerDefault: "\"*\" (literal)",
      ours: "`allow_methods` / `allow_headers` (`*` → `[\"*\"]`; methods `**` → APISIX's nine; headers `**` → `[\"*\"]`)",
      kinds: ["star-literal"],
      cite: CITE + " set_cors_headers",
      example: {
        native: { allow_origins: "**", allow_methods: "**", allow_headers: "**", allow_credential: true, max_age: 5 },
        expect: { allow_origin_patterns: ["*"], allow_methods: STARSTAR_METHODS, allow_headers: ["*"], max_age: 5, allow_credentials: true },
        kinds: ["starstar-origins", "options-local", "headers-on-every-response", "upstream-headers"],
      },
    },
    {
      key: "max_age",
      peerDefault: "5, sent on every response",
      ours: "`max_age` (unset → 5; `-1` → 0)",
      kinds: ["max-age-negative", "max-age-default"],
      cite: CITE + " schema; docs/en/latest/plugins/cors.md",
      example: {
        native: {},
        expect: { allow_origins: ["*"], allow_methods: ["*"], allow_headers: ["*"], max_age: 5 },
        kinds: ["max-age-default", "star-literal", "options-local", "headers-on-every-response", "no-origin"],
      },
    },
    {
      key: "allow_origins_by_regex",
      peerDefault: "—",
      ours: "`allow_origin_regexes` (replaces allow_origins, as in APISIX; `^`/`$` dropped: ours is anchored)",
      kinds: ["regex-unanchored", "regex-replaces-origins"],
      cite: CITE + " header_filter, process_with_allow_origins_by_regex",
      example: {
        native: { allow_origins: "http://sub.domain.com", allow_origins_by_regex: [".*\\.test.com$", "^http://a\\.example\\.com"], allow_methods: "GET", allow_headers: "X-Api-Key", max_age: 10 },
        expect: { allow_origin_regexes: [".*\\.test.com", "http://a\\.example\\.com"], allow_methods: ["GET"], allow_headers: ["X-Api-Key"], max_age: 10 },
        kinds: ["regex-replaces-origins", "regex-unanchored", "options-local", "headers-on-every-response", "upstream-headers"],
      },
    },
    {
      key: "timing_allow_origins",
      peerDefault: "none",
      ours: "`timing_allow_origins` (comma string → list)",
      kinds: ["timing-unconditional"],
      cite: CITE + " header_filter (TAO)",
      example: {
        native: { allow_origins: "http://sub.domain.com", timing_allow_origins: "http://sub.domain.com,http://sub2.domain.com", allow_methods: "GET", allow_headers: "X-Api-Key", max_age: 10 },
        expect: { allow_origins: ["http://sub.domain.com"], timing_allow_origins: ["http://sub.domain.com", "http://sub2.domain.com"], allow_methods: ["GET"], allow_headers: ["X-Api-Key"], max_age: 10 },
        kinds: ["timing-unconditional", "options-local", "headers-on-every-response", "upstream-headers"],
      },
    },
    {
      key: "allow_origins_by_metadata / timing_allow_origins_by_regex",
      peerDefault: "—",
      ours: "error: not convertible (plugin metadata lives outside the file; Timing-Allow-Origin takes exact origins here)",
      cite: CITE + " process_with_allow_origins_by_metadata",
      example: {
        native: { allow_origins_by_metadata: ["EXAMPLE"], timing_allow_origins_by_regex: [".*"] },
        expect: {},
        kinds: [],
        errors: ["allow_origins_by_metadata", "timing_allow_origins_by_regex"],
      },
    },
  ],
};

function commaKey(conf: Obj, key: string, path: string, rec: Recorder): string | undefined {
  const v = conf[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") {
    rec.error(keyPath(path, key), `must be a comma-separated string (APISIX's schema), got ${typeof v}`);
    return undefined;
  }
  return v;
}

function regexList(conf: Obj, key: string, path: string, rec: Recorder): string[] | undefined {
  const v = conf[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    rec.error(keyPath(path, key), "must be an array of strings");
    return undefined;
  }
  return v as string[];
}

export function convertApisixConfig(conf: Obj, path: string, rec: Recorder): OurConfig {
  const out: OurConfig = {};
  for (const k of Object.keys(conf)) {
    if (!KNOWN.has(k)) rec.error(keyPath(path, k), `is not a field of APISIX's cors plugin; the fields are ${[...KNOWN].filter((x) => x !== "_meta").join(", ")}`);
  }
  const credentials = conf.allow_credential === true;
  if (conf.allow_credential !== undefined && typeof conf.allow_credential !== "boolean") {
    rec.error(keyPath(path, "allow_credential"), "must be true or false");
  }
  if (conf.allow_origins_by_metadata !== undefined) {
    rec.error(keyPath(path, "allow_origins_by_metadata"), "cannot be converted: it names origins kept in APISIX's plugin metadata, outside this file; list those origins in allow_origins instead");
  }
  const origins = commaKey(conf, "allow_origins", path, rec) ?? "*";
  const byRegex = regexList(conf, "allow_origins_by_regex", path, rec);
  if (byRegex !== undefined) {
    if (conf.allow_origins !== undefined) rec.diff("regex-replaces-origins", keyPath(path, "allow_origins"), { value: JSON.stringify(origins) });
    out.allow_origin_regexes = byRegex.map((r, i) => {
      const { body, start, end } = stripAnchors(r);
      const ours = grouped(body);
      if (!(start && end)) rec.diff("regex-unanchored", `${keyPath(path, "allow_origins_by_regex")}[${i}]`, { regex: JSON.stringify(r), ours: JSON.stringify(ours) });
      return ours;
    });
  } else if (origins === "*") out.allow_origins = ["*"];
  else if (origins === "**") {
    out.allow_origin_patterns = ["*"];
    rec.diff("starstar-origins", keyPath(path, "allow_origins"));
  } else out.allow_origins = commaList(origins);
  const methods = commaKey(conf, "allow_methods", path, rec) ?? "*";
  if (methods === "**") out.allow_methods = [...STARSTAR_METHODS];
  else {
    out.allow_methods = methods === "*" ? ["*"] : commaList(methods);
    if (methods === "*") rec.diff("star-literal", keyPath(path, "allow_methods"), { key: "allow_methods", ours: "allow_methods" });
  }
  const headers = commaKey(conf, "allow_headers", path, rec) ?? "*";
  out.allow_headers = headers === "*" || headers === "**" ? ["*"] : commaList(headers);
  if (headers === "*") rec.diff("star-literal", keyPath(path, "allow_headers"), { key: "allow_headers", ours: "allow_headers" });
  const expose = commaKey(conf, "expose_headers", path, rec);
  if (expose !== undefined && expose !== "") out.expose_headers = commaList(expose);
  const maxAge = conf.max_age;
  if (maxAge === undefined || maxAge === null) {
    out.max_age = 5;
    rec.diff("max-age-default", keyPath(path, "max_age"));
  } else if (typeof maxAge !== "number" || !Number.isInteger(maxAge)) rec.error(keyPath(path, "max_age"), "must be an integer (APISIX's schema)");
  else if (maxAge < 0) {
    out.max_age = 0;
    rec.diff("max-age-negative", keyPath(path, "max_age"), { value: String(maxAge) });
  } else out.max_age = maxAge;
  if (credentials) out.allow_credentials = true;
  const timing = commaKey(conf, "timing_allow_origins", path, rec);
  if (conf.timing_allow_origins_by_regex !== undefined) {
    rec.error(keyPath(path, "timing_allow_origins_by_regex"), "cannot be converted: timing_allow_origins takes exact origins (or \"*\"); list them");
  } else if (timing !== undefined) {
    out.timing_allow_origins = timing === "*" || timing === "**" ? ["*"] : commaList(timing);
    rec.diff("timing-unconditional", keyPath(path, "timing_allow_origins"));
  }
  rec.diff("options-local", path === "" ? "cors" : path);
  rec.diff("headers-on-every-response", path === "" ? "cors" : path);
  if (origins === "*" && byRegex === undefined) rec.diff("no-origin", keyPath(path, "allow_origins"));
  else rec.diff("upstream-headers", path === "" ? "cors" : path);
  return out;
}

interface Entry {
  conf: Obj;
  path: string;
  kind: "route" | "service" | "global";
  id: string;
  serviceId?: string;
  hasOwn: boolean;
}

function idOf(o: Obj, fallback: string): string {
  for (const k of ["name", "id"]) if (typeof o[k] === "string" || typeof o[k] === "number") return String(o[k]);
  return fallback;
}

export function convertApisix(doc: unknown, source = "apisix"): Conversion {
  const rec = new Recorder(APISIX.kinds);
  if (!isObject(doc)) {
    rec.error("", "an APISIX document is an object");
    return rec.result([]);
  }
  const lists: Array<[string, "route" | "service" | "global"]> = [["routes", "route"], ["services", "service"], ["global_rules", "global"]];
  const standalone = lists.some(([k]) => Array.isArray(doc[k]));
  if (!standalone) {
    // One resource with plugins.cors, or the plugin's own object.
    if (isObject(doc.plugins)) {
      if (!isObject(doc.plugins.cors)) {
        rec.error("plugins", "has no cors plugin");
        return rec.result([]);
      }
      return rec.result([{ source, config: convertApisixConfig(doc.plugins.cors, "plugins.cors", rec) }]);
    }
    return rec.result([{ source, config: convertApisixConfig(doc, "", rec) }]);
  }
  const entries: Entry[] = [];
  const services = new Map<string, Entry>();
  for (const [key, kind] of lists) {
    const list = doc[key];
    if (!Array.isArray(list)) continue;
    list.forEach((r, i) => {
      if (!isObject(r)) return;
      const cors = isObject(r.plugins) && isObject(r.plugins.cors) ? r.plugins.cors : undefined;
      const e: Entry = { conf: cors ?? {}, path: `${key}[${i}].plugins.cors`, kind, id: idOf(r, `${key}[${i}]`), hasOwn: cors !== undefined };
      if (kind === "route" && (typeof r.service_id === "string" || typeof r.service_id === "number")) e.serviceId = String(r.service_id);
      if (kind === "service") services.set(typeof r.id === "string" || typeof r.id === "number" ? String(r.id) : e.id, e);
      entries.push(e);
    });
  }
  const globals = entries.filter((e) => e.kind === "global" && e.hasOwn);
  if (globals.length > 1) rec.error(globals[1].path, "a second global rule with cors: convert one");
  const global = globals.length > 0 ? convertApisixConfig(globals[0].conf, globals[0].path, rec) : undefined;
  // A route's plugin wins over its service's (APISIX merges service plugins into the route, route first).
  const scoped: Scoped[] = [];
  for (const r of entries.filter((e) => e.kind === "route")) {
    const svc = r.serviceId !== undefined ? services.get(r.serviceId) : undefined;
    const from = r.hasOwn ? r : svc !== undefined && svc.hasOwn ? svc : undefined;
    if (from === undefined) continue;
    scoped.push({ config: convertApisixConfig(from.conf, from.path, rec), label: `route ${r.id}`, route: [r.id] });
    rec.note(`${from.path} → _rules_ entry matching route ${r.id}`);
  }
  if (global === undefined && scoped.length === 0) {
    rec.error("routes", "no cors plugin on any route, service or global rule");
    return rec.result([]);
  }
  if (global === undefined && scoped.length === 1) {
    rec.note(`${scoped[0].label}: its cors plugin becomes the whole configuration`);
    return rec.result([{ source, config: scoped[0].config }]);
  }
  if (scoped.length > 0) rec.note("_match_route_ is the route's name in Envoy/Higress: give the new gateway's routes the APISIX route names (or ids)");
  return rec.result([{ source, config: assemble(global, scoped) }]);
}
