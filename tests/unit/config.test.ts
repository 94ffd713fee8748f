// assembly/config: JSON configuration → typed CorsConfig / PluginConfig (spec §1, §3 patterns, §5 _rules_).
// Loads build/test/config.wasm (tests/unit/assembly/config.ts) with @assemblyscript/loader.
// Tables: invalid configs (error path + words, every error kind of §1), valid configs → normalised typed config
// (expected values written from the spec), warnings, robustness (random bytes / mutations never trap), and every
// `kind: "config"` case of tests/conformance/cases.json (plus: every request case's config is accepted).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadUnit } from "./loader.js";
import { xorshift32 } from "../cases/prng.js";
import { loadCases } from "../conformance/cases.js";

interface ConfigExports extends Record<string, unknown> {
  parseConfigReport(json: number): number;
  parseConfigBytesReport(bytes: number): number;
  normalizeOrigin(s: number): number;
  durationSeconds(s: number): bigint;
  tokenOk(s: number): number;
  _initialize?: () => void;
}

const { ex } = await loadUnit<ConfigExports>("config");

interface Pattern {
  source: string; matchesAll: boolean; scheme: string; anyHost: boolean; subdomains: boolean; host: string;
  portRule: "default" | "any" | "list"; ports: number[];
}
interface Cors {
  allowOrigins: string[]; allowAnyOriginLiteral: boolean; allowOriginPatterns: Pattern[]; allowOriginRegexes: string[];
  allowMethods: string[]; allowHeaders: string[]; exposeHeaders: string[]; allowCredentials: boolean; maxAge: number;
  allowPrivateNetwork: boolean; timingAllowOrigins: string[]; preflightContinue: boolean; preflightStatus: number;
  onDisallowed: "reject" | "strip"; rejectActual: boolean; mode: "enforce" | "report_only"; debug: boolean;
}
interface Rule { routes: string[] | null; domains: string[] | null; services: string[] | null; config: Cors }
interface Report { errors: string[]; warnings: string[]; config: { global: Cors | null; rules: Rule[] } | null }

function withPinned<T>(ptr: number, f: (p: number) => T): T {
  ex.__pin(ptr);
  try { return f(ptr); } finally { ex.__unpin(ptr); }
}
function report(config: unknown): Report {
  const text = typeof config === "string" ? config : JSON.stringify(config);
  return JSON.parse(withPinned(ex.__newString(text), (p) => ex.__getString(ex.parseConfigReport(p))));
}
function reportBytes(bytes: Uint8Array | null): Report {
  if (bytes === null) return JSON.parse(ex.__getString(ex.parseConfigBytesReport(0)));
  const buf = ex.__newArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return JSON.parse(withPinned(buf, (p) => ex.__getString(ex.parseConfigBytesReport(p))));
}
function normalizeOrigin(s: string): string {
  return withPinned(ex.__newString(s), (p) => ex.__getString(ex.normalizeOrigin(p)));
}
function duration(s: string): number {
  return Number(withPinned(ex.__newString(s), (p) => ex.durationSeconds(p)));
}

// ---- the defaults of spec §1, written from the spec table ----
const DEFAULT_METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"];
const DEFAULT_HEADERS = ["DNT", "X-CustomHeader", "Keep-Alive", "User-Agent", "X-Requested-With", "If-Modified-Since",
  "Cache-Control", "Content-Type", "Authorization"];
const DEFAULTS: Cors = {
  allowOrigins: [], allowAnyOriginLiteral: true, allowOriginPatterns: [], allowOriginRegexes: [],
  allowMethods: DEFAULT_METHODS, allowHeaders: DEFAULT_HEADERS, exposeHeaders: [], allowCredentials: false,
  maxAge: 86400, allowPrivateNetwork: false, timingAllowOrigins: [], preflightContinue: false, preflightStatus: 200,
  onDisallowed: "reject", rejectActual: false, mode: "enforce", debug: false,
};
/** Defaults with some origin key present (so no implicit "*"). */
const NO_ORIGINS: Cors = { ...DEFAULTS, allowAnyOriginLiteral: false };
function pat(source: string, p: Partial<Pattern>): Pattern {
  return { source, matchesAll: false, scheme: "", anyHost: false, subdomains: false, host: "", portRule: "default", ports: [], ...p };
}

