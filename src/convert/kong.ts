// Kong's `cors` plugin → this filter. Facts from Kong/kong@22246ef (2026-07-01):
//   kong/plugins/cors/schema.lua (keys, defaults), kong/plugins/cors/handler.lua (configure_origin,
//   configure_credentials, access, header_filter), spec/03-plugins/13-cors/01-access_spec.lua (behaviour).
// Reads a declarative kong.yaml (every `cors` plugin: global, service, route), one plugin object
// (`{name: cors, config: {...}}`, the Admin API's JSON body) or a bare `config` object.
import { assemble, type Scoped } from "./rules.js";
import { Recorder, SHARED_KINDS, type SourceTable } from "./table.js";
import type { Conversion, Obj, OurConfig } from "./types.js";
import { isObject } from "./types.js";
import { commaList, grouped, hasTopLevelAlternation, isOrigin, keyPath, putOrigins, stripAnchors } from "./values.js";

const CITE = "Kong/kong@22246ef kong/plugins/cors/";
/** schema.lua METHODS: the default of `methods` and what handler.lua sends when it is unset. */
const KONG_METHODS = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT"];
const KNOWN = new Set([
  "origins", "headers", "exposed_headers", "methods", "max_age", "credentials", "private_network",
  "preflight_continue", "allow_origin_absent",
]);

