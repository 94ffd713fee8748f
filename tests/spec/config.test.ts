// behaviour.md §1 (Configuration): defaults observable in responses, every warning, every error kind (with its
// key path, at error level), normalisation, all errors reported at once. The real build/cors.wasm, fresh VM each.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ACAC, ACAH, ACAM, ACAO, ACAPN, ACEH, ACMA, ERROR, WARN,
  actual, assert403, assertNoGrant, configure, exchange, hdr, host, preflight, run, varyTokens,
} from "./helpers.js";
import type { Case, Config } from "./helpers.js";

const O = "https://app.example.com";
const DEFAULT_METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"];
const DEFAULT_HEADERS = ["DNT", "X-CustomHeader", "Keep-Alive", "User-Agent", "X-Requested-With", "If-Modified-Since", "Cache-Control", "Content-Type", "Authorization"];

function list(v: string | null): string[] {
  assert.notEqual(v, null, "list header missing");
  return v!.split(",").map((t) => t.trim()).filter((t) => t.length > 0);
}

// ---------------------------------------------------------------------------------------------- defaults
const defaults: Case[] = [];
for (const [label, cfg] of [["zero bytes", ""], ["{}", "{}"]] as const) {
  defaults.push(
    {
      name: `§1 defaults (${label}): allow_origins ["*"] — an actual response gets ACAO * and no Vary: Origin`,
      fn: async () => {
        const r = await run(cfg, actual("https://anything.example.net"));
        assert.equal(r.reachesUpstream, true);
        assert.equal(hdr(r, ACAO), "*");
        assert.equal(hdr(r, ACAC), null, "allow_credentials defaults to false and is never sent as false");
        assert.equal(hdr(r, ACEH), null, "expose_headers defaults to []");
        assert.ok(!varyTokens(r).includes("origin"), `no Vary: Origin under a literal *: ${hdr(r, "vary")}`);
      },
    },
    {
      name: `§1 defaults (${label}): allow_methods = GET,PUT,POST,DELETE,PATCH,OPTIONS exactly on a preflight reply`,
      fn: async () => {
        const r = await run(cfg, preflight("https://anything.example.net", "DELETE"));
        assert.equal(r.status, 200, "preflight_status defaults to 200");
        assert.equal(r.body, "");
        assert.equal(hdr(r, ACAO), "*");
        assert.deepEqual(list(hdr(r, ACAM)), DEFAULT_METHODS);
      },
    },
    {
      name: `§1 defaults (${label}): allow_headers = the 9 Higress names exactly (ACAH when ACRH is sent)`,
      fn: async () => {
        const r = await run(cfg, preflight("https://anything.example.net", "PUT", "content-type,authorization,dnt"));
        assert.equal(r.status, 200);
        assert.deepEqual(list(hdr(r, ACAH)).map((s) => s.toLowerCase()), DEFAULT_HEADERS.map((s) => s.toLowerCase()));
      },
    },
    {
      name: `§1 defaults (${label}): a header outside the default allow_headers fails the preflight (403)`,
      fn: async () => {
        const r = await run(cfg, preflight("https://anything.example.net", "PUT", "x-not-default"));
        assert403(r);
      },
    },
    {
      name: `§1 defaults (${label}): max_age 86400 on a successful preflight, and the default stays quiet (no warning)`,
      fn: async () => {
        const h = await host(cfg);
        const r = exchange(h, preflight("https://anything.example.net", "PATCH"));
        assert.equal(hdr(r, ACMA), "86400");
        assert.deepEqual(h.logs.filter((l) => l.level >= WARN).map((l) => l.message), [], "defaults log nothing");
      },
    },
    {
      name: `§1 defaults (${label}): allow_private_network false — ACRPN is not granted, the preflight still succeeds`,
      fn: async () => {
        const r = await run(cfg, preflight("https://anything.example.net", "PUT", undefined, { "access-control-request-private-network": "true" }));
        assert.equal(r.status, 200);
        assert.equal(hdr(r, ACAO), "*");
        assert.equal(hdr(r, ACAPN), null);
      },
    },
    {
      name: `§1 defaults (${label}): on_disallowed reject — 403, body "Invalid CORS request", content-type text/plain`,
      fn: async () => {
        const r = await run(cfg, preflight("https://anything.example.net", "PROPFIND"));
        assert403(r);
        assert.equal(hdr(r, "content-type"), "text/plain");
        assertNoGrant(r);
      },
    },
    {
      name: `§1 defaults (${label}): mode enforce and debug false — upstream CORS headers replaced, no log line per request`,
      fn: async () => {
        const h = await host(cfg);
        const before = h.logs.length;
        const r = exchange(h, actual("https://x.example.net"), { headers: { [ACAO]: "https://upstream.example" } });
        assert.equal(hdr(r, ACAO), "*");
        assert.deepEqual(h.logs.slice(before), [], "no log line per request without debug");
      },
    },
    {
      name: `§1 defaults (${label}): reject_actual false — a disallowed actual request is forwarded`,
      fn: async () => {
        // the only disallowed actual request under the defaults: a method outside the defaults
        const r = await run(cfg, actual("https://x.example.net", "PROPFIND"));
        assert.equal(r.reachesUpstream, true);
        assert.equal(r.localReply, undefined);
      },
    },
  );
}
defaults.push(
  {
    name: "§1 allow_origins: [] counts as present — the default \"*\" does not apply, nothing is allowed",
    fn: async () => {
      const r = await run({ allow_origins: [] }, actual(O));
      assert.equal(r.reachesUpstream, true);
      assertNoGrant(r);
      assert.ok(varyTokens(r).includes("origin"));
    },
  },
  {
    name: "§1 allow_origins default applies only when none of the three origin keys is present (patterns only → no \"*\")",
    fn: async () => {
      const cfg = { allow_origin_patterns: ["https://*.app.example.com"] };
      const r = await run(cfg, actual("https://other.example.net"));
      assertNoGrant(r);
      assert.equal(hdr(await run(cfg, actual("https://a.app.example.com")), ACAO), "https://a.app.example.com");
      const r2 = await run({ allow_origin_regexes: ["https://x\\.example\\.com"] }, actual("https://other.example.net"));
      assertNoGrant(r2);
    },
  },
  {
    name: "§1 allow_credentials true sends ACAC: true; false is never sent as false",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_credentials: true }, actual(O));
      assert.equal(hdr(r, ACAC), "true");
      const p = await run({ allow_origins: [O], allow_credentials: true }, preflight(O));
      assert.equal(hdr(p, ACAC), "true");
      const f = await run({ allow_origins: [O], allow_credentials: false }, actual(O));
      assert.equal(hdr(f, ACAC), null);
      const fp = await run({ allow_origins: [O], allow_credentials: false }, preflight(O));
      assert.equal(hdr(fp, ACAC), null);
    },
  },
  {
    name: "§1 max_age 0 is sent as 0",
    fn: async () => {
      const r = await run({ allow_origins: [O], max_age: 0 }, preflight(O));
      assert.equal(hdr(r, ACMA), "0");
      const s = await run({ allow_origins: [O], max_age: "0s" }, preflight(O));
      assert.equal(hdr(s, ACMA), "0");
    },
  },
);
for (const [dur, secs] of [["12h", "43200"], ["90m", "5400"], ["1h30m", "5400"], ["45s", "45"], ["1h2m3s", "3723"], ["2m", "120"], ["1h", "3600"], ["600", null]] as const) {
  if (secs === null) continue;
  defaults.push({
    name: `§1 max_age duration string "${dur}" = ${secs} seconds`,
    fn: async () => {
      const r = await run({ allow_origins: [O], max_age: dur }, preflight(O));
      assert.equal(r.status, 200);
      assert.equal(hdr(r, ACMA), secs);
    },
  });
}
defaults.push(
  {
    name: "§1 max_age integer seconds sent as given (600)",
    fn: async () => {
      const r = await run({ allow_origins: [O], max_age: 600 }, preflight(O));
      assert.equal(hdr(r, ACMA), "600");
    },
  },
  {
    name: "§1 max_age 2147483647 (the maximum) is accepted and sent",
    fn: async () => {
      const r = await run({ allow_origins: [O], max_age: 2147483647 }, preflight(O));
      assert.equal(hdr(r, ACMA), "2147483647");
    },
  },
  {
    name: "§1 max_age only on successful preflights (not on actual responses)",
    fn: async () => {
      const r = await run({ allow_origins: [O], max_age: 60 }, actual(O));
      assert.equal(hdr(r, ACMA), null);
    },
  },
  {
    name: "§1 expose_headers → ACEH on actual responses",
    fn: async () => {
      const r = await run({ allow_origins: [O], expose_headers: ["X-Total", "X-Page"] }, actual(O));
      assert.deepEqual(list(hdr(r, ACEH)).map((s) => s.toLowerCase()), ["x-total", "x-page"]);
    },
  },
  {
    name: "§1 allow_methods \"*\" echoes the ACRM; allow_headers \"*\" echoes the ACRH names",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_methods: ["*"], allow_headers: ["*"] }, preflight(O, "PURGE", "X-A, x-b"));
      assert.equal(r.status, 200);
      assert.equal(hdr(r, ACAM), "PURGE");
      assert.equal(hdr(r, ACAH), "x-a,x-b");
    },
  },
);
for (const c of defaults) test(c.name, c.fn);