// ---------------------------------------------------------------------------------------------------------
// 1. Invalid configurations: [what, config, error path, words the error line must contain]
// ---------------------------------------------------------------------------------------------------------
type Invalid = [what: string, config: unknown, path: string, words: string[]];
const invalid: Invalid[] = [
  // not JSON / not an object
  ["not JSON", "{allow_origins: []}", "configuration", ["not valid JSON", "at offset 1"]],
  ["truncated JSON", "{\"allow_origins\": [\"https://a.example.com\"", "configuration", ["not valid JSON", "offset"]],
  ["trailing garbage", "{} x", "configuration", ["not valid JSON", "at offset 3"]],
  ["whitespace only", "   ", "configuration", ["not valid JSON", "end of input"]],
  ["array", [], "configuration", ["must be a JSON object", "array"]],
  ["string", "\"cors\"", "configuration", ["must be a JSON object", "string"]],
  ["JSON null", "null", "configuration", ["must be a JSON object", "null"]],
  ["too deep", "{\"_x\":" + "[".repeat(70) + "]".repeat(70) + "}", "configuration", ["nesting deeper than 64"]],
  // unknown keys
  ["unknown key, near a known one", { allow_methodz: ["GET"] }, "allow_methodz", ["unknown key", "allow_methods"]],
  ["unknown key", { frobnicate: true }, "frobnicate", ["unknown key", "allow_origins"]],
  ["Kong's key name", { origins: ["https://a.example.com"] }, "origins", ["unknown key"]],
  ["duplicate key", "{\"max_age\": 10, \"max_age\": 20}", "max_age", ["more than once"]],
  // wrong types, JSON null included
  ["null list", { allow_origins: null }, "allow_origins", ["must be an array of strings", "null"]],
  ["string instead of list", { allow_origins: "https://a.example.com" }, "allow_origins", ["must be an array", "[\"https://a.example.com\"]"]],
  ["number in list", { allow_methods: ["GET", 7] }, "allow_methods[1]", ["must be a string", "number 7"]],
  ["null in list", { allow_headers: [null] }, "allow_headers[0]", ["must be a string", "null"]],
  ["bool as string", { allow_credentials: "true" }, "allow_credentials", ["true or false", "string \"true\""]],
  ["bool null", { allow_private_network: null }, "allow_private_network", ["true or false", "null"]],
  ["preflight_continue number", { preflight_continue: 1 }, "preflight_continue", ["true or false"]],
  ["reject_actual string", { reject_actual: "yes" }, "reject_actual", ["true or false"]],
  ["debug null", { debug: null }, "debug", ["true or false"]],
  ["timing_allow_origins string", { timing_allow_origins: "https://a.example.com" }, "timing_allow_origins", ["must be an array"]],
  ["regexes object", { allow_origin_regexes: {} }, "allow_origin_regexes", ["must be an array", "object"]],
  ["patterns null", { allow_origin_patterns: null }, "allow_origin_patterns", ["must be an array", "null"]],
  ["expose_headers null", { expose_headers: null }, "expose_headers", ["must be an array"]],
  // origins: path, query, fragment, userinfo, empty host, bad port, no scheme, '*', too long, characters
  ["origin with a path", { allow_origins: ["https://a.example.com/x"] }, "allow_origins[0]", ["\"https://a.example.com/x\" has a path", "scheme://host[:port]"]],
  ["origin with a double slash", { allow_origins: ["https://a.example.com//"] }, "allow_origins[0]", ["has a path"]],
  ["origin with a query", { allow_origins: ["https://a.example.com?x=1"] }, "allow_origins[0]", ["has a query"]],
  ["origin with a query after /", { allow_origins: ["https://a.example.com/?x=1"] }, "allow_origins[0]", ["has a query"]],
  ["origin with a fragment", { allow_origins: ["https://a.example.com#top"] }, "allow_origins[0]", ["has a fragment"]],
  ["origin with userinfo", { allow_origins: ["https://user@a.example.com"] }, "allow_origins[0]", ["userinfo"]],
  ["origin with userinfo trick", { allow_origins: ["http://example.com@evil.com"] }, "allow_origins[0]", ["userinfo"]],
  ["origin with empty host", { allow_origins: ["https://"] }, "allow_origins[0]", ["empty host"]],
  ["origin with empty host and port", { allow_origins: ["https://:8080"] }, "allow_origins[0]", ["empty host"]],
  ["origin port too big", { allow_origins: ["https://a.example.com:99999"] }, "allow_origins[0]", ["bad port", "1-65535"]],
  ["origin port 0", { allow_origins: ["https://a.example.com:0"] }, "allow_origins[0]", ["bad port"]],
  ["origin port leading zero", { allow_origins: ["https://a.example.com:0443"] }, "allow_origins[0]", ["bad port", "leading zeros"]],
  ["origin port empty", { allow_origins: ["https://a.example.com:"] }, "allow_origins[0]", ["bad port"]],
  ["origin port letters", { allow_origins: ["https://a.example.com:http"] }, "allow_origins[0]", ["bad port"]],
  ["origin without scheme", { allow_origins: ["a.example.com"] }, "allow_origins[0]", ["has no scheme", "https://a.example.com"]],
  ["origin with bad scheme", { allow_origins: ["1http://a.example.com"] }, "allow_origins[0]", ["invalid scheme"]],
  ["origin with '*'", { allow_origins: ["https://*.example.com"] }, "allow_origins[0]", ["'*'", "allow_origin_patterns"]],
  ["origin with '*' port", { allow_origins: ["https://a.example.com:*"] }, "allow_origins[0]", ["allow_origin_patterns"]],
  ["origin too long", { allow_origins: ["https://" + "a".repeat(2041) + ".com"] }, "allow_origins[0]", ["longer than 2048 bytes"]],
  ["origin with space", { allow_origins: [" https://a.example.com"] }, "allow_origins[0]", ["whitespace"]],
  ["origin non-ASCII", { allow_origins: ["https://bücher.example"] }, "allow_origins[0]", ["non-ASCII", "punycode"]],
  ["origin with a lone surrogate escape", "{\"allow_origins\": [\"https://\\ud800.example.com\"]}", "allow_origins[0]", ["non-ASCII", "\\ud800"]],
  ["method with a lone surrogate escape", "{\"allow_methods\": [\"\\udc00\"]}", "allow_methods[0]", ["non-ASCII"]],
  ["unknown key with a lone surrogate escape", "{\"\\udc00\": 1}", "\"\\udc00\"", ["unknown key"]],
  ["origin control char", { allow_origins: ["https://a.example.com\r\nx: y"] }, "allow_origins[0]", ["control character"]],
  ["origin empty label", { allow_origins: ["https://a..example.com"] }, "allow_origins[0]", ["empty label"]],
  ["origin bad host char", { allow_origins: ["https://a!b.example.com"] }, "allow_origins[0]", ["'!' in the host"]],
  ["origin bad IPv6", { allow_origins: ["http://[::1::2]"] }, "allow_origins[0]", ["invalid IPv6"]],
  ["origin unclosed IPv6", { allow_origins: ["http://[::1"] }, "allow_origins[0]", ["IPv6"]],
  ["empty origin string", { allow_origins: [""] }, "allow_origins[0]", ["has no scheme"]],
  ["second entry reported", { allow_origins: ["https://app.example.com/", "https://b.example.com/x"] }, "allow_origins[1]", ["has a path"]],
  // credentials combinations
  ["'*' with credentials", { allow_origins: ["*"], allow_credentials: true }, "allow_origins[0]", ["allow_credentials", "allow_origin_patterns: [\"*\"]"]],
  ["'*' with credentials (credentials first)", { allow_credentials: true, allow_origins: ["https://a.example.com", "*"] }, "allow_origins[1]", ["allow_origin_patterns"]],
  ["'null' with credentials", { allow_origins: ["https://a.example.com", "null"], allow_credentials: true }, "allow_origins[1]", ["\"null\"", "allow_credentials", "sandboxed"]],
  ["expose '*' with credentials", { allow_origins: ["https://a.example.com"], expose_headers: ["*"], allow_credentials: true }, "expose_headers[0]", ["allow_credentials", "list the header names"]],
  ["credentials without origin keys", { allow_credentials: true }, "allow_credentials", ["allow_origins", "allow_origin_patterns", "allow_origin_regexes", "allow nothing"]],
  // patterns (§3)
  ["pattern without scheme", { allow_origin_patterns: ["*.example.com"] }, "allow_origin_patterns[0]", ["has no scheme", "https://*.example.com"]],
  ["pattern partial label", { allow_origin_patterns: ["https://api-*.example.com"] }, "allow_origin_patterns[0]", ["allow_origin_regexes"]],
  ["pattern inner label", { allow_origin_patterns: ["https://api.*.example.com"] }, "allow_origin_patterns[0]", ["allow_origin_regexes"]],
  ["pattern trailing '*'", { allow_origin_patterns: ["https://example.*"] }, "allow_origin_patterns[0]", ["allow_origin_regexes"]],
  ["pattern two wildcards", { allow_origin_patterns: ["https://*.*.example.com"] }, "allow_origin_patterns[0]", ["allow_origin_regexes"]],
  ["pattern over one label", { allow_origin_patterns: ["https://*.com"] }, "allow_origin_patterns[0]", ["single label", "allow_origin_regexes"]],
  ["pattern over localhost", { allow_origin_patterns: ["http://*.localhost"] }, "allow_origin_patterns[0]", ["single label", "allow_origin_regexes"]],
  ["pattern over one label with dot", { allow_origin_patterns: ["http://*.com."] }, "allow_origin_patterns[0]", ["single label"]],
  ["pattern bad port", { allow_origin_patterns: ["https://*.example.com:99999"] }, "allow_origin_patterns[0]", ["bad port"]],
  ["pattern bad port in list", { allow_origin_patterns: ["https://*.example.com:[8080,x]"] }, "allow_origin_patterns[0]", ["bad port", "\"x\""]],
  ["pattern port list with space", { allow_origin_patterns: ["https://*.example.com:[8080, 9090]"] }, "allow_origin_patterns[0]", ["whitespace"]],
  ["pattern empty port list", { allow_origin_patterns: ["https://*.example.com:[]"] }, "allow_origin_patterns[0]", ["bad port"]],
  ["pattern port '*'", { allow_origin_patterns: ["https://*.example.com:*"] }, "allow_origin_patterns[0]", [":[*]"]],
  ["pattern with a path", { allow_origin_patterns: ["https://*.example.com/app"] }, "allow_origin_patterns[0]", ["has a path"]],
  ["pattern with userinfo", { allow_origin_patterns: ["https://u@*.example.com"] }, "allow_origin_patterns[0]", ["userinfo"]],
  ["pattern empty host", { allow_origin_patterns: ["https://"] }, "allow_origin_patterns[0]", ["empty host"]],
  ["pattern bad scheme", { allow_origin_patterns: ["h_t://*.example.com"] }, "allow_origin_patterns[0]", ["invalid scheme"]],
  ["pattern empty", { allow_origin_patterns: [""] }, "allow_origin_patterns[0]", ["has no scheme"]],
  // regexes
  ["regex does not compile", { allow_origin_regexes: ["https://(a"] }, "allow_origin_regexes[0]", ["\"https://(a\"", "at position"]],
  ["regex backreference", { allow_origin_regexes: ["https://([a-z])\\1\\.example\\.com"] }, "allow_origin_regexes[0]", ["at position"]],
  ["regex lookahead", { allow_origin_regexes: ["https://(?=a)a\\.example\\.com"] }, "allow_origin_regexes[0]", ["at position"]],
  ["regex empty", { allow_origin_regexes: [""] }, "allow_origin_regexes[0]", ["empty"]],
  // tokens
  ["method with a space", { allow_methods: ["GET POST"] }, "allow_methods[0]", ["not a method name", "RFC 9110 token"]],
  ["method list in one string", { allow_methods: ["GET,POST"] }, "allow_methods[0]", ["comma", "own array entry"]],
  ["empty method", { allow_methods: [""] }, "allow_methods[0]", ["empty"]],
  ["header list in one string (Higress default style)", { allow_headers: ["Content-Type,Authorization"] }, "allow_headers[0]", ["comma", "own array entry"]],
  ["header with colon", { allow_headers: ["X-A:"] }, "allow_headers[0]", ["not a header name"]],
  ["header non-ASCII", { expose_headers: ["X-Ä"] }, "expose_headers[0]", ["non-ASCII"]],
  ["header CRLF", { expose_headers: ["X-A\r\nSet-Cookie: x"] }, "expose_headers[0]", ["control character"]],
  // max_age
  ["max_age negative", { max_age: -5 }, "max_age", ["-5 is negative"]],
  ["max_age fractional", { max_age: 1.5 }, "max_age", ["1.5", "whole number"]],
  ["max_age too large", { max_age: 2147483648 }, "max_age", ["2147483647"]],
  ["max_age huge", { max_age: 1e300 }, "max_age", ["2147483647"]],
  ["max_age huge exponent", "{\"max_age\": 1e999999999999}", "max_age", ["2147483647"]],
  ["max_age number in a string", { max_age: "600" }, "max_age", ["\"600\"", "600s", "600"]],
  ["max_age empty string", { max_age: "" }, "max_age", ["empty"]],
  ["max_age fractional duration", { max_age: "1.5h" }, "max_age", ["\"1.5h\" is not a duration"]],
  ["max_age wrong unit order", { max_age: "30m1h" }, "max_age", ["not a duration"]],
  ["max_age repeated unit", { max_age: "1h1h" }, "max_age", ["not a duration"]],
  ["max_age unknown unit", { max_age: "1d" }, "max_age", ["not a duration"]],
  ["max_age uppercase unit", { max_age: "1H" }, "max_age", ["not a duration"]],
  ["max_age duration with spaces", { max_age: "1h 30m" }, "max_age", ["not a duration"]],
  ["max_age duration too large", { max_age: "596524h" }, "max_age", ["2147483647"]],
  ["max_age duration digits overflow", { max_age: "99999999999999999999999s" }, "max_age", ["2147483647"]],
  ["max_age bool", { max_age: true }, "max_age", ["number of seconds or a duration string", "boolean"]],
  ["max_age null", { max_age: null }, "max_age", ["null"]],
  // enumerations
  ["preflight_status 201", { preflight_status: 201 }, "preflight_status", ["200 or 204", "201"]],
  ["preflight_status string", { preflight_status: "204" }, "preflight_status", ["200 or 204", "string"]],
  ["preflight_status fractional", { preflight_status: 204.5 }, "preflight_status", ["200 or 204"]],
  ["on_disallowed", { on_disallowed: "deny" }, "on_disallowed", ["\"reject\" or \"strip\"", "\"deny\""]],
  ["on_disallowed case", { on_disallowed: "Reject" }, "on_disallowed", ["\"reject\" or \"strip\""]],
  ["mode", { mode: "report-only" }, "mode", ["\"enforce\" or \"report_only\""]],
  ["mode null", { mode: null }, "mode", ["\"enforce\" or \"report_only\"", "null"]],
  ["timing origin with path", { timing_allow_origins: ["https://a.example.com/x"] }, "timing_allow_origins[0]", ["has a path"]],
  ["timing origin with '*'", { timing_allow_origins: ["https://*.example.com"] }, "timing_allow_origins[0]", ["exact origins"]],
  // _rules_ (§5)
  ["_rules_ not an array", { _rules_: {} }, "_rules_", ["must be an array"]],
  ["_rules_ null", { _rules_: null }, "_rules_", ["must be an array", "null"]],
  ["_rules_ empty, no global", { _rules_: [] }, "_rules_", ["empty", "do nothing"]],
  ["rule not an object", { _rules_: ["x"] }, "_rules_[0]", ["must be an object"]],
  ["rule without match key", { _rules_: [{ allow_origins: ["https://a.example.com"] }] }, "_rules_[0]", ["no match key", "_match_route_"]],
  ["rule with only an unknown match key", { _rules_: [{ _match_route_prefix_: ["/a"], allow_origins: [] }] }, "_rules_[0]", ["no match key"]],
  ["rule empty route list", { _rules_: [{ allow_origins: ["https://a.example.com"], _match_route_: [] }] }, "_rules_[0]._match_route_", ["non-empty array"]],
  ["rule route string", { _rules_: [{ _match_route_: "r" }] }, "_rules_[0]._match_route_", ["non-empty array", "string"]],
  ["rule route null", { _rules_: [{ _match_route_: null }] }, "_rules_[0]._match_route_", ["non-empty array", "null"]],
  ["rule domain not string", { _rules_: [{ _match_domain_: ["a.example.com", 1] }] }, "_rules_[0]._match_domain_[1]", ["must be a string"]],
  ["rule service empty string", { _rules_: [{ _match_service_: [""] }] }, "_rules_[0]._match_service_[0]", ["empty string"]],
  ["rule route empty string beside good", { _rules_: [{ _match_route_: ["r", ""] }] }, "_rules_[0]._match_route_[1]", ["empty string"]],
  ["rule config error prefixed", { _rules_: [{ _match_route_: ["r"] }, { _match_domain_: ["x"], allow_origins: ["https://a.example.com/x"] }] }, "_rules_[1].allow_origins[0]", ["has a path"]],
  ["rule unknown key", { _rules_: [{ _match_route_: ["r"], alow_origins: [] }] }, "_rules_[0].alow_origins", ["unknown key", "allow_origins"]],
  ["rule credentials without own origins", { allow_origins: ["https://a.example.com"], _rules_: [{ allow_credentials: true, _match_route_: ["r"] }] }, "_rules_[0].allow_credentials", ["allow nothing"]],
  ["rule nested _rules_", { _rules_: [{ _match_route_: ["r"], _rules_: [] }] }, "_rules_[0]._rules_", ["nested"]],
  ["rule duplicate match key", "{\"_rules_\":[{\"_match_route_\":[\"a\"],\"_match_route_\":[\"b\"]}]}", "_rules_[0]._match_route_", ["more than once"]],
  ["duplicate _rules_", "{\"_rules_\":[{\"_match_route_\":[\"a\"]}],\"_rules_\":[]}", "_rules_", ["more than once"]],
];