export const KONG: SourceTable = {
  source: "kong",
  title: "Kong `cors` plugin",
  reads: "declarative `kong.yaml` (`plugins`, `services[].plugins`, `services[].routes[].plugins`, `routes[].plugins`), one plugin object or its `config`, and the Admin API form (`config.origins=…` lines)",
  kinds: {
    "disallowed-preflight": {
      peer: "answered every preflight with 200 and its Access-Control-Allow-Methods/-Headers/-Max-Age lists, leaving out only Access-Control-Allow-Origin for an origin it did not allow; it never checked the requested method or headers",
      ours: "answers a preflight whose origin, method or headers are not allowed with 403 and no CORS header (browsers failed those preflights with Kong too)",
      restore: 'on_disallowed: "strip" (200, no CORS header)',
      aspects: ["status", "access-control-allow-methods", "access-control-allow-headers", "access-control-max-age", "access-control-allow-credentials", "access-control-allow-private-network"],
    },
    "acrh-echo": {
      peer: "`headers` unset: echoed the preflight's Access-Control-Request-Headers byte for byte",
      ours: 'allow_headers: ["*"] echoes the requested names, each checked as a token and lower-cased (a preflight asking for a name that is not a token is refused)',
      aspects: ["access-control-allow-headers", "status"],
    },
    "max-age-unset": {
      peer: "`max_age` unset: sent no Access-Control-Max-Age (browsers then cache a preflight for 5 s)",
      ours: "max_age: 5, sent on every allowed preflight (the same 5 s)",
      aspects: ["access-control-max-age"],
    },
    "static-single-origin": {
      peer: "one plain origin {origin}: sent it as Access-Control-Allow-Origin on every response, whatever the request's Origin (the browser compared)",
      ours: "sends it only to a request whose Origin is {origin} (others get no grant); the browser sees the same outcome",
      aspects: ["access-control-allow-origin", "access-control-allow-credentials", "access-control-expose-headers"],
    },
    "normalised-acao": {
      peer: "compared origins after dropping a default port and answered with that normalised form (`http://a.test:80` → `http://a.test`)",
      ours: "compares the same way but echoes the request's Origin byte for byte (Fetch requires it)",
      aspects: ["access-control-allow-origin"],
    },
    "host-regex": {
      peer: "a regex without ':' ({regex}) was matched against the Origin's host only: any scheme, any port",
      ours: "allow_origin_regexes entry {ours} says so explicitly (any scheme, any port)",
      aspects: [],
    },
    "regex-alternation": {
      peer: "appended `$` to the whole regex {regex}, so only its last alternative was anchored at the end (`a\\.test|b\\.test` also allowed `https://a.test.evil.example`)",
      ours: "matches every alternative against the whole origin ({ours})",
      restore: "append `.*` to an alternative that should match a prefix",
      aspects: ["access-control-allow-origin"],
    },
    "credentials-any-origin": {
      peer: "any origin with `credentials: true`: echoed the request's Origin (any site, `null` included) with Access-Control-Allow-Credentials: true",
      ours: 'allow_origin_patterns: ["*"] echoes any well-formed origin with credentials (a warning at check; `null` is not echoed)',
      aspects: ["access-control-allow-origin", "vary"],
    },
    "acac-on-rejected": {
      peer: "`credentials: true`: sent Access-Control-Allow-Credentials: true also to origins it did not allow",
      ours: "sends it only with a grant",
      aspects: ["access-control-allow-credentials"],
    },
    "origin-absent": {
      peer: "`allow_origin_absent` {value}: {what} to responses of requests without an Origin",
      ours: "adds CORS headers to requests without an Origin only for allow_origins [\"*\"] (a literal *), never a credential grant",
      aspects: ["access-control-allow-origin", "access-control-allow-credentials", "access-control-expose-headers", "vary"],
    },
    "preflight-continue": {
      peer: "`preflight_continue: true`: forwarded every preflight to the upstream and added no CORS header to its answer",
      ours: "preflight_continue: true forwards allowed preflights and adds its CORS headers to the upstream's answer; a disallowed preflight gets 403",
      restore: 'on_disallowed: "strip" forwards disallowed preflights without CORS headers',
      aspects: ["status", "access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers", "access-control-max-age", "access-control-allow-credentials", "vary"],
    },
    "actual-method": SHARED_KINDS["actual-method"],
  },
  rows: [
    {
      key: "origins (plain origins)",
      peerDefault: "unset = any origin, literal `*`",
      ours: "`allow_origins` (unset or `[\"*\"]` → `[\"*\"]`)",
      kinds: ["normalised-acao", "static-single-origin"],
      cite: CITE + "handler.lua configure_origin, normalize_origin",
      example: {
        native: { name: "cors", config: { origins: ["http://my-site.test", "https://my-other-site.test:9000"] } },
        expect: { allow_origins: ["http://my-site.test", "https://my-other-site.test:9000"], allow_methods: KONG_METHODS, allow_headers: ["*"], max_age: 5 },
        kinds: ["normalised-acao", "disallowed-preflight", "acrh-echo", "max-age-unset", "origin-absent"],
      },
    },
    {
      key: "origins (regexes: any character outside `A-Za-z0-9.:/-`)",
      peerDefault: "—",
      ours: "`allow_origin_regexes`, `^`/`$` dropped; without `:` wrapped as `[a-z][a-z0-9+.-]*://(?:…)(?::[0-9]+)?`",
      kinds: ["host-regex", "regex-alternation"],
      cite: CITE + "handler.lua configure_origin (by_host, `$` appended, flag `a`); spec 01-access_spec.lua regex table",
      example: {
        native: { config: { origins: ["(.*[./])?foo\\.test", "^https://(.*[.])?bar\\.test:8000$"], headers: ["Content-Type"], max_age: 600 } },
        expect: {
          allow_origin_regexes: ["[a-z][a-z0-9+.-]*://(?:(.*[./])?foo\\.test)(?::[0-9]+)?", "https://(.*[.])?bar\\.test:8000"],
          allow_methods: KONG_METHODS, allow_headers: ["Content-Type"], max_age: 600,
        },
        kinds: ["host-regex", "disallowed-preflight", "origin-absent"],
      },
    },
    {
      key: "credentials",
      peerDefault: "false",
      ours: "`allow_credentials`; with any origin → `allow_origin_patterns: [\"*\"]`",
      kinds: ["credentials-any-origin", "acac-on-rejected"],
      cite: CITE + "handler.lua configure_credentials",
      example: {
        native: { config: { origins: ["*"], credentials: true, max_age: 3600 } },
        expect: { allow_origin_patterns: ["*"], allow_credentials: true, allow_methods: KONG_METHODS, allow_headers: ["*"], max_age: 3600 },
        kinds: ["credentials-any-origin", "disallowed-preflight", "acrh-echo", "origin-absent"],
      },
    },
    {
      key: "headers",
      peerDefault: "unset = echo Access-Control-Request-Headers",
      ours: "`allow_headers` (unset → `[\"*\"]`)",
      kinds: ["acrh-echo"],
      cite: CITE + "handler.lua access (`conf.headers` else the request's ACRH)",
      example: {
        native: { config: { origins: ["https://app.example.com"], headers: ["Accept, Content-Type"] , max_age: 60} },
        expect: { allow_origins: ["https://app.example.com"], allow_methods: KONG_METHODS, allow_headers: ["Accept", "Content-Type"], max_age: 60 },
        kinds: ["static-single-origin", "normalised-acao", "disallowed-preflight", "origin-absent"],
      },
    },
    {
      key: "exposed_headers",
      peerDefault: "none",
      ours: "`expose_headers`",
      cite: CITE + "handler.lua header_filter",
      example: {
        native: { config: { origins: ["https://a.example.com", "https://b.example.com"], exposed_headers: ["X-Auth-Token"], max_age: 60 } },
        expect: { allow_origins: ["https://a.example.com", "https://b.example.com"], expose_headers: ["X-Auth-Token"], allow_methods: KONG_METHODS, allow_headers: ["*"], max_age: 60 },
        kinds: ["normalised-acao", "disallowed-preflight", "acrh-echo", "origin-absent"],
      },
    },
    {
      key: "methods",
      peerDefault: "GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT",
      ours: "`allow_methods` (unset → Kong's nine)",
      kinds: ["actual-method"],
      cite: CITE + "schema.lua METHODS; handler.lua access",
      example: {
        native: { config: { methods: ["GET", "POST"], max_age: 60 } },
        expect: { allow_origins: ["*"], allow_methods: ["GET", "POST"], allow_headers: ["*"], max_age: 60 },
        kinds: ["actual-method", "disallowed-preflight", "acrh-echo"],
      },
    },
    {
      key: "max_age",
      peerDefault: "unset = no Access-Control-Max-Age",
      ours: "`max_age` (unset → 5, what browsers assume)",
      kinds: ["max-age-unset"],
      cite: CITE + "handler.lua access (`if conf.max_age`)",
      example: {
        native: { config: { max_age: 3600 } },
        expect: { allow_origins: ["*"], allow_methods: KONG_METHODS, allow_headers: ["*"], max_age: 3600 },
        kinds: ["disallowed-preflight", "acrh-echo"],
      },
    },
    {
      key: "private_network",
      peerDefault: "false",
      ours: "`allow_private_network`",
      cite: CITE + "schema.lua; handler.lua access",
      example: {
        native: { config: { private_network: true, max_age: 10 } },
        expect: { allow_origins: ["*"], allow_methods: KONG_METHODS, allow_headers: ["*"], max_age: 10, allow_private_network: true },
        kinds: ["disallowed-preflight", "acrh-echo"],
      },
    },
    {
      key: "preflight_continue",
      peerDefault: "false",
      ours: "`preflight_continue`",
      kinds: ["preflight-continue"],
      cite: CITE + "handler.lua access (skip_response_headers)",
      example: {
        native: { config: { preflight_continue: true, max_age: 10 } },
        expect: { allow_origins: ["*"], allow_methods: KONG_METHODS, allow_headers: ["*"], max_age: 10, preflight_continue: true },
        kinds: ["preflight-continue", "disallowed-preflight", "acrh-echo"],
      },
    },
    {
      key: "allow_origin_absent",
      peerDefault: "true",
      ours: "— (no key: CORS headers without an Origin only for a literal `*`)",
      kinds: ["origin-absent"],
      cite: CITE + "schema.lua; handler.lua header_filter",
      example: {
        native: { config: { allow_origin_absent: false, max_age: 10 } },
        expect: { allow_origins: ["*"], allow_methods: KONG_METHODS, allow_headers: ["*"], max_age: 10 },
        kinds: ["origin-absent", "disallowed-preflight", "acrh-echo"],
      },
    },
    {
      key: "origins (entry without a scheme)",
      peerDefault: "—",
      ours: "error: Kong compared it with the whole `scheme://host` and it never matched a browser's Origin",
      cite: CITE + "handler.lua normalize_origin; spec 01-access_spec.lua \"does not automatically parse the host\"",
      example: {
        native: { config: { origins: ["example.test", "example.org"] } },
        expect: {},
        kinds: [],
        errors: ["config.origins[0]", "config.origins[1]"],
      },
    },
  ],
};