// ---------------------------------------------------------------------------------------------- warnings
interface WarnCase {
  clause: string;
  config: Config;
  mentions: string[]; // substrings of ONE warning line (key path first)
}
const warnings: WarnCase[] = [
  { clause: "\"null\" allowed", config: { allow_origins: ["https://a.example.com", "null"] }, mentions: ["allow_origins[1]", "null"] },
  { clause: "http:// origin with credentials", config: { allow_origins: ["http://a.example.com"], allow_credentials: true }, mentions: ["allow_origins[0]", "http://a.example.com"] },
  { clause: "pattern with scheme http with credentials", config: { allow_origin_patterns: ["https://*.b.example.com", "http://*.a.example.com"], allow_credentials: true }, mentions: ["allow_origin_patterns[1]", "http://*.a.example.com"] },
  { clause: "pattern with scheme * with credentials", config: { allow_origin_patterns: ["*://*.a.example.com"], allow_credentials: true }, mentions: ["allow_origin_patterns[0]", "*://*.a.example.com"] },
  { clause: "configured method not upper case", config: { allow_methods: ["GET", "patch"] }, mentions: ["allow_methods[1]", "patch"] },
  { clause: "allow_origin_patterns [\"*\"] with credentials", config: { allow_origin_patterns: ["*"], allow_credentials: true }, mentions: ["allow_origin_patterns[0]"] },
  { clause: "\"*\" beside other allow_origins entries", config: { allow_origins: ["https://a.example.com", "*"] }, mentions: ["allow_origins", "*"] },
  { clause: "explicit max_age above 7200", config: { max_age: 7201 }, mentions: ["max_age", "7201"] },
  { clause: "explicit max_age above 7200 as a duration string", config: { max_age: "3h" }, mentions: ["max_age"] },
  { clause: "_match_domain_ with a leading * not followed by .", config: { _rules_: [{ _match_domain_: ["api.example.org", "*example.com"] }] }, mentions: ["_rules_[0]._match_domain_[1]", "*example.com"] },
  { clause: "lone trailing / dropped from an origin", config: { allow_origins: ["https://a.example.com/"] }, mentions: ["allow_origins[0]", "https://a.example.com/"] },
  { clause: "warning inside a rule is prefixed _rules_[i].", config: { allow_origins: [O], _rules_: [{ _match_route_: ["r0"] }, { _match_route_: ["r"], allow_origins: ["null"] }] }, mentions: ["_rules_[1].allow_origins[0]", "null"] },
];
for (const w of warnings) {
  test(`§1 warning (logged at warn, not fatal): ${w.clause}`, async () => {
    const out = await configure(w.config);
    assert.equal(out.ok, true, `a warning must not reject: ${JSON.stringify(out.errors)}`);
    assert.deepEqual(out.errors, [], "no error line");
    assert.ok(
      out.warnings.some((l) => w.mentions.every((m) => l.includes(m))),
      `no warn-level line mentions ${JSON.stringify(w.mentions)}: ${JSON.stringify(out.logs)}`,
    );
  });
}
test("§1 warning: an explicit max_age of exactly 7200 is not warned about", async () => {
  const out = await configure({ max_age: 7200 });
  assert.equal(out.ok, true);
  assert.deepEqual(out.warnings.filter((l) => l.includes("max_age")), []);
});
test("§1 warning: upper-case methods, https origins with credentials and a 86400 default produce no warning", async () => {
  const out = await configure({ allow_origins: ["https://a.example.com"], allow_credentials: true, allow_methods: ["GET", "PATCH"] });
  assert.equal(out.ok, true);
  assert.deepEqual(out.warnings, []);
});

