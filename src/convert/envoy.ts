// Envoy's CORS (the envoy.filters.http.cors filter with a CorsPolicy in typed_per_filter_config, or the legacy
// route / virtual-host `cors` field) → this filter. Facts from envoyproxy/envoy:
//   api/envoy/extensions/filters/http/cors/v3/cors.proto (CorsPolicy fields; forward_not_matching_preflights),
//   api/envoy/config/route/v3/route_components.proto (the legacy `cors` field),
//   source/extensions/filters/http/cors/cors_filter.cc @001cbf1 (initializeCorsPolicies: route before virtual
//   host, field by field; legacy fields only when no typed policy; isOriginAllowed; decodeHeaders; encodeHeaders),
//   test/extensions/filters/http/cors/cors_filter_{test,integration_test}.cc.
// Istio's VirtualService.corsPolicy becomes the same CorsPolicy (istio/api networking/v1alpha3
// virtual_service.proto @b8f8791), so src/convert/istio.ts reuses `convertPolicy`.
import { addMatcher, MATCHER_KINDS, type OriginKeys } from "./matchers.js";
import { assemble, type Scoped } from "./rules.js";
import { Recorder, SHARED_KINDS, type KindSpec, type SourceTable } from "./table.js";
import type { Aspect, Conversion, Obj, OurConfig } from "./types.js";
import { isObject } from "./types.js";
import { commaList, keyPath, putOrigins } from "./values.js";

const CITE = "envoyproxy/envoy source/extensions/filters/http/cors/cors_filter.cc@001cbf1";
const CORS_POLICY_TYPE = "envoy.extensions.filters.http.cors.v3.CorsPolicy";

const ALL_CORS: Aspect[] = [
  "status", "access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-methods",
  "access-control-allow-headers", "access-control-max-age", "access-control-allow-private-network", "vary",
];

/** Kinds shared by Envoy and Istio (Istio configures Envoy's filter). */
export const POLICY_KINDS: Record<string, KindSpec> = {
  ...(MATCHER_KINDS as unknown as Record<string, KindSpec>),
  "forward-unmatched": {
    peer: "forwarded a preflight from an origin it did not allow to the upstream ({key} unset or true)",
    ours: "answers it with 403 and no CORS header",
    restore: 'on_disallowed: "strip" answers 200 without CORS headers (Envoy\'s behaviour with the forwarding off); nothing forwards only refused preflights',
    aspects: ALL_CORS,
  },
  "strip-local": {
    peer: "{key} false: answered a preflight from an origin it did not allow with 200 carrying Access-Control-Allow-Methods/-Headers/-Max-Age (and -Credentials)",
    ours: 'on_disallowed: "strip": 200 without any CORS header (the browser fails it either way)',
    aspects: ["access-control-allow-methods", "access-control-allow-headers", "access-control-max-age", "access-control-allow-credentials"],
  },
  "preflight-not-checked": {
    peer: "never checked a preflight's requested method or headers: it answered 200 with its own lists",
    ours: "answers 403 when the method (other than GET, HEAD, POST) or a header is not allowed (the browser failed those too)",
    restore: 'on_disallowed: "strip" (200 without CORS headers)',
    aspects: ALL_CORS,
  },
  "methods-unset": {
    peer: "{key} unset: sent no Access-Control-Allow-Methods, so browsers allowed only GET, HEAD and POST",
    ours: "allow_methods: [] (GET, HEAD and POST are always allowed)",
    aspects: ["access-control-allow-methods"],
  },
  "headers-unset": {
    peer: "{key} unset: sent no Access-Control-Allow-Headers, so browsers allowed only CORS-safelisted request headers",
    ours: "allow_headers: []",
    aspects: ["access-control-allow-headers"],
  },
  "max-age-unset": {
    peer: "{key} unset: sent no Access-Control-Max-Age (browsers then cache a preflight for 5 s)",
    ours: "max_age: 5 (the same 5 s)",
    aspects: ["access-control-max-age"],
  },
  "no-vary": {
    peer: "never sent Vary (envoyproxy/envoy issue #35873)",
    ours: "sends Vary: Origin whenever the answer depends on the Origin, and the preflight Vary on preflights",
    aspects: ["vary"],
  },
  "untouched-when-refused": SHARED_KINDS["untouched-when-refused"],
  "actual-method": SHARED_KINDS["actual-method"],
  "shadow": {
    peer: "{key}: evaluated the Origin and counted it (cors.origin_valid / origin_invalid) without enforcing",
    ours: 'mode: "report_only": decides, counts and logs, changes nothing',
    aspects: [],
  },
  "runtime-key": {
    peer: "{key}.runtime_key {value}: the percentage could be changed at run time",
    ours: "uses default_value only",
    aspects: [],
  },
  "no-cors-filter": {
    peer: "has no envoy.filters.http.cors in http_filters, so Envoy applied none of these policies",
    ours: "the converted configuration applies them (put the filter only where CORS was meant)",
    aspects: ALL_CORS,
  },
};