function stringList(v: unknown, path: string, rec: Recorder): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const items = typeof v === "string" ? [v] : v; // the Admin API form gives one string
  if (!Array.isArray(items)) {
    rec.error(path, `must be a list of strings, got ${typeof v}`);
    return undefined;
  }
  const out: string[] = [];
  items.forEach((x, i) => {
    if (typeof x !== "string") rec.error(`${path}[${i}]`, `must be a string, got ${typeof x}`);
    else out.push(x);
  });
  return out;
}

/** A header or method list: Kong joins entries with "," — an entry "Accept, Content-Type" is two names. */
function splitNames(list: string[]): string[] {
  return list.flatMap(commaList);
}

function bool(v: unknown, path: string, rec: Recorder): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true"; // Admin API form values are strings
  rec.error(path, `must be true or false, got ${JSON.stringify(v)}`);
  return undefined;
}

/** One Kong `config` → our configuration. `path` is the config's own path (e.g. `plugins[0].config`). */
export function convertKongConfig(conf: Obj, path: string, rec: Recorder): OurConfig {
  const out: OurConfig = {};
  for (const k of Object.keys(conf)) {
    if (!KNOWN.has(k)) rec.error(keyPath(path, k), `is not a field of Kong's cors plugin (schema.lua); the fields are ${[...KNOWN].join(", ")}`);
  }
  const credentials = bool(conf.credentials, keyPath(path, "credentials"), rec) ?? false;
  const originsPath = keyPath(path, "origins");
  const origins = stringList(conf.origins, originsPath, rec) ?? [];
  // handler.lua configure_origin: no entry, or any "*" entry, is allow-all (literal *, or the echoed Origin
  // with credentials, configure_credentials).
  const allowAll = origins.length === 0 || origins.includes("*");
  if (allowAll) {
    if (credentials) {
      out.allow_origin_patterns = ["*"];
      rec.diff("credentials-any-origin", originsPath);
    } else out.allow_origins = ["*"];
  } else {
    const exact: string[] = [];
    const regexes: string[] = [];
    origins.forEach((entry, i) => {
      const p = `${originsPath}[${i}]`;
      const plain = /^[A-Za-z0-9.:/-]+$/.test(entry); // handler.lua: "[^A-Za-z0-9.:/-]" means regex
      if (plain) {
        if (!isOrigin(entry)) {
          rec.error(p, `"${entry}" has no scheme: Kong compared it with the request's whole normalised origin ` +
            `(scheme://host[:port]), so it never matched a browser's Origin; write the origin, e.g. "https://${entry}"`);
          return;
        }
        exact.push(entry.replace(/\/$/, ""));
        if (origins.length === 1) rec.diff("static-single-origin", p, { origin: entry });
        rec.diff("normalised-acao", originsPath);
        return;
      }
      const { body } = stripAnchors(entry);
      const byHost = !entry.includes(":");
      const ours = byHost ? `[a-z][a-z0-9+.-]*://(?:${body})(?::[0-9]+)?` : grouped(body);
      if (byHost) rec.diff("host-regex", p, { regex: JSON.stringify(entry), ours: JSON.stringify(ours) });
      if (hasTopLevelAlternation(body)) rec.diff("regex-alternation", p, { regex: JSON.stringify(entry), ours: JSON.stringify(ours) });
      regexes.push(ours);
    });
    putOrigins(out, exact, regexes);
  }
  if (credentials) {
    out.allow_credentials = true;
    if (!allowAll) rec.diff("acac-on-rejected", keyPath(path, "credentials"));
  }
  const methods = stringList(conf.methods, keyPath(path, "methods"), rec);
  out.allow_methods = methods === undefined ? [...KONG_METHODS] : splitNames(methods);
  if (methods !== undefined) rec.diff("actual-method", keyPath(path, "methods"));
  const headers = stringList(conf.headers, keyPath(path, "headers"), rec);
  if (headers === undefined || headers.length === 0) {
    out.allow_headers = ["*"];
    rec.diff("acrh-echo", keyPath(path, "headers"));
  } else out.allow_headers = splitNames(headers);
  const exposed = stringList(conf.exposed_headers, keyPath(path, "exposed_headers"), rec);
  if (exposed !== undefined && exposed.length > 0) out.expose_headers = splitNames(exposed);
  const maxAgePath = keyPath(path, "max_age");
  const maxAge = conf.max_age === undefined || conf.max_age === null ? undefined : Number(conf.max_age);
  if (maxAge === undefined) {
    out.max_age = 5;
    rec.diff("max-age-unset", maxAgePath);
  } else if (!Number.isInteger(maxAge) || maxAge < 0) {
    rec.error(maxAgePath, `${JSON.stringify(conf.max_age)} is not a whole number of seconds (Kong sent it as written; browsers ignore such a value)`);
  } else out.max_age = maxAge;
  if (bool(conf.private_network, keyPath(path, "private_network"), rec) === true) out.allow_private_network = true;
  if (bool(conf.preflight_continue, keyPath(path, "preflight_continue"), rec) === true) {
    out.preflight_continue = true;
    rec.diff("preflight-continue", keyPath(path, "preflight_continue"));
  }
  const absent = bool(conf.allow_origin_absent, keyPath(path, "allow_origin_absent"), rec) ?? true;
  const literalStar = allowAll && !credentials;
  if (absent && !literalStar) {
    rec.diff("origin-absent", keyPath(path, "allow_origin_absent"), {
      value: "true (the default)",
      what: "added Access-Control-Allow-Origin (and -Credentials, -Expose-Headers)",
    });
  } else if (!absent && literalStar) {
    rec.diff("origin-absent", keyPath(path, "allow_origin_absent"), { value: "false", what: "added no CORS header" });
  }
  rec.diff("disallowed-preflight", path);
  return out;
}