describe("config: invalid configurations (every error kind of spec §1)", () => {
  for (const [what, config, path, words] of invalid) {
    test(`${what}: ${path}`, () => {
      const r = report(config);
      assert.equal(r.config, null, `accepted: ${JSON.stringify(r)}`);
      const line = r.errors.find((e) => e.startsWith(path + ": "));
      assert.ok(line, `no error at ${path}; errors: ${JSON.stringify(r.errors)}`);
      for (const w of words) assert.ok(line.includes(w), `error ${JSON.stringify(line)} lacks ${JSON.stringify(w)}`);
      for (const l of [...r.errors, ...r.warnings]) assert.ok(/^[\x20-\x7e\u2026]+$/.test(l), `not one printable ASCII line: ${JSON.stringify(l)}`);
    });
  }

  test("every problem is reported, not only the first", () => {
    const r = report({
      allow_origins: ["https://app.example.com/path", "ftp//x", "https://ok.example.com"],
      max_age: -5, allow_methodz: ["GET"], allow_methods: ["GET", "BAD METHOD"], preflight_status: 201,
      _rules_: [{ _match_route_: [] }, { _match_domain_: ["d"], mode: "x" }],
    });
    assert.equal(r.config, null);
    const paths = r.errors.map((e) => e.slice(0, e.indexOf(": ")));
    assert.deepEqual(paths, [
      "allow_origins[0]", "allow_origins[1]", "max_age", "allow_methodz", "allow_methods[1]", "preflight_status",
      "_rules_[0]._match_route_", "_rules_[1].mode",
    ]);
  });

  test("error lines are one line each, ASCII, and quote values", () => {
    const r = report({ allow_origins: ["https://a.example.com/\n\u00e9" + "x".repeat(5000)] });
    assert.equal(r.errors.length, 1);
    const line = r.errors[0];
    assert.ok(!/[\r\n]/.test(line), line);
    assert.ok(/^[\x20-\x7e\u2026]*$/.test(line), line);
    assert.ok(line.length < 600, `message not cut: ${line.length} chars`);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 2. Valid configurations → the typed configuration (values from the spec, not copied from output)
// ---------------------------------------------------------------------------------------------------------
type Valid = [what: string, config: unknown, global: Cors | null, rules?: Rule[]];
const valid: Valid[] = [
  ["{} = defaults", {}, DEFAULTS],
  ["only _-keys = defaults", { _plugin_id_: "x", _plugin_name_: "cors", _anything_: [1, { a: null }] }, DEFAULTS],
  ["origins normalised: case, default ports, lone trailing slash, IPv6 as browsers write it", {
    allow_origins: ["HTTPS://App.Example.COM:443", "http://example.com:80/", "http://localhost:8080", "https://example.com:80",
      "http://[0:0:0:0:0:0:0:1]:3000", "https://[2001:DB8::0:1]", "null", "capacitor://localhost", "http://127.0.0.1", "https://example.com."],
  }, { ...NO_ORIGINS, allowOrigins: ["https://app.example.com", "http://example.com", "http://localhost:8080",
    "https://example.com:80", "http://[::1]:3000", "https://[2001:db8::1]", "null", "capacitor://localhost", "http://127.0.0.1",
    "https://example.com."] }],
  ["'*' sets the literal flag and dominates", { allow_origins: ["*", "https://a.example.com"] },
    { ...NO_ORIGINS, allowAnyOriginLiteral: true, allowOrigins: ["https://a.example.com"] }],
  ["[] counts as present: nothing allowed, credentials fine", { allow_origins: [], allow_credentials: true },
    { ...NO_ORIGINS, allowCredentials: true }],
  ["patterns only: no implicit '*'", { allow_origin_patterns: ["https://*.example.com"] },
    { ...NO_ORIGINS, allowOriginPatterns: [pat("https://*.example.com", { scheme: "https", subdomains: true, host: "example.com" })] }],
  ["regexes only: no implicit '*'", { allow_origin_regexes: ["https://[a-z]+\\.example\\.com", "(?i)http://localhost:\\d+"] },
    { ...NO_ORIGINS, allowOriginRegexes: ["https://[a-z]+\\.example\\.com", "(?i)http://localhost:\\d+"] }],
  ["patterns: every shape of §3", {
    allow_origin_patterns: ["*", "http://*.Example.com:[8080,9090]", "https://*:[*]", "*://app.example.com", "https://*.a.example.com:8443",
      "https://*.example.org:443", "https://*.example.net:[443,8443]", "http://[::1]:[*]", "https://api.example.com/"],
    allow_credentials: true,
  }, {
    ...NO_ORIGINS, allowCredentials: true, allowOriginPatterns: [
      pat("*", { matchesAll: true, scheme: "*", anyHost: true, portRule: "any" }),
      pat("http://*.Example.com:[8080,9090]", { scheme: "http", subdomains: true, host: "example.com", portRule: "list", ports: [8080, 9090] }),
      pat("https://*:[*]", { scheme: "https", anyHost: true, portRule: "any" }),
      pat("*://app.example.com", { scheme: "*", host: "app.example.com" }),
      pat("https://*.a.example.com:8443", { scheme: "https", subdomains: true, host: "a.example.com", portRule: "list", ports: [8443] }),
      pat("https://*.example.org:443", { scheme: "https", subdomains: true, host: "example.org" }),
      pat("https://*.example.net:[443,8443]", { scheme: "https", subdomains: true, host: "example.net", portRule: "list", ports: [443, 8443] }),
      pat("http://[::1]:[*]", { scheme: "http", host: "[::1]", portRule: "any" }),
      pat("https://api.example.com/", { scheme: "https", host: "api.example.com" }),
    ],
  }],
  ["methods upper-cased and deduplicated; headers kept as written, deduplicated case-insensitively", {
    allow_methods: ["get", "GET", "Patch", "PROPFIND"], allow_headers: ["X-Token", "x-token", "Content-Type"],
    expose_headers: ["X-Request-Id"],
  }, { ...DEFAULTS, allowMethods: ["GET", "PATCH", "PROPFIND"], allowHeaders: ["X-Token", "Content-Type"], exposeHeaders: ["X-Request-Id"] }],
  ["'*' in every list is exactly [\"*\"]", {
    allow_methods: ["GET", "*"], allow_headers: ["*"], expose_headers: ["X-A", "*"], timing_allow_origins: ["https://a.example.com", "*"],
  }, { ...DEFAULTS, allowMethods: ["*"], allowHeaders: ["*"], exposeHeaders: ["*"], timingAllowOrigins: ["*"] }],
  ["empty lists stay empty", { allow_methods: [], allow_headers: [], expose_headers: [], timing_allow_origins: [] },
    { ...DEFAULTS, allowMethods: [], allowHeaders: [] }],
  ["max_age 0 is 0", { max_age: 0 }, { ...DEFAULTS, maxAge: 0 }],
  ["max_age 3600.0 (Struct double) is 3600", "{\"max_age\": 3600.0}", { ...DEFAULTS, maxAge: 3600 }],
  ["max_age 3.6e3 is 3600", "{\"max_age\": 3.6e3}", { ...DEFAULTS, maxAge: 3600 }],
  ["max_age -0 is 0", "{\"max_age\": -0}", { ...DEFAULTS, maxAge: 0 }],
  ["max_age at the limit", { max_age: 2147483647 }, { ...DEFAULTS, maxAge: 2147483647 }],
  ["max_age \"1h30m\"", { max_age: "1h30m" }, { ...DEFAULTS, maxAge: 5400 }],
  ["max_age \"90m\"", { max_age: "90m" }, { ...DEFAULTS, maxAge: 5400 }],
  ["max_age \"45s\"", { max_age: "45s" }, { ...DEFAULTS, maxAge: 45 }],
  ["max_age \"0s\"", { max_age: "0s" }, { ...DEFAULTS, maxAge: 0 }],
  ["max_age \"1h1m1s\"", { max_age: "1h1m1s" }, { ...DEFAULTS, maxAge: 3661 }],
  ["max_age \"596523h14m7s\" = 2147483647", { max_age: "596523h14m7s" }, { ...DEFAULTS, maxAge: 2147483647 }],
  ["every scalar key", {
    allow_private_network: true, preflight_continue: true, preflight_status: 204, on_disallowed: "strip", reject_actual: true,
    mode: "report_only", debug: true, timing_allow_origins: ["HTTPS://A.example.com:443", "null"],
  }, { ...DEFAULTS, allowPrivateNetwork: true, preflightContinue: true, preflightStatus: 204, onDisallowed: "strip",
    rejectActual: true, mode: "report_only", debug: true, timingAllowOrigins: ["https://a.example.com", "null"] }],
  ["explicit defaults", { preflight_status: 200, on_disallowed: "reject", mode: "enforce", allow_credentials: false, allow_origins: ["*"] },
    { ...DEFAULTS }],
  ["_rules_ only: no global; each rule parsed alone with defaults (host-facts.md §6.2 example, minus the global)", {
    _rules_: [
      { allow_origins: ["https://a.example.com"], _match_route_: ["default/foo"] },
      { allow_origins: ["https://b.example.com"], allow_credentials: true, _match_domain_: ["*.example.com", "api.example.org"] },
      { max_age: 60, _match_service_: ["backend.default.svc.cluster.local:8080"] },
    ],
  }, null, [
    { routes: ["default/foo"], domains: null, services: null, config: { ...NO_ORIGINS, allowOrigins: ["https://a.example.com"] } },
    { routes: null, domains: ["*.example.com", "api.example.org"], services: null,
      config: { ...NO_ORIGINS, allowOrigins: ["https://b.example.com"], allowCredentials: true } },
    { routes: null, domains: null, services: ["backend.default.svc.cluster.local:8080"], config: { ...DEFAULTS, maxAge: 60 } },
  ]],
  ["global + rules: the rule does not inherit the global keys", {
    allow_origins: ["*"], max_age: 10, _plugin_id_: "p",
    _rules_: [{ allow_origins: ["https://app.example.com"], allow_credentials: true, _match_route_: ["r"] }],
  }, { ...DEFAULTS, maxAge: 10 }, [
    { routes: ["r"], domains: null, services: null, config: { ...NO_ORIGINS, allowOrigins: ["https://app.example.com"], allowCredentials: true } },
  ]],
  ["rule kinds: route AND service; domain ignored beside route; service ignored beside domain", {
    _rules_: [
      { _match_route_: ["r1"], _match_service_: ["svc:80"], _match_domain_: ["ignored.example.com"] },
      { _match_domain_: ["d.example.com"], _match_service_: ["ignored"] },
    ],
  }, null, [
    { routes: ["r1"], domains: null, services: ["svc:80"], config: DEFAULTS },
    { routes: null, domains: ["d.example.com"], services: null, config: DEFAULTS },
  ]],
  ["global exists when any non-_ key is beside _rules_", { debug: false, _rules_: [] }, DEFAULTS, []],
  ["a UTF-8 BOM is skipped", "\ufeff{}", DEFAULTS],
  ["a lone surrogate escape in an ignored key is fine", "{\"_\\udfff\": 1, \"debug\": true}", { ...DEFAULTS, debug: true }],
];

describe("config: valid configurations → typed, normalised configuration", () => {
  for (const [what, config, global, rules] of valid) {
    test(what, () => {
      const r = report(config);
      assert.deepEqual(r.errors, [], `errors: ${JSON.stringify(r.errors)}`);
      assert.ok(r.config);
      assert.deepEqual(r.config.global, global);
      assert.deepEqual(r.config.rules, rules ?? []);
    });
  }

  test("zero bytes and null = defaults", () => {
    for (const r of [reportBytes(null), reportBytes(new Uint8Array(0)), report("")]) {
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.warnings, []);
      assert.deepEqual(r.config, { global: DEFAULTS, rules: [] });
    }
  });

  test("origin normalisation helper", () => {
    assert.equal(normalizeOrigin("HTTP://EXAMPLE.COM:80"), "http://example.com");
    assert.equal(normalizeOrigin("https://example.com:443"), "https://example.com");
    assert.equal(normalizeOrigin("http://example.com:443"), "http://example.com:443");
    assert.equal(normalizeOrigin("ws://example.com:80"), "ws://example.com:80");
    assert.equal(normalizeOrigin("http://[::ffff:192.0.2.1]"), "http://[::ffff:c000:201]");
    assert.equal(normalizeOrigin("http://[1:0:0:2:0:0:0:3]"), "http://[1:0:0:2::3]");
    assert.equal(normalizeOrigin("http://[1:0:0:2:0:0:3:4]"), "http://[1::2:0:0:3:4]");
    assert.equal(normalizeOrigin("http://[::]"), "http://[::]");
    assert.ok(normalizeOrigin("http://[::1]x").startsWith("!"));
    assert.ok(normalizeOrigin("http://[1:2:3:4:5:6:7:8:9]").startsWith("!"));
    assert.ok(normalizeOrigin("http://[::01.2.3.4]").startsWith("!"));
  });

  test("duration helper", () => {
    const table: Array<[string, number]> = [["12h", 43200], ["90m", 5400], ["1h30m", 5400], ["45s", 45], ["1h0m0s", 3600],
      ["0h", 0], ["", -1], ["600", -1], ["h", -1], ["1.5h", -1], ["-1s", -1], ["1s1m", -1], ["+1s", -1], ["1h30", -1]];
    for (const [s, want] of table) assert.equal(duration(s), want, s);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 3. Warnings (logged, not fatal): [what, config, warning path, words]
// ---------------------------------------------------------------------------------------------------------
type Warning = [what: string, config: unknown, path: string, words: string[]];
const warnings: Warning[] = [
  ["'null' allowed", { allow_origins: ["null"] }, "allow_origins[0]", ["\"null\"", "sandboxed"]],
  ["http origin with credentials", { allow_origins: ["http://app.example.com"], allow_credentials: true }, "allow_origins[0]", ["plain http", "allow_credentials"]],
  ["http pattern with credentials", { allow_origin_patterns: ["http://*.example.com"], allow_credentials: true }, "allow_origin_patterns[0]", ["plain-http", "allow_credentials"]],
  ["'*' scheme pattern with credentials", { allow_origin_patterns: ["*://app.example.com"], allow_credentials: true }, "allow_origin_patterns[0]", ["plain-http"]],
  ["pattern '*' with credentials", { allow_origin_patterns: ["*"], allow_credentials: true }, "allow_origin_patterns[0]", ["every origin", "credentials"]],
  ["methods not upper case", { allow_methods: ["GET", "patch"] }, "allow_methods[1]", ["\"patch\"", "\"PATCH\"", "\"*\""]],
  ["'*' beside other origins", { allow_origins: ["*", "https://a.example.com"] }, "allow_origins", ["redundant"]],
  ["max_age above 7200", { max_age: 86400 }, "max_age", ["7200", "Chromium"]],
  ["max_age duration above 7200", { max_age: "3h" }, "max_age", ["10800", "7200"]],
  ["lone trailing slash", { allow_origins: ["https://app.example.com/"] }, "allow_origins[0]", ["trailing \"/\"", "dropped"]],
  ["lone trailing slash in a pattern", { allow_origin_patterns: ["https://*.example.com/"] }, "allow_origin_patterns[0]", ["trailing \"/\""]],
  ["duplicate origin after normalisation", { allow_origins: ["https://a.example.com", "HTTPS://A.EXAMPLE.COM:443"] }, "allow_origins[1]", ["duplicate of allow_origins[0]"]],
  ["_match_domain_ with '*' not followed by '.'", { _rules_: [{ _match_domain_: ["*example.com"] }] }, "_rules_[0]._match_domain_[0]", ["evilexample.com", "*.example.com"]],
  ["_match_domain_ with a port", { _rules_: [{ _match_domain_: ["a.example.com:8080"] }] }, "_rules_[0]._match_domain_[0]", ["never matches", "port"]],
  ["_match_domain_ '*' alone", { _rules_: [{ _match_domain_: ["*"] }] }, "_rules_[0]._match_domain_[0]", ["every host"]],
  ["_match_domain_ ignored beside a route", { _rules_: [{ _match_route_: ["r"], _match_domain_: ["a.example.com"] }] }, "_rules_[0]._match_domain_", ["ignored"]],
  ["rule warnings are prefixed", { _rules_: [{ _match_route_: ["r"], allow_origins: ["null"] }] }, "_rules_[0].allow_origins[0]", ["\"null\""]],
];
describe("config: warnings (logged, not fatal)", () => {
  for (const [what, config, path, words] of warnings) {
    test(`${what}: ${path}`, () => {
      const r = report(config);
      assert.deepEqual(r.errors, [], `errors: ${JSON.stringify(r.errors)}`);
      assert.ok(r.config);
      const line = r.warnings.find((w) => w.startsWith(path + ": "));
      assert.ok(line, `no warning at ${path}; warnings: ${JSON.stringify(r.warnings)}`);
      for (const w of words) assert.ok(line.includes(w), `warning ${JSON.stringify(line)} lacks ${JSON.stringify(w)}`);
    });
  }

  test("quiet configurations: the default max_age, upper-case methods, https with credentials", () => {
    for (const config of [{}, { allow_methods: ["GET", "POST"] }, { max_age: 7200 },
      { allow_origins: ["https://a.example.com"], allow_origin_patterns: ["https://*.example.com"], allow_credentials: true }]) {
      const r = report(config);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.warnings, [], JSON.stringify(config));
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// 4. Robustness: no input traps (random bytes, mutated configurations), fixed seed
// ---------------------------------------------------------------------------------------------------------
const rng = xorshift32;
describe("config: never traps", () => {
  const seeds = [
    JSON.stringify({ allow_origins: ["https://a.example.com:8443", "null"], allow_origin_patterns: ["http://*.example.com:[80,8080]"],
      allow_origin_regexes: ["https://[a-z]+\\.x\\.com"], allow_methods: ["get"], max_age: "1h30m", timing_allow_origins: ["*"],
      _rules_: [{ _match_route_: ["r"], allow_origins: ["*"] }, { _match_domain_: ["*x.com"], preflight_status: 204 }] }),
    "{\"max_age\": 3600.0, \"_x\": \"\\u0041\\ud83d\\ude00\u00e9\", \"allow_headers\": [\"\\u0041-B\"], \"expose_headers\": [\"*\"]}",
  ];
  test("random bytes", () => {
    const next = rng(0xc0ffee);
    for (let i = 0; i < 1500; i++) {
      const n = next() % 64;
      const b = new Uint8Array(n);
      for (let k = 0; k < n; k++) b[k] = next() & 0xff;
      const r = reportBytes(b);
      assert.ok(r.errors.length > 0 || r.config !== null);
    }
  });
  test("the fuzzing seeds are valid", () => {
    for (const s of seeds) assert.deepEqual(report(s).errors, []);
  });
  test("mutated configurations", () => {
    const next = rng(42);
    const alphabet = "{}[]\",:*/.\\-0123456789eE+ \t\nhtps_aoxnul\u00e9\ud83d\ude00";
    for (let i = 0; i < 1500; i++) {
      const base = seeds[i % seeds.length];
      const chars = [...base];
      const edits = 1 + (next() % 4);
      for (let k = 0; k < edits; k++) {
        const at = next() % (chars.length + 1);
        const op = next() % 3;
        const c = [...alphabet][next() % [...alphabet].length];
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, c);
        else chars[at] = c;
      }
      const r = report(chars.join(""));
      assert.ok(r.errors.length > 0 || r.config !== null);
      if (r.errors.length > 0) assert.equal(r.config, null);
    }
  });
  test("large configurations are handled", () => {
    // Duplicate checks use hash sets. This unit build is unoptimised (--debug) and much slower than the release
    // build (-O3 parses 20000 origins in well under a second), so the size here stays moderate.
    const origins = Array.from({ length: 2000 }, (_, i) => `https://o${i}.example.com`);
    const keys: Record<string, number> = {};
    for (let i = 0; i < 2000; i++) keys[`_k${i}`] = i;
    const t0 = Date.now();
    const r = report({ ...keys, allow_origins: origins, allow_methods: Array.from({ length: 1000 }, (_, i) => `M${i}`) });
    assert.deepEqual(r.errors, []);
    assert.equal(r.config!.global!.allowOrigins.length, 2000);
    assert.ok(Date.now() - t0 < 10000);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 5. Conformance: every `kind: "config"` case; every request case's configuration is accepted
// ---------------------------------------------------------------------------------------------------------
interface ConformanceCase {
  id: string; kind: string; config: unknown;
  expect: { config_rejected?: boolean; error_mentions?: string[] };
}
// The repository's conformance table; a missing or empty file fails the run, never skips it.
const cases = loadCases() as unknown as ConformanceCase[];
describe("config: conformance cases (tests/conformance/cases.json)", () => {
  test("cases.json has config cases", () => assert.ok(cases.filter((x) => x.kind === "config").length > 10));
  for (const c of cases.filter((x) => x.kind === "config")) {
    test(`${c.id}: ${c.expect.config_rejected ? "rejected" : "accepted"}`, () => {
      const r = report(c.config);
      if (c.expect.config_rejected) {
        assert.equal(r.config, null, `accepted; warnings: ${JSON.stringify(r.warnings)}`);
        const all = r.errors.join("\n");
        for (const m of c.expect.error_mentions ?? []) assert.ok(all.includes(m), `errors do not mention ${JSON.stringify(m)}: ${all}`);
      } else {
        assert.deepEqual(r.errors, []);
        assert.ok(r.config);
      }
    });
  }
  test("every request case's configuration is accepted", () => {
    const bad: string[] = [];
    for (const c of cases.filter((x) => x.kind === "request")) {
      const r = report(c.config);
      if (r.errors.length > 0) bad.push(`${c.id}: ${r.errors.join(" | ")}`);
    }
    assert.deepEqual(bad, []);
  });
});
