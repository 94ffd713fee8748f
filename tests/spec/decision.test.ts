// behaviour.md §2 (per-request decision): same-origin detection, preflight vs actual, ACRM / ACRH / ACRPN,
// preflight_continue, preflight_status, on_disallowed, reject_actual and navigations, Timing-Allow-Origin,
// the literal-"*" policy, echoed ACAM / ACAH. The real build/cors.wasm, fresh VM per case.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ACAC, ACAH, ACAM, ACAO, ACAPN, ACEH, ACMA, TAO, PREFLIGHT_VARY,
  actual, assert403, assertNoGrant, counters, exchange, hdr, host, lines, preflight, run, varyTokens,
} from "./helpers.js";
import type { Case } from "./helpers.js";

const O = "https://app.example.com";
const STRICT = { allow_origins: [O], allow_methods: ["GET", "PUT", "DELETE"], allow_headers: ["Content-Type", "X-Request-Id"], expose_headers: ["X-Total"] };
const REJECTING = { ...STRICT, reject_actual: true };

function notCors(h: Awaited<ReturnType<typeof host>>): void {
  const c = counters(h);
  assert.equal(c["cors.not_cors"], 1, `not_cors counter: ${JSON.stringify(c)}`);
  assert.equal(c["cors.actual_rejected"] + c["cors.actual_allowed"] + c["cors.preflight_allowed"] + c["cors.preflight_rejected"], 0, JSON.stringify(c));
}

