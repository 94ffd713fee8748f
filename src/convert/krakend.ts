// KrakenD's `security/cors` (krakend-cors, on rs/cors) → this filter. Facts from krakend/krakend-cors@3de27a1
// (2026-08-18): cors.go ConfigGetter (keys, max_age through time.ParseDuration), gin/cors.go and mux/cors.go New
// (empty allow_origins → ["*"], empty allow_headers → ["*"], options_success_status 0 → 200), go.mod (rs/cors
// v1.11.1); rs/cors behaviour from docs/peers.md (rs/cors@c9e5260: one `*` per origin, prefix + suffix match on the
// lower-cased origin; default methods GET, POST, HEAD; methods checked, OPTIONS passthrough); KrakenD's own page
// (https://www.krakend.io/docs/service-settings/cors/) for the file layout (service-level `extra_config`).
import { Recorder, type SourceTable } from "./table.js";
import type { Conversion, Obj, OurConfig } from "./types.js";
import { isObject } from "./types.js";
import { escapeRegex, goDurationSeconds, isOrigin, keyPath, putOrigins, wildcardAsPattern } from "./values.js";

const CITE = "krakend/krakend-cors@3de27a1 ";
const NS = "security/cors";
const KNOWN = new Set([
  "allow_origins", "allow_methods", "allow_headers", "expose_headers", "allow_credentials", "max_age",
  "allow_private_network", "options_passthrough", "options_success_status", "debug",
]);