/** A CorsPolicy with its fields as the proto has them (strings) and the path each field came from. */
export interface Policy {
  matchers: Array<{ m: unknown; path: string }>;
  originsPath: string;
  methods?: { value: string; path: string };
  headers?: { value: string; path: string };
  expose?: { value: string; path: string };
  maxAge?: { seconds: number | null; raw: unknown; path: string };
  credentials?: { value: boolean; path: string };
  pna?: { value: boolean; path: string };
  forward?: { value: boolean; path: string };
  enabled?: { value: unknown; path: string };
  shadow?: { value: unknown; path: string };
  /** Field names as the source writes them, for the difference lines. */
  names: { methods: string; headers: string; maxAge: string; forward: string };
}

function boolValue(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (isObject(v) && typeof v.value === "boolean") return v.value;
  return undefined;
}

/** RuntimeFractionalPercent → { percent, runtimeKey }. */
function percent(v: unknown, path: string, rec: Recorder): { pct: number; runtimeKey?: string } | null {
  if (!isObject(v)) {
    rec.error(path, "must be a RuntimeFractionalPercent");
    return null;
  }
  const dv = isObject(v.default_value) ? v.default_value : isObject(v.defaultValue) ? v.defaultValue : {};
  const num = Number(dv.numerator ?? 0);
  const den = String(dv.denominator ?? "HUNDRED");
  const scale = den === "TEN_THOUSAND" ? 10000 : den === "MILLION" ? 1000000 : 100;
  const key = typeof v.runtime_key === "string" ? v.runtime_key : typeof v.runtimeKey === "string" ? v.runtimeKey : undefined;
  return { pct: (num / scale) * 100, runtimeKey: key };
}