interface KongEntry {
  conf: Obj;
  path: string;
  route?: string;
  service?: Obj;
  serviceRef?: string;
  label: string;
}

function refName(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (isObject(v)) return typeof v.name === "string" ? v.name : typeof v.id === "string" ? v.id : undefined;
  return undefined;
}

function isCors(p: unknown): p is Obj {
  return isObject(p) && p.name === "cors";
}

/** `host:port` as our `_match_service_` wants it (docs/config.md), from a Kong service's url or host/port. */
function serviceMatch(svc: Obj | undefined): string | undefined {
  if (svc === undefined) return undefined;
  if (typeof svc.url === "string") {
    try {
      const u = new URL(svc.url);
      const port = u.port !== "" ? u.port : u.protocol === "https:" ? "443" : "80";
      return `${u.hostname}:${port}`;
    } catch {
      return undefined;
    }
  }
  if (typeof svc.host === "string") {
    const port = svc.port ?? (svc.protocol === "https" ? 443 : 80);
    return `${svc.host}:${String(port)}`;
  }
  return undefined;
}

function collect(doc: Obj): KongEntry[] {
  const entries: KongEntry[] = [];
  const services = Array.isArray(doc.services) ? doc.services : [];
  const byName = new Map<string, Obj>();
  services.forEach((s) => {
    if (isObject(s) && typeof s.name === "string") byName.set(s.name, s);
  });
  const fromPlugins = (plugins: unknown, base: string, scope: Partial<KongEntry>): void => {
    if (!Array.isArray(plugins)) return;
    plugins.forEach((p, i) => {
      if (!isCors(p)) return;
      const path = `${base}[${i}]`;
      const conf = isObject(p.config) ? p.config : {};
      const route = scope.route ?? refName(p.route);
      const serviceRef = scope.serviceRef ?? refName(p.service);
      const service = scope.service ?? (serviceRef !== undefined ? byName.get(serviceRef) : undefined);
      const label = route !== undefined ? `route "${route}"` : serviceRef !== undefined ? `service "${serviceRef}"` : "global";
      entries.push({ conf, path: `${path}.config`, route, service, serviceRef, label, ...(p.enabled === false ? { disabled: true } : {}) } as KongEntry);
    });
  };
  fromPlugins(doc.plugins, "plugins", {});
  services.forEach((s, i) => {
    if (!isObject(s)) return;
    const name = refName(s) ?? `services[${i}]`;
    fromPlugins(s.plugins, `services[${i}].plugins`, { service: s, serviceRef: name });
    if (Array.isArray(s.routes)) {
      s.routes.forEach((r, j) => {
        if (!isObject(r)) return;
        fromPlugins(r.plugins, `services[${i}].routes[${j}].plugins`, { route: refName(r) ?? `services[${i}].routes[${j}]` });
      });
    }
  });
  if (Array.isArray(doc.routes)) {
    doc.routes.forEach((r, j) => {
      if (!isObject(r)) return;
      fromPlugins(r.plugins, `routes[${j}].plugins`, { route: refName(r) ?? `routes[${j}]` });
    });
  }
  if (Array.isArray(doc.consumers)) {
    doc.consumers.forEach((c, i) => {
      if (isObject(c) && Array.isArray(c.plugins) && c.plugins.some(isCors)) entries.push({ conf: {}, path: `consumers[${i}].plugins`, label: "consumer", consumer: true } as unknown as KongEntry);
    });
  }
  return entries;
}