export const KRAKEND: SourceTable = {
  source: "krakend",
  title: "KrakenD `security/cors`",
  reads: "`krakend.json` (service-level `extra_config.\"security/cors\"`), or the `security/cors` object itself",
  kinds: {
    "any-origin-credentials": {
      peer: "allow_origins \"*\" (or empty) with allow_credentials: answered Access-Control-Allow-Origin: * with -Allow-Credentials: true, which browsers refuse for credentialed requests",
      ours: 'allow_origins: ["*"] without credentials (the same outcome in browsers)',
      restore: 'allow_origin_patterns: ["*"] with allow_credentials: true echoes any origin with credentials',
      aspects: ["access-control-allow-credentials"],
    },
    "wildcard-regex": {
      peer: "{origin}: `*` matched any run of characters (rs/cors prefix + suffix)",
      ours: "allow_origin_regexes entry {ours} (the same origins)",
      aspects: [],
    },
    "max-age-unset": {
      peer: "max_age unset (or not a Go duration): sent no Access-Control-Max-Age (browsers then cache a preflight for 5 s)",
      ours: "max_age: 5 (the same 5 s)",
      aspects: ["access-control-max-age"],
    },
    "max-age-rounded": {
      peer: "max_age {value} = {seconds} s, truncated to whole seconds",
      ours: "max_age: {whole}",
      aspects: [],
    },
    "options-passthrough": {
      peer: "options_passthrough: every preflight went on to the endpoints after the CORS headers were set",
      ours: "preflight_continue: true forwards allowed preflights; a refused one gets 403",
      restore: 'on_disallowed: "strip" forwards refused preflights without CORS headers',
      aspects: ["status"],
    },
    "status-not-204": {
      peer: "options_success_status {value}",
      ours: "preflight_status takes 200 or 204 only",
      aspects: ["status"],
    },
    "refused-preflight": {
      peer: "answered a preflight it refused with {status} and only Vary (rs/cors)",
      ours: "answers it with 403 and the preflight Vary",
      restore: 'on_disallowed: "strip" (preflight_status, no CORS header)',
      aspects: ["status"],
    },
    "safelisted-methods": {
      peer: "allow_methods {methods}: a preflight for GET, HEAD or POST failed unless listed (rs/cors)",
      ours: "always allows GET, HEAD and POST (Fetch never requires them to be listed)",
      aspects: ["status", "access-control-allow-origin", "access-control-allow-methods"],
    },
    "debug": {
      peer: "debug: rs/cors logged every request",
      ours: "debug: true logs one line per decision",
      aspects: [],
    },
  },
  rows: [
    {
      key: "allow_origins",
      peerDefault: "empty = any origin, literal `*`",
      ours: "`allow_origins`; `https://*.x.y` → `allow_origin_patterns`; another `*` → `allow_origin_regexes`",
      kinds: ["wildcard-regex", "any-origin-credentials"],
      cite: CITE + "gin/cors.go New; rs/cors wildcard origins",
      example: {
        native: { version: 3, extra_config: { [NS]: { allow_origins: ["https://app.example.com", "https://*.example.org", "http://localhost:*"], allow_methods: ["GET", "POST", "PUT"], allow_headers: ["Authorization"], max_age: "12h", allow_credentials: true } } },
        expect: { allow_origins: ["https://app.example.com"], allow_origin_patterns: ["https://*.example.org"], allow_origin_regexes: ["http://localhost:.*"], allow_methods: ["GET", "POST", "PUT"], allow_headers: ["Authorization"], max_age: 43200, allow_credentials: true },
        kinds: ["wildcard-regex", "safelisted-methods", "refused-preflight"],
      },
    },
    {
      key: "allow_methods / allow_headers / expose_headers",
      peerDefault: "methods GET, HEAD, POST; headers empty = any (`*`); expose none",
      ours: "`allow_methods` (unset → GET, HEAD, POST) / `allow_headers` (unset → `[\"*\"]`) / `expose_headers`",
      kinds: ["safelisted-methods"],
      cite: CITE + "gin/cors.go New (AllowHeaders default); rs/cors default methods",
      example: {
        native: { allow_origins: ["*"], allow_methods: ["PUT"], expose_headers: ["Content-Length"] },
        expect: { allow_origins: ["*"], allow_methods: ["PUT"], allow_headers: ["*"], expose_headers: ["Content-Length"], max_age: 5 },
        kinds: ["safelisted-methods", "max-age-unset", "refused-preflight"],
      },
    },
    {
      key: "max_age",
      peerDefault: "unset = not sent",
      ours: "`max_age` in whole seconds (Go duration `\"12h\"`, `\"1h30m\"`, `\"1.5h\"`, `\"300ms\"`)",
      kinds: ["max-age-unset", "max-age-rounded"],
      cite: CITE + "cors.go ConfigGetter (time.ParseDuration), gin/cors.go (int(MaxAge.Seconds()))",
      example: {
        native: { allow_origins: ["https://a.example.com"], max_age: "1.5h" },
        expect: { allow_origins: ["https://a.example.com"], allow_methods: ["GET", "HEAD", "POST"], allow_headers: ["*"], max_age: 5400 },
        kinds: ["refused-preflight"],
      },
    },
    {
      key: "options_passthrough / options_success_status",
      peerDefault: "false / 200 (KrakenD's default, not rs/cors' 204)",
      ours: "`preflight_continue` / `preflight_status` (200 or 204)",
      kinds: ["options-passthrough", "status-not-204"],
      cite: CITE + "gin/cors.go New",
      example: {
        native: { allow_origins: ["https://a.example.com"], options_passthrough: true, options_success_status: 204, max_age: "10m" },
        expect: { allow_origins: ["https://a.example.com"], allow_methods: ["GET", "HEAD", "POST"], allow_headers: ["*"], max_age: 600, preflight_continue: true, preflight_status: 204 },
        kinds: ["options-passthrough", "refused-preflight"],
      },
    },
    {
      key: "allow_private_network / debug / allow_credentials",
      peerDefault: "false",
      ours: "`allow_private_network` / `debug` / `allow_credentials`",
      kinds: ["debug"],
      cite: CITE + "cors.go ConfigGetter",
      example: {
        native: { allow_origins: [], allow_private_network: true, debug: true, allow_credentials: true, max_age: "60s" },
        expect: { allow_origins: ["*"], allow_methods: ["GET", "HEAD", "POST"], allow_headers: ["*"], max_age: 60, allow_private_network: true, debug: true },
        kinds: ["debug", "any-origin-credentials", "refused-preflight"],
      },
    },
  ],
};

function list(o: Obj, key: string, path: string, rec: Recorder): string[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    rec.error(keyPath(path, key), "must be a list of strings");
    return [];
  }
  // getList keeps the strings and skips anything else
  return v.filter((x): x is string => typeof x === "string");
}