/** The filter's keys from one (merged) policy. `label` names the entry in notes. */
export function convertPolicy(p: Policy, rec: Recorder): OurConfig | null {
  const out: OurConfig = {};
  const keys: OriginKeys = { any: false, exact: [], regexes: [] };
  p.matchers.forEach(({ m, path }) => addMatcher(m, path, keys, rec));
  const credentials = p.credentials?.value === true;
  if (keys.any) {
    if (credentials) out.allow_origin_patterns = ["*"];
    else out.allow_origins = ["*"];
  } else {
    putOrigins(out, keys.exact, keys.regexes);
  }
  const list = (f: { value: string; path: string } | undefined): string[] | undefined =>
    f === undefined || f.value === "" ? undefined : f.value.trim() === "*" ? ["*"] : commaList(f.value);
  const methods = list(p.methods);
  if (methods === undefined) {
    out.allow_methods = [];
    rec.diff("methods-unset", p.methods?.path ?? p.originsPath, { key: p.names.methods });
  } else {
    out.allow_methods = methods;
    if (methods[0] !== "*") rec.diff("actual-method", p.methods!.path);
  }
  const headers = list(p.headers);
  if (headers === undefined) {
    out.allow_headers = [];
    rec.diff("headers-unset", p.headers?.path ?? p.originsPath, { key: p.names.headers });
  } else out.allow_headers = headers;
  const expose = list(p.expose);
  if (expose !== undefined) out.expose_headers = expose;
  if (p.maxAge === undefined) {
    out.max_age = 5;
    rec.diff("max-age-unset", p.originsPath, { key: p.names.maxAge });
  } else if (p.maxAge.seconds === null || !Number.isInteger(p.maxAge.seconds) || p.maxAge.seconds < 0) {
    rec.error(p.maxAge.path, `${JSON.stringify(p.maxAge.raw)} is not a whole number of seconds`);
  } else out.max_age = p.maxAge.seconds;
  if (credentials) out.allow_credentials = true;
  if (p.pna?.value === true) out.allow_private_network = true;
  if (p.forward?.value === false) {
    out.on_disallowed = "strip";
    rec.diff("strip-local", p.forward.path, { key: p.names.forward });
  } else rec.diff("forward-unmatched", p.forward?.path ?? p.originsPath, { key: p.names.forward });
  rec.diff("preflight-not-checked", p.originsPath);
  rec.diff("no-vary", p.originsPath);
  rec.diff("untouched-when-refused", p.originsPath);
  // filter_enabled / shadow_enabled (cors_filter.cc enabled(), shadowEnabled()).
  const en = p.enabled !== undefined ? percent(p.enabled.value, p.enabled.path, rec) : { pct: 100 };
  const sh = p.shadow !== undefined ? percent(p.shadow.value, p.shadow.path, rec) : { pct: 0 };
  if (en === null || sh === null) return null;
  for (const [f, v] of [[p.enabled, en], [p.shadow, sh]] as const) {
    if (f !== undefined && v.runtimeKey !== undefined) rec.diff("runtime-key", f.path, { key: f.path, value: JSON.stringify(v.runtimeKey) });
  }
  if (en.pct >= 100) return out;
  if (en.pct > 0) {
    rec.error(p.enabled!.path, `is ${en.pct}%: this filter cannot enforce CORS on a share of the requests; use 100% (enforce) or 0% with shadow_enabled (report only)`);
    return null;
  }
  if (sh.pct >= 100) {
    out.mode = "report_only";
    rec.diff("shadow", p.shadow!.path, { key: p.shadow!.path });
    return out;
  }
  rec.error(p.shadow?.path ?? p.enabled!.path, sh.pct > 0
    ? `shadow_enabled is ${sh.pct}%: report_only applies to every request; use 100%`
    : "filter_enabled is 0% and shadow_enabled is not set: Envoy did no CORS here; remove the policy rather than convert it");
  return null;
}

/** The Policy fields a more specific policy overrides one by one (readPolicy reads each from its key). */
const FIELDS: Array<keyof Policy> = ["methods", "headers", "expose", "maxAge", "credentials", "pna", "forward", "enabled", "shadow"];

/** One Envoy CorsPolicy object (typed or legacy) → a partial Policy; merged later, most specific first. */
function readPolicy(o: Obj, path: string, rec: Recorder): Partial<Policy> {
  const p: Partial<Policy> = {};
  const matchers = o.allow_origin_string_match;
  if (Array.isArray(matchers) && matchers.length > 0) {
    p.matchers = matchers.map((m, i) => ({ m, path: `${path}.allow_origin_string_match[${i}]` }));
    p.originsPath = `${path}.allow_origin_string_match`;
  }
  const str = (k: string): { value: string; path: string } | undefined =>
    typeof o[k] === "string" && o[k] !== "" ? { value: o[k] as string, path: keyPath(path, k) } : undefined;
  p.methods = str("allow_methods");
  p.headers = str("allow_headers");
  p.expose = str("expose_headers");
  if (o.max_age !== undefined && o.max_age !== "") {
    const raw = o.max_age;
    const seconds = typeof raw === "number" ? raw : typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : null;
    p.maxAge = { seconds, raw, path: keyPath(path, "max_age") };
  }
  for (const [field, key] of [["credentials", "allow_credentials"], ["pna", "allow_private_network_access"], ["forward", "forward_not_matching_preflights"]] as const) {
    const b = boolValue(o[key]);
    if (b !== undefined) (p as Record<string, unknown>)[field] = { value: b, path: keyPath(path, key) };
  }
  if (o.filter_enabled !== undefined) p.enabled = { value: o.filter_enabled, path: keyPath(path, "filter_enabled") };
  if (o.shadow_enabled !== undefined) p.shadow = { value: o.shadow_enabled, path: keyPath(path, "shadow_enabled") };
  for (const k of ["allow_origin", "allow_origin_regex", "enabled"]) {
    if (o[k] !== undefined) rec.error(keyPath(path, k), "is a field Envoy's v3 API removed; use allow_origin_string_match / filter_enabled");
  }
  return p;
}