// ---------------------------------------------------------------------------------------------- errors
interface ErrCase {
  clause: string;
  config: Config;
  mentions: string[]; // substrings of ONE error line; the first is the key path
}
const errors: ErrCase[] = [
  { clause: "not JSON", config: "{\"allow_origins\": [", mentions: [] },
  { clause: "not JSON (garbage)", config: "allow_origins=*", mentions: [] },
  { clause: "not an object (array)", config: "[]", mentions: [] },
  { clause: "not an object (string)", config: "\"x\"", mentions: [] },
  { clause: "not an object (number)", config: "42", mentions: [] },
  { clause: "not an object (JSON null)", config: "null", mentions: [] },
  { clause: "unknown key", config: { allow_origins: [O], alow_credentials: true }, mentions: ["alow_credentials"] },
  { clause: "unknown key inside a rule", config: { _rules_: [{ _match_route_: ["r"], maxAge: 5 }] }, mentions: ["_rules_[0].maxAge"] },
  { clause: "wrong type: allow_origins a string", config: { allow_origins: O }, mentions: ["allow_origins"] },
  { clause: "wrong type: allow_origins element a number", config: { allow_origins: [O, 5] }, mentions: ["allow_origins[1]"] },
  { clause: "wrong type: allow_credentials a string", config: { allow_origins: [O], allow_credentials: "true" }, mentions: ["allow_credentials"] },
  { clause: "wrong type: preflight_continue a number", config: { preflight_continue: 1 }, mentions: ["preflight_continue"] },
  { clause: "wrong type: max_age a bool", config: { max_age: true }, mentions: ["max_age"] },
  { clause: "wrong type: _rules_ an object", config: { _rules_: { _match_route_: ["r"] } }, mentions: ["_rules_"] },
  { clause: "wrong type: a _rules_ entry not an object", config: { allow_origins: [O], _rules_: ["x"] }, mentions: ["_rules_[0]"] },
  { clause: "JSON null value: allow_origins", config: { allow_origins: null }, mentions: ["allow_origins"] },
  { clause: "JSON null value: allow_credentials", config: { allow_credentials: null }, mentions: ["allow_credentials"] },
  { clause: "JSON null value: max_age", config: { max_age: null }, mentions: ["max_age"] },
  { clause: "JSON null value: debug", config: { debug: null }, mentions: ["debug"] },
  { clause: "JSON null value: mode", config: { mode: null }, mentions: ["mode"] },
  { clause: "JSON null value: an array element", config: { allow_headers: ["X-A", null] }, mentions: ["allow_headers[1]"] },
  { clause: "JSON null value inside a rule", config: { _rules_: [{ _match_route_: ["r"], allow_methods: null }] }, mentions: ["_rules_[0].allow_methods"] },
  { clause: "JSON null value: _rules_", config: { allow_origins: [O], _rules_: null }, mentions: ["_rules_"] },
  { clause: "origin with a path", config: { allow_origins: [O, "https://a.example.com/app"] }, mentions: ["allow_origins[1]", "path"] },
  { clause: "origin with a query", config: { allow_origins: ["https://a.example.com?x=1"] }, mentions: ["allow_origins[0]", "query"] },
  { clause: "origin with a fragment", config: { allow_origins: ["https://a.example.com#f"] }, mentions: ["allow_origins[0]", "fragment"] },
  { clause: "origin with userinfo", config: { allow_origins: ["https://u:p@a.example.com"] }, mentions: ["allow_origins[0]", "userinfo"] },
  { clause: "origin with an empty host", config: { allow_origins: ["https://"] }, mentions: ["allow_origins[0]", "host"] },
  { clause: "origin with an empty host and a port", config: { allow_origins: ["https://:8443"] }, mentions: ["allow_origins[0]"] },
  { clause: "origin with port 0", config: { allow_origins: ["https://a.example.com:0"] }, mentions: ["allow_origins[0]", "port"] },
  { clause: "origin with port 65536", config: { allow_origins: ["https://a.example.com:65536"] }, mentions: ["allow_origins[0]", "port"] },
  { clause: "origin with a leading-zero port", config: { allow_origins: ["https://a.example.com:0443"] }, mentions: ["allow_origins[0]", "port"] },
  { clause: "origin with a non-numeric port", config: { allow_origins: ["https://a.example.com:https"] }, mentions: ["allow_origins[0]", "port"] },
  { clause: "origin without a scheme", config: { allow_origins: ["a.example.com"] }, mentions: ["allow_origins[0]"] },
  { clause: "a * inside an allow_origins entry points to allow_origin_patterns", config: { allow_origins: ["https://*.example.com"] }, mentions: ["allow_origins[0]", "allow_origin_patterns"] },
  { clause: "a * as the scheme of an allow_origins entry points to allow_origin_patterns", config: { allow_origins: ["*://a.example.com"] }, mentions: ["allow_origins[0]", "allow_origin_patterns"] },
  { clause: "bad pattern: *.com (one label) points to allow_origin_regexes", config: { allow_origin_patterns: ["https://*.com"] }, mentions: ["allow_origin_patterns[0]", "allow_origin_regexes"] },
  { clause: "bad pattern: *.localhost (one label) points to allow_origin_regexes", config: { allow_origin_patterns: ["http://*.localhost:[*]"] }, mentions: ["allow_origin_patterns[0]", "allow_origin_regexes"] },
  { clause: "bad pattern: api.*.example.com points to allow_origin_regexes", config: { allow_origin_patterns: ["https://api.*.example.com"] }, mentions: ["allow_origin_patterns[0]", "allow_origin_regexes"] },
  { clause: "bad pattern: api-*.example.com points to allow_origin_regexes", config: { allow_origin_patterns: ["https://api-*.example.com"] }, mentions: ["allow_origin_patterns[0]", "allow_origin_regexes"] },
  { clause: "bad pattern: a path", config: { allow_origin_patterns: ["https://*.example.com/x"] }, mentions: ["allow_origin_patterns[0]"] },
  { clause: "bad pattern: a bad port list", config: { allow_origin_patterns: ["https://*.example.com:[80,x]"] }, mentions: ["allow_origin_patterns[0]"] },
  { clause: "regex that does not compile", config: { allow_origin_regexes: ["https://(a"] }, mentions: ["allow_origin_regexes[0]"] },
  { clause: "regex with a backreference", config: { allow_origin_regexes: ["https://(a)\\1"] }, mentions: ["allow_origin_regexes[0]"] },
  { clause: "regex with lookahead", config: { allow_origin_regexes: ["https://(?=a)a"] }, mentions: ["allow_origin_regexes[0]"] },
  { clause: "regex with lookbehind", config: { allow_origin_regexes: ["https://(?<=a)a"] }, mentions: ["allow_origin_regexes[0]"] },
  { clause: "\"*\" in allow_origins with credentials — says use allow_origin_patterns", config: { allow_origins: ["*"], allow_credentials: true }, mentions: ["allow_origins[0]", "allow_origin_patterns"] },
  { clause: "\"*\" in expose_headers with credentials", config: { allow_origins: [O], expose_headers: ["X-A", "*"], allow_credentials: true }, mentions: ["expose_headers[1]"] },
  { clause: "\"null\" in allow_origins with credentials", config: { allow_origins: [O, "null"], allow_credentials: true }, mentions: ["allow_origins[1]", "null"] },
  { clause: "allow_credentials with none of the three origin keys", config: { allow_credentials: true }, mentions: ["allow_credentials"] },
  { clause: "method that is not a token", config: { allow_methods: ["GET", "PU T"] }, mentions: ["allow_methods[1]"] },
  { clause: "method that is empty", config: { allow_methods: [""] }, mentions: ["allow_methods[0]"] },
  { clause: "header name that is not a token", config: { allow_headers: ["X-A", "X(B)"] }, mentions: ["allow_headers[1]"] },
  { clause: "expose header name that is not a token", config: { allow_origins: [O], expose_headers: ["X A"] }, mentions: ["expose_headers[0]"] },
  { clause: "header name with a non-ASCII character", config: { allow_headers: ["X-\u00c4"] }, mentions: ["allow_headers[0]"] },
  { clause: "method with a non-ASCII character", config: { allow_methods: ["G\u00c9T"] }, mentions: ["allow_methods[0]"] },
  { clause: "timing_allow_origins entry with a path", config: { allow_origins: [O], timing_allow_origins: ["https://a.example.com/x"] }, mentions: ["timing_allow_origins[0]"] },
  { clause: "timing_allow_origins entry with a * inside", config: { allow_origins: [O], timing_allow_origins: ["https://*.example.com"] }, mentions: ["timing_allow_origins[0]"] },
  { clause: "wrong type: timing_allow_origins a string", config: { timing_allow_origins: "*" }, mentions: ["timing_allow_origins"] },
  { clause: "max_age negative", config: { max_age: -1 }, mentions: ["max_age"] },
  { clause: "max_age fractional", config: { max_age: 1.5 }, mentions: ["max_age"] },
  { clause: "max_age \"600\" (no unit)", config: { max_age: "600" }, mentions: ["max_age"] },
  { clause: "max_age \"1.5h\"", config: { max_age: "1.5h" }, mentions: ["max_age"] },
  { clause: "max_age \"\"", config: { max_age: "" }, mentions: ["max_age"] },
  { clause: "max_age \"30m1h\" (wrong order)", config: { max_age: "30m1h" }, mentions: ["max_age"] },
  { clause: "max_age \"-5s\"", config: { max_age: "-5s" }, mentions: ["max_age"] },
  { clause: "max_age above 2147483647", config: { max_age: 2147483648 }, mentions: ["max_age"] },
  { clause: "max_age duration above 2147483647 seconds", config: { max_age: "596524h" }, mentions: ["max_age"] },
  { clause: "bad preflight_status 201", config: { preflight_status: 201 }, mentions: ["preflight_status"] },
  { clause: "bad preflight_status \"204\" (string)", config: { preflight_status: "204" }, mentions: ["preflight_status"] },
  { clause: "bad on_disallowed", config: { on_disallowed: "drop" }, mentions: ["on_disallowed"] },
  { clause: "bad mode", config: { mode: "Enforce" }, mentions: ["mode"] },
  { clause: "malformed _rules_ entry: match key holding an empty string", config: { _rules_: [{ _match_domain_: ["a.example.com", ""] }] }, mentions: ["_rules_[0]._match_domain_"] },
  { clause: "malformed _rules_ entry: empty match array", config: { _rules_: [{ _match_service_: [] }] }, mentions: ["_rules_[0]._match_service_"] },
  { clause: "malformed _rules_ entry: match key not a string array", config: { _rules_: [{ _match_route_: "r" }] }, mentions: ["_rules_[0]._match_route_"] },
  { clause: "malformed _rules_ entry: match key array of numbers", config: { _rules_: [{ _match_route_: [1] }] }, mentions: ["_rules_[0]._match_route_"] },
  { clause: "a rule with none of the match keys", config: { allow_origins: [O], _rules_: [{ allow_origins: [O] }] }, mentions: ["_rules_[0]"] },
  { clause: "a rule with only _match_route_prefix_ (not one of the three match keys)", config: { allow_origins: [O], _rules_: [{ _match_route_prefix_: ["/api"], allow_origins: [O] }] }, mentions: ["_rules_[0]"] },
  { clause: "errors inside a rule are prefixed _rules_[i].", config: { _rules_: [{ _match_route_: ["a"] }, { _match_route_: ["b"], allow_origins: ["https://a.example.com/x"] }] }, mentions: ["_rules_[1].allow_origins[0]", "path"] },
  { clause: "\"*\" with credentials inside a rule (rule parsed on its own)", config: { _rules_: [{ _match_route_: ["b"], allow_origins: ["*"], allow_credentials: true }] }, mentions: ["_rules_[0].allow_origins[0]", "allow_origin_patterns"] },
  { clause: "allow_credentials in a rule without origin keys (no inheritance from global)", config: { allow_origins: [O], _rules_: [{ _match_route_: ["b"], allow_credentials: true }] }, mentions: ["_rules_[0].allow_credentials"] },
];
for (const e of errors) {
  test(`§1 error (rejects, key path at error level): ${e.clause}`, async () => {
    const out = await configure(e.config);
    assert.equal(out.ok, false, `must be rejected; logs: ${JSON.stringify(out.logs)}`);
    assert.ok(out.errors.length >= 1, "at least one error-level line");
    if (e.mentions.length > 0) {
      assert.ok(
        out.errors.some((l) => e.mentions.every((m) => l.includes(m))),
        `no error-level line mentions ${JSON.stringify(e.mentions)}: ${JSON.stringify(out.errors)}`,
      );
    }
  });
}