export function convertKrakendConfig(c: Obj, path: string, rec: Recorder): OurConfig {
  const out: OurConfig = {};
  for (const k of Object.keys(c)) {
    if (!KNOWN.has(k) && !k.startsWith("@")) rec.error(keyPath(path, k), `is not a key of security/cors; the keys are ${[...KNOWN].join(", ")}`);
  }
  const credentials = c.allow_credentials === true;
  const origins = list(c, "allow_origins", path, rec);
  const any = origins.length === 0 || origins.includes("*");
  if (any) {
    out.allow_origins = ["*"];
    if (credentials) rec.diff("any-origin-credentials", keyPath(path, "allow_credentials"));
  } else {
    const exact: string[] = [];
    const patterns: string[] = [];
    const regexes: string[] = [];
    origins.forEach((o, i) => {
      const p = `${keyPath(path, "allow_origins")}[${i}]`;
      const lower = o.toLowerCase(); // rs/cors lower-cases configured origins and the request's
      if (!lower.includes("*")) {
        if (!isOrigin(lower) && lower !== "null") rec.error(p, `${JSON.stringify(o)} is not an origin (scheme://host[:port]); rs/cors compared it whole, so it never matched a browser's Origin`);
        else exact.push(lower);
        return;
      }
      const pattern = wildcardAsPattern(lower);
      if (pattern !== null) {
        patterns.push(pattern);
        return;
      }
      const star = lower.indexOf("*"); // rs/cors: the first `*` splits prefix and suffix
      const ours = `${escapeRegex(lower.slice(0, star))}.*${escapeRegex(lower.slice(star + 1))}`;
      rec.diff("wildcard-regex", p, { origin: JSON.stringify(o), ours: JSON.stringify(ours) });
      regexes.push(ours);
    });
    putOrigins(out, exact, regexes, patterns);
  }
  const methods = list(c, "allow_methods", path, rec);
  out.allow_methods = methods.length === 0 ? ["GET", "HEAD", "POST"] : methods.map((m) => m.toUpperCase());
  const upper = out.allow_methods as string[];
  if (!upper.includes("*") && !["GET", "HEAD", "POST"].every((m) => upper.includes(m))) {
    rec.diff("safelisted-methods", keyPath(path, "allow_methods"), { methods: JSON.stringify(methods) });
  }
  const headers = list(c, "allow_headers", path, rec);
  out.allow_headers = headers.length === 0 ? ["*"] : headers;
  const expose = list(c, "expose_headers", path, rec);
  if (expose.length > 0) out.expose_headers = expose;
  const maPath = keyPath(path, "max_age");
  const seconds = typeof c.max_age === "string" ? goDurationSeconds(c.max_age) : null;
  if (seconds === null || seconds <= 0) {
    // int(0s) is rs/cors' "no header"; a value Go cannot parse is ignored (ConfigGetter)
    if (c.max_age !== undefined && seconds === null) rec.error(maPath, `${JSON.stringify(c.max_age)} is not a Go duration ("12h", "90m", "3600s"); KrakenD ignored it`);
    out.max_age = 5;
    rec.diff("max-age-unset", maPath);
  } else {
    out.max_age = Math.trunc(seconds);
    if (!Number.isInteger(seconds)) rec.diff("max-age-rounded", maPath, { value: JSON.stringify(c.max_age), seconds: String(seconds), whole: String(out.max_age) });
  }
  if (credentials && !any) out.allow_credentials = true;
  if (c.allow_private_network === true) out.allow_private_network = true;
  if (c.options_passthrough === true) {
    out.preflight_continue = true;
    rec.diff("options-passthrough", keyPath(path, "options_passthrough"));
  }
  const status = c.options_success_status === undefined || c.options_success_status === 0 ? 200 : c.options_success_status;
  if (status === 204) out.preflight_status = 204;
  else if (status !== 200) rec.error(keyPath(path, "options_success_status"), `${JSON.stringify(status)}: preflight_status takes 200 or 204`);
  if (c.debug === true) {
    out.debug = true;
    rec.diff("debug", keyPath(path, "debug"));
  }
  rec.diff("refused-preflight", path === "" ? NS : path, { status: String(status) });
  return out;
}

export function convertKrakend(doc: unknown, source = "krakend"): Conversion {
  const rec = new Recorder(KRAKEND.kinds);
  if (!isObject(doc)) {
    rec.error("", "a KrakenD file is an object");
    return rec.result([]);
  }
  if (isObject(doc.extra_config)) {
    const c = doc.extra_config[NS];
    if (!isObject(c)) {
      rec.error("extra_config", `has no "${NS}": KrakenD's CORS lives in the service-level extra_config`);
      return rec.result([]);
    }
    if (Array.isArray(doc.endpoints) && doc.endpoints.some((e) => isObject(e) && isObject(e.extra_config) && NS in e.extra_config)) {
      rec.note(`endpoint-level "${NS}" blocks are not read by KrakenD (the namespace is service scope only) and are left out`);
    }
    return rec.result([{ source, config: convertKrakendConfig(c, `extra_config["${NS}"]`, rec) }]);
  }
  return rec.result([{ source, config: convertKrakendConfig(doc, "", rec) }]);
}