/** Field by field, the first (most specific) policy that sets a field wins (cors_filter.cc allowMethods() …). */
function merge(chain: Array<Partial<Policy>>, fallbackPath: string): Policy {
  const out: Policy = {
    matchers: [], originsPath: fallbackPath,
    names: { methods: "allow_methods", headers: "allow_headers", maxAge: "max_age", forward: "forward_not_matching_preflights" },
  };
  const withOrigins = chain.find((p) => p.matchers !== undefined);
  if (withOrigins !== undefined) {
    out.matchers = withOrigins.matchers!;
    out.originsPath = withOrigins.originsPath!;
  }
  for (const field of FIELDS) {
    const hit = chain.find((p) => p[field] !== undefined);
    if (hit !== undefined) (out as unknown as Record<string, unknown>)[field] = hit[field];
  }
  return out;
}

function typedCors(tpfc: unknown, path: string): { o: Obj; path: string } | undefined {
  if (!isObject(tpfc)) return undefined;
  for (const [name, v] of Object.entries(tpfc)) {
    if (!isObject(v)) continue;
    const type = typeof v["@type"] === "string" ? (v["@type"] as string) : "";
    if (type.endsWith(CORS_POLICY_TYPE) || (type === "" && name === "envoy.filters.http.cors")) {
      return { o: v, path: keyPath(keyPath(path, "typed_per_filter_config"), name) };
    }
  }
  return undefined;
}