test("§1 _-keys other than _rules_ are ignored (_plugin_id_, _plugin_name_, _anything)", async () => {
  const out = await configure({ _plugin_id_: "p1", _plugin_name_: "cors", _anything: { x: null }, allow_origins: [O] });
  assert.equal(out.ok, true, JSON.stringify(out.errors));
  assert.deepEqual(out.errors, []);
  const g = await host({ _plugin_id_: "p1", _plugin_name_: "cors", allow_origins: [O] });
  assert.equal(hdr(exchange(g, actual(O)), ACAO), O, "the other keys still apply");
  // and they do not make a global configuration out of nothing: _rules_ + _plugin_id_ only → no global
  const h = await host({ _plugin_id_: "p1", _rules_: [{ _match_route_: ["r"], allow_origins: [O] }] });
  const r = exchange(h, actual("https://evil.example"), { headers: { [ACAO]: "https://up.example" } });
  assert.equal(hdr(r, ACAO), "https://up.example", "no policy: upstream CORS untouched");
  assert.equal(hdr(r, "vary"), null);
});

test("§1 allow_credentials false without origin keys is not an error (only true would allow nothing)", async () => {
  const out = await configure({ allow_credentials: false });
  assert.equal(out.ok, true, JSON.stringify(out.errors));
});