const cases: Case[] = [
  // ------------------------------------------------------------------ §2.3 same-origin
  {
    name: "§2.3 same-origin via x-forwarded-proto https with :scheme http (not CORS, never rejected)",
    fn: async () => {
      const h = await host(REJECTING);
      const r = exchange(h, { method: "DELETE", scheme: "http", host: "api.example.com", headers: { origin: "https://api.example.com", "x-forwarded-proto": "https" } });
      assert.equal(r.reachesUpstream, true);
      assertNoGrant(r);
      notCors(h);
    },
  },
  {
    name: "§2.3 x-forwarded-proto: the FIRST comma-separated token, trimmed and lower-cased (\" HTTPS , http\")",
    fn: async () => {
      const h = await host(REJECTING);
      const r = exchange(h, { method: "POST", scheme: "http", host: "api.example.com", headers: { origin: "https://api.example.com", "x-forwarded-proto": "HTTPS ,http" } });
      assert.equal(r.reachesUpstream, true);
      notCors(h);
    },
  },
  {
    name: "§2.3 x-forwarded-proto overrides :scheme: xfp http + :scheme https makes an https Origin cross-origin",
    fn: async () => {
      const h = await host(REJECTING);
      const r = exchange(h, { method: "GET", scheme: "https", host: "api.example.com", headers: { origin: "https://api.example.com", "x-forwarded-proto": "http" } });
      assert403(r);
      assert.equal(counters(h)["cors.actual_rejected"], 1);
    },
  },
  {
    name: "§2.3 x-forwarded-proto: a later token does not count (\"http, https\" with an https Origin is cross-origin)",
    fn: async () => {
      const h = await host(REJECTING);
      const r = exchange(h, { method: "GET", scheme: "http", host: "api.example.com", headers: { origin: "https://api.example.com", "x-forwarded-proto": "http, https" } });
      assert403(r);
    },
  },
  {
    name: "§2.3 same-origin without x-forwarded-proto uses :scheme",
    fn: async () => {
      const h = await host(REJECTING);
      const r = exchange(h, { method: "DELETE", scheme: "https", host: "api.example.com", headers: { origin: "https://api.example.com" } });
      assert.equal(r.reachesUpstream, true);
      notCors(h);
      const h2 = await host(REJECTING);
      assert403(exchange(h2, { method: "DELETE", scheme: "http", host: "api.example.com", headers: { origin: "https://api.example.com" } }));
    },
  },
  {
    name: "§2.3 same-origin: host compared case-insensitively, explicit default port in the Origin equals none in :authority",
    fn: async () => {
      const h = await host(REJECTING);
      exchange(h, { method: "DELETE", scheme: "https", host: "API.Example.com", headers: { origin: "https://api.example.COM:443" } });
      notCors(h);
    },
  },
  {
    name: "§2.3 same-origin: a different port is cross-origin",
    fn: async () => {
      const h = await host(REJECTING);
      assert403(exchange(h, { method: "GET", scheme: "https", host: "api.example.com:8443", headers: { origin: "https://api.example.com" } }));
    },
  },
  {
    name: "§2.3 same-origin: sec-fetch-site same-origin makes any Origin not CORS",
    fn: async () => {
      const h = await host(REJECTING);
      const r = exchange(h, { method: "DELETE", scheme: "https", host: "api.example.com", headers: { origin: "https://elsewhere.example.net", "sec-fetch-site": "same-origin" } });
      assert.equal(r.reachesUpstream, true);
      notCors(h);
    },
  },
  {
    name: "§2.3 sec-fetch-site same-site is NOT same-origin",
    fn: async () => {
      const h = await host(REJECTING);
      assert403(exchange(h, { method: "GET", host: "api.example.com", headers: { origin: "https://elsewhere.example.net", "sec-fetch-site": "same-site" } }));
    },
  },
  {
    name: "§2.3 same-origin with an IPv6 :authority ([::1]:8443 and [2001:db8::1])",
    fn: async () => {
      const h = await host(REJECTING);
      exchange(h, { method: "DELETE", scheme: "https", host: "[::1]:8443", headers: { origin: "https://[::1]:8443" } });
      notCors(h);
      const h2 = await host(REJECTING);
      exchange(h2, { method: "DELETE", scheme: "http", host: "[2001:db8::1]", headers: { origin: "http://[2001:db8::1]" } });
      notCors(h2);
      const h3 = await host(REJECTING);
      assert403(exchange(h3, { method: "DELETE", scheme: "https", host: "[::1]:8443", headers: { origin: "https://[::2]:8443" } }));
    },
  },
  {
    name: "§2.3 a same-origin preflight is not CORS either (forwarded, no local reply)",
    fn: async () => {
      const h = await host(STRICT);
      const r = exchange(h, { method: "OPTIONS", scheme: "https", host: "api.example.com", headers: { origin: "https://api.example.com", "access-control-request-method": "PATCH" } });
      assert.equal(r.reachesUpstream, true);
      notCors(h);
    },
  },
  {
    name: "§2.3 same-origin: :authority with an explicit :80 under E=https is cross-origin to https://host",
    fn: async () => {
      const h = await host(REJECTING);
      assert403(exchange(h, { method: "GET", scheme: "https", host: "api.example.com:80", headers: { origin: "https://api.example.com" } }));
      const h2 = await host(REJECTING);
      exchange(h2, { method: "DELETE", scheme: "https", host: "api.example.com:80", headers: { origin: "http://api.example.com", "x-forwarded-proto": "http" } });
      notCors(h2);
    },
  },
  {
    name: "§2 repeated x-forwarded-proto / sec-fetch-site lines: only the first line counts",
    fn: async () => {
      const h = await host(REJECTING);
      exchange(h, { method: "DELETE", scheme: "http", headers: [["origin", "https://api.example.com"], ["x-forwarded-proto", "https"], ["x-forwarded-proto", "http"]] });
      notCors(h);
      const h2 = await host(REJECTING);
      assert403(exchange(h2, { method: "GET", scheme: "https", headers: [["origin", "https://api.example.com"], ["x-forwarded-proto", "http"], ["x-forwarded-proto", "https"]] }));
      const h3 = await host(REJECTING);
      exchange(h3, { method: "DELETE", headers: [["origin", "https://evil.example"], ["sec-fetch-site", "same-origin"], ["sec-fetch-site", "cross-site"]] });
      notCors(h3);
      const h4 = await host(REJECTING);
      assert403(exchange(h4, { method: "GET", headers: [["origin", "https://evil.example"], ["sec-fetch-site", "cross-site"], ["sec-fetch-site", "same-origin"]] }));
    },
  },
  {
    name: "§2.6 repeated sec-fetch-mode lines: only the first line decides whether it is a navigation",
    fn: async () => {
      const nav = await run(REJECTING, { method: "POST", headers: [["origin", "https://evil.example"], ["sec-fetch-mode", "navigate"], ["sec-fetch-mode", "cors"]] });
      assert.equal(nav.reachesUpstream, true);
      assert403(await run(REJECTING, { method: "POST", headers: [["origin", "https://evil.example"], ["sec-fetch-mode", "cors"], ["sec-fetch-mode", "navigate"]] }));
    },
  },
  {
    name: "§2.3 same-origin: IPv6 hex digits compared case-insensitively ([::ABCD] vs [::abcd])",
    fn: async () => {
      const h = await host(REJECTING);
      exchange(h, { method: "DELETE", scheme: "https", host: "[::ABCD]:8443", headers: { origin: "https://[::abcd]:8443" } });
      notCors(h);
    },
  },
  // ------------------------------------------------------------------ §2.1/2.2 missing vs empty Origin
  {
    name: "§2.1 an empty Origin is a malformed origin, not a missing one (counted as a rejected actual request)",
    fn: async () => {
      const h = await host(STRICT);
      const r = exchange(h, actual(""));
      assert.equal(r.reachesUpstream, true);
      assertNoGrant(r);
      const c = counters(h);
      assert.equal(c["cors.actual_rejected"], 1, JSON.stringify(c));
      assert.equal(c["cors.not_cors"], 0, JSON.stringify(c));
    },
  },
  {
    name: "§2.1 an empty Origin on a preflight fails the preflight (403)",
    fn: async () => {
      const r = await run(STRICT, preflight("", "PUT"));
      assert403(r);
    },
  },
  {
    name: "§2.2 no Origin: not a CORS request, forwarded, no grant",
    fn: async () => {
      const h = await host(REJECTING);
      const r = exchange(h, actual(null, "PROPFIND"));
      assert.equal(r.reachesUpstream, true);
      assertNoGrant(r);
      notCors(h);
    },
  },
  {
    name: "§2.2 OPTIONS + ACRM without Origin is not a preflight (forwarded)",
    fn: async () => {
      const h = await host(STRICT);
      const r = exchange(h, { method: "OPTIONS", headers: { "access-control-request-method": "PUT" } });
      assert.equal(r.reachesUpstream, true);
      assertNoGrant(r);
      notCors(h);
    },
  },
  // ------------------------------------------------------------------ §2.4 preflight vs actual
  {
    name: "§2.4 OPTIONS without ACRM is an actual request (allowed: forwarded, ACAO, no ACAM/ACMA)",
    fn: async () => {
      const h = await host({ allow_origins: [O] }); // OPTIONS is in the default methods
      const r = exchange(h, { method: "OPTIONS", headers: { origin: O } });
      assert.equal(r.reachesUpstream, true);
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r, ACAM), null);
      assert.equal(hdr(r, ACMA), null);
      assert.equal(counters(h)["cors.actual_allowed"], 1);
    },
  },
  {
    name: "§2.4 :method must be exactly OPTIONS: \"options\" + ACRM is an actual request",
    fn: async () => {
      const h = await host({ allow_origins: [O], allow_methods: ["*"] });
      const r = exchange(h, { method: "options", headers: { origin: O, "access-control-request-method": "PUT" } });
      assert.equal(r.reachesUpstream, true);
      assert.equal(hdr(r, ACMA), null);
      assert.equal(counters(h)["cors.preflight_allowed"], 0);
      assert.equal(counters(h)["cors.actual_allowed"], 1);
    },
  },
  {
    name: "§2.4 an empty ACRM is present (a preflight) and fails as a method",
    fn: async () => {
      const h = await host({ allow_origins: [O] });
      const r = exchange(h, preflight(O, ""));
      assert403(r);
      assert.equal(counters(h)["cors.preflight_rejected"], 1);
    },
  },
  {
    name: "§2.4 an empty ACRM fails even with allow_methods [\"*\"]",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_methods: ["*"] }, preflight(O, ""));
      assert403(r);
    },
  },
  // ------------------------------------------------------------------ §2.5 methods
  {
    name: "§2.5 ACRM compared byte for byte: \"patch\" vs configured PATCH fails",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_methods: ["GET", "PATCH"] }, preflight(O, "patch"));
      assert403(r);
    },
  },
  {
    name: "§2.5 ACRM \"patch\" passes with allow_methods [\"*\"] and is echoed as sent",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_methods: ["*"] }, preflight(O, "patch"));
      assert.equal(r.status, 200);
      assert.equal(hdr(r, ACAM), "patch");
    },
  },
  {
    name: "§2.5 safelisted ACRM (GET, HEAD, POST) passes without being listed; ACAM stays the configured list",
    fn: async () => {
      for (const m of ["GET", "HEAD", "POST"]) {
        const r = await run({ allow_origins: [O], allow_methods: ["PUT"] }, preflight(O, m));
        assert.equal(r.status, 200, m);
        assert.equal(hdr(r, ACAO), O, m);
        assert.equal(hdr(r, ACAM), "PUT", m);
      }
    },
  },
  {
    name: "§2.5 safelisting is byte-exact: ACRM \"get\" is not safelisted",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_methods: ["PUT"] }, preflight(O, "get"));
      assert403(r);
    },
  },
  {
    name: "§2.6 actual request: safelisted POST passes although allow_methods is [\"PUT\"]",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_methods: ["PUT"] }, actual(O, "POST"));
      assert.equal(hdr(r, ACAO), O);
    },
  },
  {
    name: "§2.6 actual request: :method compared byte for byte (\"put\" vs PUT → no grant)",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_methods: ["PUT"] }, actual(O, "put"));
      assert.equal(r.reachesUpstream, true);
      assertNoGrant(r);
      assert.equal(hdr(await run({ allow_origins: [O], allow_methods: ["PUT"] }, actual(O, "PUT")), ACAO), O);
    },
  },
  {
    name: "§2.6 actual request: any method with allow_methods [\"*\"]",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_methods: ["*"] }, actual(O, "PROPFIND"));
      assert.equal(hdr(r, ACAO), O);
    },
  },
  // ------------------------------------------------------------------ §2.5 ACRH
  {
    name: "§2.5 ACRH: 63 names + 2 empty elements = 65 elements → disallowed (empties count toward 64)",
    fn: async () => {
      const names = Array.from({ length: 63 }, (_, i) => `x-h${i}`);
      const r = await run({ allow_origins: [O], allow_headers: ["*"] }, preflight(O, "PUT", names.join(",") + ",,"));
      assert403(r);
    },
  },
  {
    name: "§2.5 ACRH: 62 names + 2 empty elements = 64 elements → allowed, empties skipped in the echo",
    fn: async () => {
      const names = Array.from({ length: 62 }, (_, i) => `x-h${i}`);
      const r = await run({ allow_origins: [O], allow_headers: ["*"] }, preflight(O, "PUT", names.slice(0, 31).join(",") + ",," + names.slice(31).join(",") + ","));
      assert.equal(r.status, 200);
      assert.equal(hdr(r, ACAH), names.join(","));
    },
  },
  {
    name: "§2.5 ACRH: 65 names → disallowed with a configured list too",
    fn: async () => {
      const names = Array.from({ length: 65 }, () => "content-type");
      const r = await run({ allow_origins: [O], allow_headers: ["Content-Type"] }, preflight(O, "PUT", names.join(",")));
      assert403(r);
    },
  },
  {
    name: "§2.5 ACRH: exactly 8192 bytes → allowed; 8193 bytes → disallowed (8 KiB bound)",
    fn: async () => {
      // 8 names: 7 × (1000 chars + ",") + last name sized to reach the total
      const base = Array.from({ length: 7 }, (_, i) => `x${i}`.padEnd(1000, "a"));
      const head = base.join(",") + ",";
      const ok = head + "y".padEnd(8192 - head.length, "b");
      assert.equal(ok.length, 8192);
      const r = await run({ allow_origins: [O], allow_headers: ["*"] }, preflight(O, "PUT", ok));
      assert.equal(r.status, 200, "8192 bytes is within the bound");
      const over = head + "y".padEnd(8193 - head.length, "b");
      assert.equal(over.length, 8193);
      const r2 = await run({ allow_origins: [O], allow_headers: ["*"] }, preflight(O, "PUT", over));
      assert403(r2);
    },
  },
  {
    name: "§2.5 ACRH: one very long name (9000 bytes) → disallowed, not echoed",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_headers: ["*"] }, preflight(O, "PUT", "x".repeat(9000)));
      assert403(r);
      assertNoGrant(r);
    },
  },
  {
    name: "§2.5 ACRH: a non-token element makes the preflight disallowed (\"x@y\", \"a:b\", quoted) also with \"*\"",
    fn: async () => {
      for (const bad of ["content-type, x@y", "a:b", "\"x\"", "x/y", "x{y}"]) {
        const r = await run({ allow_origins: [O], allow_headers: ["*"] }, preflight(O, "PUT", bad));
        assert403(r);
      }
    },
  },
  {
    name: "§2.5 ACRH: a non-token element fails with a configured list",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_headers: ["Content-Type"] }, preflight(O, "PUT", "content-type, x y"));
      assert403(r);
    },
  },
  {
    name: "§2.5 ACRH: names compared ASCII case-insensitively; tabs and spaces trimmed",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_headers: ["X-Request-Id", "Content-Type"] }, preflight(O, "PUT", "\tCONTENT-TYPE ,  x-request-ID\t"));
      assert.equal(r.status, 200);
      assert.equal(hdr(r, ACAO), O);
    },
  },
  {
    name: "§2.5 ACRH: one unlisted name fails the preflight",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_headers: ["Content-Type"] }, preflight(O, "PUT", "content-type,x-other"));
      assert403(r);
    },
  },
  {
    name: "§2.5 ACRH empty value: no names, preflight allowed",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_headers: ["Content-Type"] }, preflight(O, "PUT", ""));
      assert.equal(r.status, 200);
      assert.equal(hdr(r, ACAO), O);
    },
  },
  {
    name: "§2.5 ACRH sent as two field lines arrives as one list (both checked)",
    fn: async () => {
      const h = await host({ allow_origins: [O], allow_headers: ["Content-Type"] });
      assert403(exchange(h, { method: "OPTIONS", headers: [["origin", O], ["access-control-request-method", "PUT"], ["access-control-request-headers", "content-type"], ["access-control-request-headers", "x-other"]] }));
      const h2 = await host({ allow_origins: [O], allow_headers: ["*"] });
      const r = exchange(h2, { method: "OPTIONS", headers: [["origin", O], ["access-control-request-method", "PUT"], ["access-control-request-headers", "X-A"], ["access-control-request-headers", "X-B"]] });
      assert.equal(r.status, 200);
      assert.equal(hdr(r, ACAH), "x-a,x-b");
    },
  },
  // ------------------------------------------------------------------ §2.5 ACRPN
  {
    name: "§2.5 ACRPN never fails a preflight (allow_private_network false: allowed, no ACAPN)",
    fn: async () => {
      const h = await host({ allow_origins: [O] });
      const r = exchange(h, preflight(O, "PUT", undefined, { "access-control-request-private-network": "true" }));
      assert.equal(r.status, 200);
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r, ACAPN), null);
      assert.equal(counters(h)["cors.preflight_allowed"], 1);
    },
  },
  {
    name: "§2.5 ACAPN: true only with allow_private_network and ACRPN exactly \"true\"",
    fn: async () => {
      const cfg = { allow_origins: [O], allow_private_network: true };
      const yes = await run(cfg, preflight(O, "PUT", undefined, { "access-control-request-private-network": "true" }));
      assert.equal(yes.status, 200);
      assert.equal(hdr(yes, ACAPN), "true");
      for (const v of ["TRUE", "false", "", "1", "true,true"]) {
        const no = await run(cfg, preflight(O, "PUT", undefined, { "access-control-request-private-network": v }));
        assert.equal(no.status, 200, `ACRPN ${JSON.stringify(v)} must not fail the preflight`);
        assert.equal(hdr(no, ACAO), O);
        assert.equal(hdr(no, ACAPN), null, `ACRPN ${JSON.stringify(v)} is not "true"`);
      }
      const none = await run(cfg, preflight(O, "PUT"));
      assert.equal(hdr(none, ACAPN), null, "not asked");
    },
  },
  {
    name: "§2.5 ACAPN never on a failed preflight nor on actual responses",
    fn: async () => {
      const cfg = { allow_origins: [O], allow_private_network: true, on_disallowed: "strip" };
      const f = await run(cfg, preflight("https://evil.example", "PUT", undefined, { "access-control-request-private-network": "true" }));
      assert.equal(hdr(f, ACAPN), null);
      const a = await run(cfg, actual(O, "GET", { "access-control-request-private-network": "true" }));
      assert.equal(hdr(a, ACAPN), null);
    },
  },
  // ------------------------------------------------------------------ §2.5 allowed preflight reply shape
  {
    name: "§2.5 allowed preflight reply: status 200, empty body, ACAO/ACAC/ACAM/ACAH/ACMA/Vary and no ACEH",
    fn: async () => {
      const h = await host({ ...STRICT, allow_credentials: true, max_age: 600 });
      const r = exchange(h, preflight(O, "PUT", "content-type"));
      assert.equal(r.reachesUpstream, false);
      assert.equal(r.status, 200);
      assert.equal(r.body, "");
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r, ACAC), "true");
      assert.equal(hdr(r, ACAM), "GET,PUT,DELETE");
      assert.equal(hdr(r, ACAH), "Content-Type,X-Request-Id");
      assert.equal(hdr(r, ACMA), "600");
      assert.equal(hdr(r, ACEH), null, "no ACEH on a preflight reply");
      assert.deepEqual(varyTokens(r), PREFLIGHT_VARY);
      for (const n of [ACAO, ACAC, ACAM, ACAH, ACMA, "vary"]) assert.equal(lines(r, n), 1, `${n} once`);
    },
  },
  {
    name: "§2.5 allowed preflight reply: no ACAH when no ACRH was sent",
    fn: async () => {
      const r = await run(STRICT, preflight(O, "PUT"));
      assert.equal(r.status, 200);
      assert.equal(r.reachesUpstream, false);
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r, ACAH), null);
    },
  },
  {
    name: "§2.5 preflight_status 204: allowed preflight answered 204 with the grant",
    fn: async () => {
      const r = await run({ ...STRICT, preflight_status: 204 }, preflight(O, "PUT"));
      assert.equal(r.reachesUpstream, false);
      assert.equal(r.status, 204);
      assert.equal(r.body, "");
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r, ACAM), "GET,PUT,DELETE");
    },
  },
  {
    name: "§2.5 preflight_status 204 does not change the 403 of a rejected preflight",
    fn: async () => {
      const r = await run({ ...STRICT, preflight_status: 204 }, preflight("https://evil.example", "PUT"));
      assert403(r);
    },
  },
  // ------------------------------------------------------------------ §2.5 preflight_continue
  {
    name: "§2.5 preflight_continue: allowed preflight forwarded; headers added to the upstream response; its status kept",
    fn: async () => {
      const h = await host({ ...STRICT, preflight_continue: true, max_age: 60, allow_private_network: true });
      const r = exchange(h, preflight(O, "PUT", "x-request-id", { "access-control-request-private-network": "true" }), { status: 202, headers: { "x-up": "1", vary: "Accept-Encoding" } });
      assert.equal(r.reachesUpstream, true);
      assert.equal(r.localReply, undefined);
      assert.equal(r.status, 202);
      assert.equal(hdr(r, "x-up"), "1");
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r, ACAM), "GET,PUT,DELETE");
      assert.equal(hdr(r, ACAH), "Content-Type,X-Request-Id");
      assert.equal(hdr(r, ACMA), "60");
      assert.equal(hdr(r, ACAPN), "true");
      assert.equal(hdr(r, ACEH), null, "no ACEH on a preflight reply");
      assert.deepEqual(varyTokens(r), ["accept-encoding", ...PREFLIGHT_VARY]);
      assert.equal(lines(r, "vary"), 1);
      assert.equal(counters(h)["cors.preflight_allowed"], 1);
    },
  },
  {
    name: "§2.5 preflight_continue: the forwarded request is the preflight itself (OPTIONS with ACRM)",
    fn: async () => {
      const r = await run({ ...STRICT, preflight_continue: true }, preflight(O, "PUT"));
      assert.ok(r.upstreamRequest, "forwarded");
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r.upstreamRequest!, ":method"), "OPTIONS");
      assert.equal(hdr(r.upstreamRequest!, "access-control-request-method"), "PUT");
    },
  },
  {
    name: "§2.5 preflight_continue with an upstream 404: status kept, CORS headers still added",
    fn: async () => {
      const r = await run({ ...STRICT, preflight_continue: true }, preflight(O, "PUT"), { status: 404 });
      assert.equal(r.status, 404);
      assert.equal(hdr(r, ACAO), O);
    },
  },
  // ------------------------------------------------------------------ §2.5 on_disallowed
  {
    name: "§2.5 on_disallowed strip: preflight_status (200) with no CORS grant, not forwarded, Vary kept",
    fn: async () => {
      const r = await run({ ...STRICT, on_disallowed: "strip" }, preflight("https://evil.example", "PUT"));
      assert.equal(r.reachesUpstream, false);
      assert.equal(r.status, 200);
      assertNoGrant(r);
      assert.deepEqual(varyTokens(r), PREFLIGHT_VARY);
    },
  },
  {
    name: "§2.5 on_disallowed strip + preflight_status 204: 204 without grant",
    fn: async () => {
      const r = await run({ ...STRICT, on_disallowed: "strip", preflight_status: 204 }, preflight(O, "PROPFIND"));
      assert.equal(r.reachesUpstream, false);
      assert.equal(r.status, 204);
      assertNoGrant(r);
    },
  },
  {
    name: "§2.5 on_disallowed strip + preflight_continue: forwarded, upstream CORS grant removed, status kept",
    fn: async () => {
      const r = await run({ ...STRICT, on_disallowed: "strip", preflight_continue: true }, preflight(O, "PUT", "x-evil"), { status: 200, headers: { [ACAO]: "*", [ACAM]: "PUT", [ACAH]: "x-evil" } });
      assert.equal(r.reachesUpstream, true);
      assert.equal(r.status, 200);
      assertNoGrant(r);
      assert.deepEqual(varyTokens(r), PREFLIGHT_VARY);
    },
  },
  {
    name: "§2.5 on_disallowed reject: 403 Invalid CORS request, text/plain, no grant, preflight Vary",
    fn: async () => {
      const r = await run(STRICT, preflight("https://evil.example", "PUT"));
      assert403(r);
      assert.equal(hdr(r, "content-type"), "text/plain");
      assertNoGrant(r);
      assert.deepEqual(varyTokens(r), PREFLIGHT_VARY);
    },
  },
  // ------------------------------------------------------------------ §2.6 reject_actual and navigations
  {
    name: "§2.6 reject_actual: a disallowed (origin) non-navigation actual request gets 403 before the upstream",
    fn: async () => {
      const h = await host(REJECTING);
      const r = exchange(h, actual("https://evil.example", "GET", { "sec-fetch-mode": "cors" }));
      assert403(r);
      assertNoGrant(r);
      assert.equal(counters(h)["cors.actual_rejected"], 1);
    },
  },
  {
    name: "§2.6 reject_actual: a disallowed method gets 403 too",
    fn: async () => {
      assert403(await run(REJECTING, actual(O, "PATCH")));
    },
  },
  {
    name: "§2.6 reject_actual: never for sec-fetch-mode navigate (cross-site form POST reaches the app, no grant)",
    fn: async () => {
      const h = await host(REJECTING);
      const r = exchange(h, actual("https://idp.example", "POST", { "sec-fetch-mode": "navigate" }));
      assert.equal(r.reachesUpstream, true);
      assert.equal(r.localReply, undefined);
      assertNoGrant(r);
      assert.equal(counters(h)["cors.actual_rejected"], 1, "still a rejected CORS decision");
    },
  },
  {
    name: "§2.6 reject_actual: never for sec-fetch-mode nested-navigate",
    fn: async () => {
      const h = await host(REJECTING);
      const r = exchange(h, actual("https://idp.example", "POST", { "sec-fetch-mode": "nested-navigate" }));
      assert.equal(r.reachesUpstream, true);
      assertNoGrant(r);
      assert.equal(counters(h)["cors.actual_rejected"], 1);
    },
  },
  {
    name: "§2.6 reject_actual: other sec-fetch-mode values (no-cors, same-origin, websocket) are rejected",
    fn: async () => {
      for (const m of ["no-cors", "same-origin", "websocket"]) assert403(await run(REJECTING, actual("https://evil.example", "GET", { "sec-fetch-mode": m })));
    },
  },
  {
    name: "§2.6 without reject_actual a disallowed actual request is forwarded without a grant (upstream grant removed)",
    fn: async () => {
      const r = await run(STRICT, actual("https://evil.example"), { headers: { [ACAO]: "https://evil.example", [ACAC]: "true" } });
      assert.equal(r.reachesUpstream, true);
      assertNoGrant(r);
      assert.ok(varyTokens(r).includes("origin"));
    },
  },
  {
    name: "§2.6 allowed actual: ACAO, ACAC (if on), ACEH, Vary — no preflight-only headers",
    fn: async () => {
      const r = await run({ ...STRICT, allow_credentials: true }, actual(O, "PUT"));
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r, ACAC), "true");
      assert.equal(hdr(r, ACEH), "X-Total");
      assert.equal(hdr(r, ACAM), null);
      assert.equal(hdr(r, ACAH), null);
      assert.equal(hdr(r, ACMA), null);
      assert.deepEqual(varyTokens(r), ["origin"]);
    },
  },
  // ------------------------------------------------------------------ §2.6 Timing-Allow-Origin
  {
    name: "§1/§2.6 Timing-Allow-Origin: a listed allowed origin is echoed byte for byte",
    fn: async () => {
      const cfg = { allow_origins: [O], timing_allow_origins: ["https://app.example.com"] };
      const r = await run(cfg, actual("https://App.Example.COM"));
      assert.equal(hdr(r, ACAO), "https://App.Example.COM");
      assert.equal(hdr(r, TAO), "https://App.Example.COM");
      const r2 = await run(cfg, actual("https://app.example.com:443"));
      assert.equal(hdr(r2, TAO), "https://app.example.com:443", "normalised match, echoed as sent");
    },
  },
  {
    name: "§1/§2.6 Timing-Allow-Origin: the list is normalised at configure time",
    fn: async () => {
      const r = await run({ allow_origins: [O], timing_allow_origins: ["HTTPS://APP.EXAMPLE.COM:443"] }, actual(O));
      assert.equal(hdr(r, TAO), O);
    },
  },
  {
    name: "§1/§2.6 Timing-Allow-Origin: \"*\" in the list sends *",
    fn: async () => {
      const r = await run({ allow_origins: [O], timing_allow_origins: ["*"] }, actual(O));
      assert.equal(hdr(r, TAO), "*");
    },
  },
  {
    name: "§1/§2.6 Timing-Allow-Origin: not for an allowed origin that is not listed",
    fn: async () => {
      const r = await run({ allow_origins: [O, "https://b.example.com"], timing_allow_origins: ["https://b.example.com"] }, actual(O));
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r, TAO), null);
    },
  },
  {
    name: "§1/§2.6 Timing-Allow-Origin: not for a listed origin that is not allowed",
    fn: async () => {
      const r = await run({ allow_origins: [O], timing_allow_origins: ["https://b.example.com", "*"] }, actual("https://b.example.com"));
      assert.equal(hdr(r, TAO), null);
      assert.equal(hdr(await run({ allow_origins: [O], timing_allow_origins: ["https://b.example.com", "*"] }, actual(O)), TAO), "*");
    },
  },
  {
    name: "§1/§2.6 Timing-Allow-Origin: not on preflight replies (local or forwarded)",
    fn: async () => {
      const cfg = { allow_origins: [O], timing_allow_origins: [O, "*"] };
      const r = await run(cfg, preflight(O, "PUT"));
      assert.equal(r.status, 200);
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r, TAO), null);
      const f = await run({ ...cfg, preflight_continue: true }, preflight(O, "PUT"));
      assert.equal(hdr(f, ACAO), O);
      assert.equal(hdr(f, TAO), null);
    },
  },
  {
    name: "§1/§2.6 Timing-Allow-Origin: an upstream Timing-Allow-Origin is left alone on a not-granted response",
    fn: async () => {
      // TAO is not among the seven CORS headers the filter owns (§4): only its own is added.
      const r = await run({ allow_origins: [O], timing_allow_origins: [O] }, actual(null), { headers: { [TAO]: "https://up.example" } });
      assert.equal(hdr(r, TAO), "https://up.example");
    },
  },
  // ------------------------------------------------------------------ §2 literal "*" policy
  {
    name: "§2 literal *: ACAO * and ACEH on an actual response without Origin, no Vary: Origin",
    fn: async () => {
      const r = await run({ allow_origins: ["*"], expose_headers: ["X-Total"] }, actual(null));
      assert.equal(hdr(r, ACAO), "*");
      assert.equal(hdr(r, ACEH), "X-Total");
      assert.equal(hdr(r, "vary"), null);
    },
  },
  {
    name: "§2 literal *: ACAO * and ACEH for a malformed Origin (path, several origins, garbage, empty)",
    fn: async () => {
      for (const o of ["https://a.example.com/path", "https://a.example.com, https://b.example.com", "not an origin", "", "null"]) {
        const r = await run({ allow_origins: ["*"], expose_headers: ["X-Total"] }, actual(o));
        assert.equal(hdr(r, ACAO), "*", JSON.stringify(o));
        assert.equal(hdr(r, ACEH), "X-Total", JSON.stringify(o));
        assert.ok(!varyTokens(r).includes("origin"), JSON.stringify(o));
      }
    },
  },
  {
    name: "§2 literal *: ACAO * and ACEH for an over-long Origin (10000 bytes)",
    fn: async () => {
      const r = await run({ allow_origins: ["*"], expose_headers: ["X-Total"] }, actual("https://" + "a".repeat(9990) + ".com"));
      assert.equal(hdr(r, ACAO), "*");
      assert.equal(hdr(r, ACEH), "X-Total");
      assert.equal(hdr(r, "vary"), null);
    },
  },
  {
    name: "§2 literal *: ACAO * and ACEH for a same-origin request (by authority and by sec-fetch-site)",
    fn: async () => {
      const cfg = { allow_origins: ["*"], expose_headers: ["X-Total"] };
      const r = await run(cfg, { method: "POST", scheme: "https", host: "api.example.com", headers: { origin: "https://api.example.com" } });
      assert.equal(hdr(r, ACAO), "*");
      assert.equal(hdr(r, ACEH), "X-Total");
      assert.equal(hdr(r, "vary"), null);
      const r2 = await run(cfg, actual("https://x.example.net", "GET", { "sec-fetch-site": "same-origin" }));
      assert.equal(hdr(r2, ACAO), "*");
      assert.equal(hdr(r2, ACEH), "X-Total");
    },
  },
  {
    name: "§2 literal *: the same ACAO * for a listed and an unlisted origin beside \"*\"",
    fn: async () => {
      const h = await host({ allow_origins: [O, "*"] });
      assert.equal(hdr(exchange(h, actual(O)), ACAO), "*");
      assert.equal(hdr(exchange(h, actual("https://other.example")), ACAO), "*");
    },
  },
  {
    name: "§2 literal *: an allowed preflight reply still varies on Origin, ACRM, ACRH; carries no ACEH",
    fn: async () => {
      const r = await run({ allow_origins: ["*"], expose_headers: ["X-Total"] }, preflight("https://x.example.net", "PUT"));
      assert.equal(r.status, 200);
      assert.equal(hdr(r, ACAO), "*");
      assert.equal(hdr(r, ACEH), null);
      assert.deepEqual(varyTokens(r), PREFLIGHT_VARY);
    },
  },
  {
    name: "§2 literal *: a rejected preflight (403) carries no grant (no ACAO *, no ACEH)",
    fn: async () => {
      const r = await run({ allow_origins: ["*"], allow_methods: ["GET"], expose_headers: ["X-Total"] }, preflight("https://x.example.net", "PUT"));
      assert403(r);
      assertNoGrant(r);
      assert.deepEqual(varyTokens(r), PREFLIGHT_VARY);
    },
  },
  {
    name: "§2 literal *: a 403 from reject_actual carries no grant",
    fn: async () => {
      const r = await run({ allow_origins: ["*"], allow_methods: ["GET"], expose_headers: ["X-Total"], reject_actual: true }, actual("https://x.example.net", "PUT"));
      assert403(r);
      assertNoGrant(r);
    },
  },
  {
    name: "§2 literal *: a stripped preflight reply carries no grant",
    fn: async () => {
      const r = await run({ allow_origins: ["*"], allow_methods: ["GET"], on_disallowed: "strip" }, preflight("https://x.example.net", "PUT"));
      assert.equal(r.status, 200);
      assert.equal(r.reachesUpstream, false);
      assertNoGrant(r);
    },
  },
  {
    name: "§2 the decision is kept in the per-request context: a reconfiguration between request and response does not change it",
    fn: async () => {
      const h = await host({ allow_origins: [O], expose_headers: ["X-Total"] });
      const s = h.newStream();
      const out = s.requestHeaders([[":authority", "api.example.com"], [":path", "/"], [":method", "GET"], [":scheme", "https"], ["origin", O]]);
      assert.equal(out.kind, "continue");
      assert.equal(h.configure(JSON.stringify({ allow_origins: ["https://other.example"] })), true);
      const resp = s.responseHeaders([[":status", "200"]]);
      s.finish();
      assert.equal(hdr(resp.headers, ACAO), O);
      assert.equal(hdr(resp.headers, ACEH), "X-Total");
      assert.equal(h.failed, false);
      assert.deepEqual(h.errors, []);
    },
  },
  {
    name: "§1/§2.6 expose_headers [\"*\"] without credentials sends ACEH: *",
    fn: async () => {
      const r = await run({ allow_origins: [O], expose_headers: ["*"] }, actual(O));
      assert.equal(hdr(r, ACEH), "*");
    },
  },
  {
    name: "§2/§4 literal * with a timing_allow_origins list: a response whose Timing-Allow-Origin depends on the Origin varies on Origin",
    fn: async () => {
      // §2: a literal-"*" policy "answers the same to everyone … so its actual responses need no Vary: Origin and a
      // shared cache can replay any of them safely"; §4: "Vary: Origin is on every response whose CORS headers depend
      // on the Origin". With timing_allow_origins [O] the response to O carries Timing-Allow-Origin: O and the
      // response to another origin does not: either both are the same, or the Origin-dependent one varies on Origin.
      const h = await host({ allow_origins: ["*"], timing_allow_origins: [O] });
      const a = exchange(h, actual(O));
      const b = exchange(h, actual("https://other.example"));
      const same = hdr(a, TAO) === hdr(b, TAO);
      assert.ok(same || varyTokens(a).includes("origin"), `Timing-Allow-Origin ${JSON.stringify(hdr(a, TAO))} for ${O} vs ${JSON.stringify(hdr(b, TAO))} for another origin, Vary ${JSON.stringify(hdr(a, "vary"))}`);
    },
  },
  // ------------------------------------------------------------------ §2 ACAM / ACAH values
  {
    name: "§2 ACAH for \"*\" = the validated ACRH names lower-cased, joined with \",\"",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_headers: ["*"] }, preflight(O, "PUT", " X-Request-Id ,\tContent-Type,,X-A "));
      assert.equal(r.status, 200);
      assert.equal(hdr(r, ACAH), "x-request-id,content-type,x-a");
    },
  },
  {
    name: "§2 ACAM for \"*\" = the ACRM (as sent)",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_methods: ["*"] }, preflight(O, "X-Custom-Verb"));
      assert.equal(r.status, 200);
      assert.equal(hdr(r, ACAM), "X-Custom-Verb");
    },
  },
  {
    name: "§2 ACAM / ACAH with configured lists: the configured values joined, not the request's",
    fn: async () => {
      const r = await run({ allow_origins: [O], allow_methods: ["PUT", "PATCH"], allow_headers: ["X-A", "X-B"] }, preflight(O, "PATCH", "x-b"));
      assert.equal(hdr(r, ACAM), "PUT,PATCH");
      assert.equal(hdr(r, ACAH), "X-A,X-B");
    },
  },
  {
    name: "§2 ACAO is the request's Origin byte for byte (not the configured spelling)",
    fn: async () => {
      const r = await run({ allow_origins: ["https://app.example.com"] }, actual("HTTPS://APP.example.com:443"));
      assert.equal(hdr(r, ACAO), "HTTPS://APP.example.com:443");
    },
  },
];
for (const c of cases) test(c.name, c.fn);