export const ENVOY: SourceTable = {
  source: "envoy",
  title: "Envoy CORS filter (`CorsPolicy`)",
  reads: "a bootstrap, a route configuration or an RDS resource: `typed_per_filter_config` `envoy.filters.http.cors` (`CorsPolicy`) on the route configuration, virtual hosts and routes, or the legacy `cors` field",
  kinds: POLICY_KINDS,
  rows: [
    {
      key: "allow_origin_string_match",
      peerDefault: "none = no origin allowed",
      ours: "exact origin → `allow_origins`; prefix / suffix / contains / safe_regex → `allow_origin_regexes`; a matcher matching `*` → any origin",
      kinds: ["matches-star", "exact-case", "matcher-regex", "prefix-origin"],
      cite: CITE + " isOriginAllowed; api/envoy/type/matcher/v3/string.proto",
      example: {
        native: { allow_origin_string_match: [{ exact: "https://app.example.com" }, { suffix: ".example.org" }, { safe_regex: { regex: "https://[a-z]+\\.example\\.net" } }], allow_methods: "GET,POST", allow_headers: "content-type", max_age: "600" },
        expect: { allow_origins: ["https://app.example.com"], allow_origin_regexes: [".*\\.example\\.org", "https://[a-z]+\\.example\\.net"], allow_methods: ["GET", "POST"], allow_headers: ["content-type"], max_age: 600 },
        kinds: ["matcher-regex", "actual-method", "forward-unmatched", "preflight-not-checked", "no-vary", "untouched-when-refused"],
      },
    },
    {
      key: "allow_methods / allow_headers / expose_headers",
      peerDefault: "unset = header not sent",
      ours: "lists (comma string split; `*` → `[\"*\"]`; unset → `[]`)",
      kinds: ["methods-unset", "headers-unset", "actual-method"],
      cite: CITE + " decodeHeaders",
      example: {
        native: { allow_origin_string_match: [{ prefix: "*" }], expose_headers: "x-request-id" },
        expect: { allow_origins: ["*"], allow_methods: [], allow_headers: [], expose_headers: ["x-request-id"], max_age: 5 },
        kinds: ["matches-star", "methods-unset", "headers-unset", "max-age-unset", "forward-unmatched", "preflight-not-checked", "no-vary", "untouched-when-refused"],
      },
    },
    {
      key: "max_age",
      peerDefault: "unset = not sent",
      ours: "`max_age` (unset → 5, what browsers assume)",
      kinds: ["max-age-unset"],
      cite: CITE + " decodeHeaders (`if (!maxAge().empty())`)",
      example: {
        native: { allow_origin_string_match: [{ exact: "https://a.example.com" }], allow_methods: "*", allow_headers: "*", max_age: "0" },
        expect: { allow_origins: ["https://a.example.com"], allow_methods: ["*"], allow_headers: ["*"], max_age: 0 },
        kinds: ["forward-unmatched", "preflight-not-checked", "no-vary", "untouched-when-refused"],
      },
    },
    {
      key: "allow_credentials / allow_private_network_access",
      peerDefault: "false",
      ours: "`allow_credentials` / `allow_private_network`",
      cite: CITE + " decodeHeaders, encodeHeaders",
      example: {
        native: { allow_origin_string_match: [{ exact: "*" }], allow_methods: "*", allow_headers: "*", max_age: "60", allow_credentials: true, allow_private_network_access: true },
        expect: { allow_origin_patterns: ["*"], allow_methods: ["*"], allow_headers: ["*"], max_age: 60, allow_credentials: true, allow_private_network: true },
        kinds: ["matches-star", "forward-unmatched", "preflight-not-checked", "no-vary", "untouched-when-refused"],
      },
    },
    {
      key: "forward_not_matching_preflights",
      peerDefault: "true (forward)",
      ours: "false → `on_disallowed: \"strip\"`; true → our 403",
      kinds: ["forward-unmatched", "strip-local"],
      cite: CITE + " forwardNotMatchingPreflights; envoyproxy/envoy PR #33051",
      example: {
        native: { allow_origin_string_match: [{ exact: "https://a.example.com" }], allow_methods: "*", allow_headers: "*", max_age: "60", forward_not_matching_preflights: false },
        expect: { allow_origins: ["https://a.example.com"], allow_methods: ["*"], allow_headers: ["*"], max_age: 60, on_disallowed: "strip" },
        kinds: ["strip-local", "preflight-not-checked", "no-vary", "untouched-when-refused"],
      },
    },
    {
      key: "filter_enabled / shadow_enabled",
      peerDefault: "100% / 0%",
      ours: "100% → enforce; 0% with shadow 100% → `mode: \"report_only\"`; other shares → error",
      kinds: ["shadow", "runtime-key"],
      cite: CITE + " enabled(), shadowEnabled(); cors.proto",
      example: {
        native: { allow_origin_string_match: [{ exact: "https://a.example.com" }], allow_methods: "*", allow_headers: "*", max_age: "60", filter_enabled: { default_value: { numerator: 0 } }, shadow_enabled: { default_value: { numerator: 100 } } },
        expect: { allow_origins: ["https://a.example.com"], allow_methods: ["*"], allow_headers: ["*"], max_age: 60, mode: "report_only" },
        kinds: ["shadow", "forward-unmatched", "preflight-not-checked", "no-vary", "untouched-when-refused"],
      },
    },
  ],
};

interface RouteEff {
  policy: Policy | null;
  name?: string;
  path: string;
}

function policyKey(p: Policy | null): string {
  return JSON.stringify(p);
}