export function convertKong(doc: unknown, source = "kong"): Conversion {
  const rec = new Recorder(KONG.kinds);
  if (!isObject(doc)) {
    rec.error("", "a Kong document is an object (a declarative file, a plugin object or its config)");
    return rec.result([]);
  }
  // One plugin object, or its bare config.
  if (!("_format_version" in doc) && !Array.isArray(doc.plugins) && !Array.isArray(doc.services) && !Array.isArray(doc.routes)) {
    if ("name" in doc && doc.name !== "cors") {
      rec.error("name", `is ${JSON.stringify(doc.name)}, not the cors plugin`);
      return rec.result([]);
    }
    const conf = isObject(doc.config) ? doc.config : "config" in doc || "name" in doc ? {} : doc;
    const path = conf === doc ? "" : "config";
    return rec.result([{ source, config: convertKongConfig(conf, path, rec) }]);
  }
  const entries = collect(doc).filter((e) => {
    if ((e as unknown as { consumer?: boolean }).consumer) {
      rec.error(e.path, "a cors plugin on a consumer: Kong's cors schema refuses consumer scope (no_consumer), so this file is not one Kong accepts");
      return false;
    }
    if ((e as unknown as { disabled?: boolean }).disabled) {
      rec.note(`${e.path}: enabled: false, left out`);
      return false;
    }
    return true;
  });
  if (entries.length === 0) {
    rec.error("plugins", "no enabled cors plugin in this Kong file");
    return rec.result([]);
  }
  const converted = entries.map((e) => ({ e, config: convertKongConfig(e.conf, e.path, rec) }));
  if (converted.length === 1) {
    const { e, config } = converted[0];
    if (e.label !== "global") rec.note(`${e.path}: the ${e.label} plugin becomes the whole configuration: attach the filter where that ${e.route !== undefined ? "route" : "service"} is served`);
    return rec.result([{ source: `${source} ${e.path}`, config }]);
  }
  const globals = converted.filter((c) => c.e.route === undefined && c.e.serviceRef === undefined);
  if (globals.length > 1) rec.error(globals[1].e.path, "a second global cors plugin: Kong allows one per scope");
  // Kong's precedence: route+service, then route, then service, then global (most specific wins).
  const rank = (c: (typeof converted)[number]): number => (c.e.route !== undefined ? (c.e.serviceRef !== undefined ? 0 : 1) : 2);
  const scoped: Scoped[] = [];
  for (const c of converted.filter((x) => !globals.includes(x)).sort((a, b) => rank(a) - rank(b))) {
    const s: Scoped = { config: c.config, label: c.e.label };
    if (c.e.route !== undefined) s.route = [c.e.route];
    if (c.e.serviceRef !== undefined && (c.e.route === undefined || c.e.service !== undefined)) {
      const m = serviceMatch(c.e.service);
      if (m !== undefined) s.service = [m];
      else if (c.e.route === undefined) {
        rec.error(c.e.path, `service "${c.e.serviceRef}" has no url or host in this file: _match_service_ needs host:port`);
        continue;
      }
    }
    rec.note(`${c.e.path} (${c.e.label}) → _rules_ entry matching ${s.route !== undefined ? `route ${s.route[0]}` : ""}${s.service !== undefined ? ` service ${s.service[0]}` : ""}`.replace("  ", " "));
    scoped.push(s);
  }
  if (scoped.length > 0) rec.note("_match_route_ is the route's name in Envoy/Higress and _match_service_ the cluster's host:port: give the new gateway's routes the Kong route names");
  return rec.result([{ source, config: assemble(globals[0]?.config, scoped) }]);
}