test("§1 a rejected configuration keeps the previous one (proxy_on_configure false)", async () => {
  const h = await host({ allow_origins: [O] });
  assert.equal(h.configure(JSON.stringify({ allow_origins: ["https://a.example.com/x"] })), false);
  const r = exchange(h, actual(O));
  assert.equal(hdr(r, ACAO), O);
});

test("§1 all errors reported at once: 5 distinct problems → 5 error lines, one per key", async () => {
  const out = await configure({
    allow_origins: ["https://a.example.com/path"],
    allow_methods: ["GE T"],
    max_age: -5,
    mode: "audit",
    unknown_key: 1,
  });
  assert.equal(out.ok, false);
  assert.equal(out.errors.length, 5, JSON.stringify(out.errors));
  for (const k of ["allow_origins[0]", "allow_methods[0]", "max_age", "mode", "unknown_key"]) {
    assert.equal(out.errors.filter((l) => l.startsWith(`${k}:`)).length, 1, `one line for ${k}: ${JSON.stringify(out.errors)}`);
  }
});

test("§1 all errors reported at once across the global config and several rules", async () => {
  const out = await configure({
    preflight_status: 500,
    _rules_: [
      { _match_route_: ["a"], on_disallowed: "x" },
      { _match_domain_: [""] },
      { allow_origins: [O] },
    ],
  });
  assert.equal(out.ok, false);
  for (const k of ["preflight_status", "_rules_[0].on_disallowed", "_rules_[1]._match_domain_", "_rules_[2]"]) {
    assert.ok(out.errors.some((l) => l.includes(k)), `an error line for ${k}: ${JSON.stringify(out.errors)}`);
  }
  assert.ok(out.errors.length >= 4);
});