export function convertEnvoy(doc: unknown, source = "envoy"): Conversion {
  const rec = new Recorder(ENVOY.kinds);
  // A bare CorsPolicy (the typed config, or its fields) converts alone.
  if (isObject(doc) && (String(doc["@type"] ?? "").endsWith(CORS_POLICY_TYPE) || "allow_origin_string_match" in doc)) {
    const p = merge([readPolicy(doc, "", rec)], "allow_origin_string_match");
    const config = convertPolicy(p, rec);
    return rec.result(config === null ? [] : [{ source, config }]);
  }
  const routeConfigs: Array<{ rc: Obj; path: string }> = [];
  let httpFilters: unknown[] | undefined;
  let hasCorsFilter = false;
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`));
    if (!isObject(node)) return;
    if (Array.isArray(node.virtual_hosts)) routeConfigs.push({ rc: node, path });
    if (Array.isArray(node.http_filters)) {
      httpFilters = node.http_filters;
      for (const f of node.http_filters) {
        const t = isObject(f) && isObject(f.typed_config) ? String(f.typed_config["@type"] ?? "") : "";
        if (isObject(f) && (f.name === "envoy.filters.http.cors" || t.endsWith("envoy.extensions.filters.http.cors.v3.Cors"))) hasCorsFilter = true;
      }
    }
    for (const [k, v] of Object.entries(node)) if (k !== "virtual_hosts") walk(v, keyPath(path, k));
  };
  walk(doc, "");
  if (routeConfigs.length === 0) {
    rec.error("", "no route configuration (virtual_hosts) and no CorsPolicy in this Envoy file");
    return rec.result([]);
  }
  const configs: Array<{ source: string; config: OurConfig }> = [];
  for (const { rc, path: rcPath } of routeConfigs) {
    const rcTyped = typedCors(rc.typed_per_filter_config, rcPath);
    const scoped: Scoped[] = [];
    let global: OurConfig | undefined;
    const vhosts = rc.virtual_hosts as unknown[];
    const converted = new Map<string, OurConfig | null>();
    const convertOnce = (p: Policy): OurConfig | null => {
      const k = policyKey(p);
      if (!converted.has(k)) converted.set(k, convertPolicy(p, rec));
      return converted.get(k)!;
    };
    vhosts.forEach((vh, vi) => {
      if (!isObject(vh)) return;
      const vhPath = `${keyPath(rcPath, "virtual_hosts")}[${vi}]`;
      const vhTyped = typedCors(vh.typed_per_filter_config, vhPath);
      const routes = Array.isArray(vh.routes) ? vh.routes : [];
      const effs: RouteEff[] = routes.map((r, ri) => {
        const rPath = `${vhPath}.routes[${ri}]`;
        const ro = isObject(r) ? r : {};
        const rTyped = typedCors(ro.typed_per_filter_config, rPath);
        const typed = [rTyped, vhTyped, rcTyped].filter((x) => x !== undefined) as Array<{ o: Obj; path: string }>;
        let chain: Array<Partial<Policy>>;
        if (typed.length > 0) chain = typed.map((t) => readPolicy(t.o, t.path, rec));
        else {
          const legacy: Array<{ o: Obj; path: string }> = [];
          const rCors = isObject(ro.route) && isObject(ro.route.cors) ? { o: ro.route.cors, path: `${rPath}.route.cors` } : isObject(ro.cors) ? { o: ro.cors, path: `${rPath}.cors` } : undefined;
          if (rCors !== undefined) legacy.push(rCors);
          if (isObject(vh.cors)) legacy.push({ o: vh.cors, path: `${vhPath}.cors` });
          chain = legacy.map((t) => readPolicy(t.o, t.path, rec));
        }
        const name = typeof ro.name === "string" ? ro.name : undefined;
        return { policy: chain.length > 0 ? merge(chain, `${(typed[typed.length - 1] ?? { path: vhPath }).path}.allow_origin_string_match`) : null, name, path: rPath };
      });
      if (effs.length === 0 || effs.every((e) => e.policy === null)) return;
      const domains = Array.isArray(vh.domains) ? vh.domains.filter((d): d is string => typeof d === "string") : ["*"];
      const same = effs.every((e) => policyKey(e.policy) === policyKey(effs[0].policy));
      if (same) {
        const config = convertOnce(effs[0].policy!);
        if (config === null) return;
        if (domains.includes("*")) {
          if (global !== undefined) rec.error(vhPath, "a second virtual host for every domain (\"*\")");
          global = config;
        } else scoped.push({ config, label: `virtual host ${String(vh.name ?? vi)}`, domain: domains });
        return;
      }
      for (const e of effs) {
        if (e.policy === null) continue; // no policy: no rule, as Envoy did nothing there
        if (e.name === undefined) {
          rec.error(e.path, "has a CORS policy of its own but no name: _match_route_ needs the route's name; name the route");
          continue;
        }
        const config = convertOnce(e.policy);
        if (config !== null) scoped.push({ config, label: `route ${e.name}`, route: [e.name] });
      }
    });
    if (global === undefined && scoped.length === 0) continue;
    const name = typeof rc.name === "string" ? rc.name : rcPath || "route configuration";
    configs.push({ source: `${source} ${name}`, config: assemble(global, scoped) });
  }
  if (httpFilters !== undefined && !hasCorsFilter) rec.diff("no-cors-filter", "http_filters");
  if (configs.length === 0 && rec.errors.length === 0) rec.error("", "no CORS policy on any route configuration, virtual host or route");
  return rec.result(configs);
}