test("§1 error lines are at level error and start with the key path (no prefix of the filter's own: the host adds the plugin's)", async () => {
  const out = await configure({ allow_origins: ["https://a.example.com/x"] });
  assert.equal(out.ok, false);
  const lines = out.logs.filter((l) => l.message.includes("allow_origins[0]"));
  assert.ok(lines.length >= 1);
  for (const l of lines) {
    assert.equal(l.level, ERROR);
    assert.ok(l.message.startsWith("allow_origins[0]: "), l.message);
  }
});

// ---------------------------------------------------------------------------------------------- normalisation
const norm: Case[] = [
  {
    name: "§1 normalisation: upper-case scheme and host of a configured origin are lower-cased",
    fn: async () => {
      const r = await run({ allow_origins: ["HTTPS://App.Example.COM"] }, actual(O));
      assert.equal(hdr(r, ACAO), O);
    },
  },
  {
    name: "§1 normalisation: a configured :443 on https is removed",
    fn: async () => {
      const r = await run({ allow_origins: ["https://app.example.com:443"] }, actual(O));
      assert.equal(hdr(r, ACAO), O);
    },
  },
  {
    name: "§1 normalisation: a configured :80 on http is removed",
    fn: async () => {
      const r = await run({ allow_origins: ["http://app.example.com:80"] }, actual("http://app.example.com"));
      assert.equal(hdr(r, ACAO), "http://app.example.com");
    },
  },
  {
    name: "§1 normalisation: :443 on http is NOT a default port (kept)",
    fn: async () => {
      const h = await host({ allow_origins: ["http://app.example.com:443"] });
      assert.equal(hdr(exchange(h, actual("http://app.example.com")), ACAO), null);
      assert.equal(hdr(exchange(h, actual("http://app.example.com:443")), ACAO), "http://app.example.com:443");
    },
  },
  {
    name: "§1 normalisation: a lone trailing / is dropped (with a warning) and the origin then matches",
    fn: async () => {
      const h = await host({ allow_origins: ["https://app.example.com/"] });
      assert.ok(h.logs.some((l) => l.level === WARN && l.message.includes("allow_origins[0]")));
      assert.equal(hdr(exchange(h, actual(O)), ACAO), O);
    },
  },
  {
    name: "§1 normalisation: upper-case + default port + trailing / together",
    fn: async () => {
      const r = await run({ allow_origins: ["HTTPS://APP.EXAMPLE.COM:443/"] }, actual(O));
      assert.equal(hdr(r, ACAO), O);
    },
  },
  {
    name: "§1 allow_methods are upper-cased at configure time: ACAM shows the upper-case token",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_methods: ["purge"] }, preflight(O, "PURGE"));
      assert.equal(r.status, 200);
      assert.equal(hdr(r, ACAM), "PURGE");
    },
  },
];
for (const c of norm) test(c.name, c.fn);

test("§1 configuration is JSON: escaped characters (\\/ and \\u0061) are decoded before validation", async () => {
  const h = await host('{"allow_origins":["https:\\/\\/\\u0061pp.example.com"]}');
  assert.equal(hdr(exchange(h, actual(O)), ACAO), O);
});

test("§1 numbers are JSON numbers: 3600.0 and 36e2 are 3600 whole seconds; 2.04e2 is status 204", async () => {
  for (const text of ['{"max_age":3600.0}', '{"max_age":36e2}']) {
    const h = await host(text);
    assert.equal(hdr(exchange(h, preflight(O, "PUT")), ACMA), "3600", text);
  }
  const h = await host('{"preflight_status":2.04e2}');
  assert.equal(exchange(h, preflight(O, "PUT")).status, 204);
});
