// behaviour.md §4 (response headers and Vary): the filter owns the seven CORS headers, the Vary merge over
// every upstream vary line, Vary: Origin on every Origin-dependent response, errors and other replies get
// CORS headers, the filter's own local reply passes its response callback unchanged.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ACAC, ACAH, ACAM, ACAO, ACAPN, ACEH, ACMA, CORS_RESPONSE_HEADERS, PREFLIGHT_VARY,
  actual, assertNoGrant, exchange, hdr, host, lines, preflight, run, varyTokens,
} from "./helpers.js";
import type { Case } from "./helpers.js";
import type { HeaderList } from "../../src/host/index.js";

const O = "https://app.example.com";
const STRICT = { allow_origins: [O], allow_methods: ["GET", "PUT"], expose_headers: ["X-Total"] };

const UPSTREAM_CORS: HeaderList = [
  [ACAO, "https://upstream.example"],
  [ACAO, "*"],
  [ACAC, "true"],
  [ACAM, "GET, POST, TRACE"],
  [ACAH, "x-up"],
  [ACEH, "x-secret"],
  [ACMA, "999"],
  [ACAPN, "true"],
];

function upstreamVary(...values: string[]): HeaderList {
  return values.map((v) => ["vary", v] as [string, string]);
}

function assertVaryLine(r: Parameters<typeof varyTokens>[0], want: string[]): void {
  assert.equal(lines(r, "vary"), 1, `one combined vary line: ${JSON.stringify(hdr(r, "vary"))}`);
  assert.deepEqual(varyTokens(r), want.map((t) => t.toLowerCase()));
}

const cases: Case[] = [
  // ------------------------------------------------------------------ ownership of the 7 headers
  {
    name: "§4 the filter owns CORS: all 7 upstream CORS headers removed on a request without Origin",
    fn: async () => {
      const r = await run(STRICT, actual(null), { headers: UPSTREAM_CORS });
      assertNoGrant(r);
      assert.deepEqual(varyTokens(r), ["origin"]);
    },
  },
  {
    name: "§4 the filter owns CORS: all 7 upstream CORS headers removed on a disallowed actual request",
    fn: async () => {
      const r = await run(STRICT, actual("https://evil.example"), { headers: UPSTREAM_CORS });
      assertNoGrant(r);
    },
  },
  {
    name: "§4 the filter owns CORS: all 7 upstream CORS headers removed on a same-origin request",
    fn: async () => {
      const r = await run(STRICT, { method: "GET", scheme: "https", host: "api.example.com", headers: { origin: "https://api.example.com" } }, { headers: UPSTREAM_CORS });
      assertNoGrant(r);
      assert.ok(varyTokens(r).includes("origin"));
    },
  },
  {
    name: "§4 the filter owns CORS: on an allowed actual request only the filter's own headers remain (each once)",
    fn: async () => {
      const r = await run(STRICT, actual(O), { headers: UPSTREAM_CORS });
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r, ACEH), "X-Total");
      for (const n of [ACAC, ACAM, ACAH, ACMA, ACAPN]) assert.equal(hdr(r, n), null, `${n} from the upstream must be gone`);
      assert.equal(lines(r, ACAO), 1);
      assert.equal(lines(r, ACEH), 1);
    },
  },
  {
    name: "§4 the filter owns CORS: upstream CORS headers in mixed case names are removed too",
    fn: async () => {
      const r = await run(STRICT, actual("https://evil.example"), { headers: [["Access-Control-Allow-Origin", "*"], ["ACCESS-CONTROL-ALLOW-CREDENTIALS", "true"]] });
      assertNoGrant(r);
    },
  },
  {
    name: "§4 the filter owns CORS under a literal-* policy: upstream ACAC/ACAM/ACAH/ACMA/ACAPN removed, ACAO replaced",
    fn: async () => {
      const r = await run({ allow_origins: ["*"] }, actual(O), { headers: UPSTREAM_CORS });
      assert.equal(hdr(r, ACAO), "*");
      for (const n of [ACAC, ACAM, ACAH, ACEH, ACMA, ACAPN]) assert.equal(hdr(r, n), null, n);
    },
  },
  {
    name: "§4 the filter owns CORS on forwarded preflights (preflight_continue): upstream values replaced",
    fn: async () => {
      const r = await run({ ...STRICT, preflight_continue: true }, preflight(O, "PUT"), { headers: UPSTREAM_CORS });
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r, ACAM), "GET,PUT");
      assert.equal(hdr(r, ACMA), "86400");
      for (const n of [ACAC, ACAH, ACEH, ACAPN]) assert.equal(hdr(r, n), null, n);
    },
  },
  {
    name: "§4 other response headers are left alone",
    fn: async () => {
      const r = await run(STRICT, actual(O), { headers: [["content-type", "application/json"], ["set-cookie", "a=1"], ["set-cookie", "b=2"], ["x-total", "5"]] });
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r, "content-type"), "application/json");
      assert.equal(lines(r, "set-cookie"), 2);
      assert.equal(hdr(r, "x-total"), "5");
    },
  },
  // ------------------------------------------------------------------ Vary merge
  {
    name: "§4 Vary merge: two upstream vary lines (Accept-Encoding, Cookie) all kept in order + Origin, one line",
    fn: async () => {
      const r = await run(STRICT, actual(O), { headers: upstreamVary("Accept-Encoding", "Cookie") });
      assertVaryLine(r, ["Accept-Encoding", "Cookie", "Origin"]);
    },
  },
  {
    name: "§4 Vary merge: three lines, one with several tokens and odd spacing",
    fn: async () => {
      const r = await run(STRICT, actual(null), { headers: upstreamVary("Accept-Encoding ,  Accept-Language", "Cookie", "\tUser-Agent") });
      assertVaryLine(r, ["Accept-Encoding", "Accept-Language", "Cookie", "User-Agent", "Origin"]);
    },
  },
  {
    name: "§4 Vary merge: an upstream origin token (any case, any line) is not added again",
    fn: async () => {
      const r = await run(STRICT, actual(O), { headers: upstreamVary("Cookie", "ORIGIN") });
      assert.equal(lines(r, "vary"), 1);
      assert.deepEqual(varyTokens(r), ["cookie", "origin"]);
    },
  },
  {
    name: "§4 Vary merge: the upstream's spelling of its tokens is kept",
    fn: async () => {
      const r = await run(STRICT, actual(O), { headers: upstreamVary("accept-encoding", "X-Custom") });
      assert.equal(lines(r, "vary"), 1);
      const raw = hdr(r, "vary")!.split(",").map((t) => t.trim());
      assert.deepEqual(raw.slice(0, 2), ["accept-encoding", "X-Custom"]);
    },
  },
  {
    name: "§4 Vary merge: preflight tokens added once each on a forwarded preflight, upstream order first",
    fn: async () => {
      const r = await run({ ...STRICT, preflight_continue: true }, preflight(O, "PUT"), { headers: upstreamVary("access-control-request-method", "Accept-Encoding") });
      assert.equal(lines(r, "vary"), 1);
      assert.deepEqual(varyTokens(r), ["access-control-request-method", "accept-encoding", "origin", "access-control-request-headers"]);
    },
  },
  {
    name: "§4 Vary merge: a * on a second upstream line gives *",
    fn: async () => {
      const r = await run(STRICT, actual(O), { headers: upstreamVary("Cookie", "*") });
      assertVaryLine(r, ["*"]);
    },
  },
  {
    name: "§4 Vary merge: a * inside a list gives *",
    fn: async () => {
      const r = await run(STRICT, actual(null), { headers: upstreamVary("Accept-Encoding, *") });
      assertVaryLine(r, ["*"]);
    },
  },
  {
    name: "§4 Vary merge: empty upstream tokens and lines are dropped",
    fn: async () => {
      const r = await run(STRICT, actual(O), { headers: upstreamVary("", "Cookie,,") });
      assertVaryLine(r, ["Cookie", "Origin"]);
    },
  },
  {
    name: "§4 Vary merge: 1000 upstream tokens over two lines all kept in order, Origin appended once",
    fn: async () => {
      const many = Array.from({ length: 1000 }, (_, i) => `X-V${i}`);
      const r = await run(STRICT, actual(O), { headers: upstreamVary(many.slice(0, 500).join(", "), many.slice(500).join(",")) });
      assertVaryLine(r, [...many, "Origin"]);
    },
  },
  {
    name: "§4 Vary: Origin on a response to a request without Origin",
    fn: async () => {
      assertVaryLine(await run(STRICT, actual(null)), ["Origin"]);
    },
  },
  {
    name: "§4 Vary: Origin on a response to a same-origin request (and on sec-fetch-site same-origin)",
    fn: async () => {
      assertVaryLine(await run(STRICT, { method: "GET", scheme: "https", host: "api.example.com", headers: { origin: "https://api.example.com" } }), ["Origin"]);
      assertVaryLine(await run(STRICT, actual("https://x.example.net", "GET", { "sec-fetch-site": "same-origin" })), ["Origin"]);
    },
  },
  {
    name: "§4 Vary: Origin on a rejected actual request (forwarded and the 403 of reject_actual)",
    fn: async () => {
      assertVaryLine(await run(STRICT, actual("https://evil.example")), ["Origin"]);
      const r = await run({ ...STRICT, reject_actual: true }, actual("https://evil.example"));
      assert.equal(r.status, 403);
      assert.ok(varyTokens(r).includes("origin"), `403 varies on Origin: ${hdr(r, "vary")}`);
    },
  },
  {
    name: "§4 Vary on every preflight reply: allowed, rejected, stripped, forwarded",
    fn: async () => {
      assertVaryLine(await run(STRICT, preflight(O, "PUT")), PREFLIGHT_VARY);
      assertVaryLine(await run(STRICT, preflight("https://evil.example", "PUT")), PREFLIGHT_VARY);
      assertVaryLine(await run({ ...STRICT, on_disallowed: "strip" }, preflight(O, "DELETE")), PREFLIGHT_VARY);
      assertVaryLine(await run({ ...STRICT, preflight_continue: true }, preflight(O, "PUT")), PREFLIGHT_VARY);
    },
  },
  {
    name: "§4 Vary under a literal-* policy: actual responses get no Origin token, upstream vary lines untouched in content",
    fn: async () => {
      const r = await run({ allow_origins: ["*"] }, actual(O), { headers: upstreamVary("Accept-Encoding", "Cookie") });
      assert.equal(hdr(r, ACAO), "*");
      assert.deepEqual(varyTokens(r), ["accept-encoding", "cookie"]);
    },
  },
  // ------------------------------------------------------------------ responses from elsewhere
  {
    name: "§4 an upstream 500 gets the CORS headers",
    fn: async () => {
      const r = await run(STRICT, actual(O), { status: 500, headers: { "content-type": "text/plain" } });
      assert.equal(r.status, 500);
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r, ACEH), "X-Total");
      assert.ok(varyTokens(r).includes("origin"));
    },
  },
  {
    name: "§4 another filter's 401 (after the CORS filter) gets the CORS headers",
    fn: async () => {
      const r = await run({ ...STRICT, allow_credentials: true }, actual(O, "PUT", { authorization: "Bearer x" }), { status: 401, headers: { "www-authenticate": "Bearer" } });
      assert.equal(r.status, 401);
      assert.equal(hdr(r, ACAO), O);
      assert.equal(hdr(r, ACAC), "true");
      assert.equal(hdr(r, "www-authenticate"), "Bearer");
    },
  },
  {
    name: "§4 an upstream 503 on a forwarded preflight gets the preflight headers",
    fn: async () => {
      const r = await run({ ...STRICT, preflight_continue: true }, preflight(O, "PUT"), { status: 503 });
      assert.equal(r.status, 503);
      assert.equal(hdr(r, ACAO), O);
    },
  },
  // ------------------------------------------------------------------ own local reply
  {
    name: "§4 own local reply (allowed preflight) passes the response callback unchanged: each header once",
    fn: async () => {
      const h = await host({ ...STRICT, allow_credentials: true, allow_headers: ["*"], allow_private_network: true });
      const s = h.newStream();
      const out = s.requestHeaders([[":authority", "api.example.com"], [":path", "/"], [":method", "OPTIONS"], [":scheme", "https"], ["origin", O], ["access-control-request-method", "PUT"], ["access-control-request-headers", "x-a"], ["access-control-request-private-network", "true"]]);
      s.finish();
      assert.equal(out.kind, "local");
      if (out.kind !== "local") return;
      assert.equal(out.status, 200);
      const names = out.headers.map(([n]) => n.toLowerCase()).filter((n) => !n.startsWith(":"));
      assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], `no duplicated header: ${JSON.stringify(out.headers)}`);
      assert.equal(hdr(out.headers, ACAO), O);
      assert.equal(hdr(out.headers, ACAC), "true");
      assert.equal(hdr(out.headers, ACAH), "x-a");
      assert.equal(hdr(out.headers, ACAPN), "true");
      assert.deepEqual(varyTokens(out.headers), PREFLIGHT_VARY);
      assert.equal(h.failed, false);
    },
  },
  {
    name: "§4 own local reply (403) passes the response callback unchanged: no grant added, Vary once",
    fn: async () => {
      const h = await host(STRICT);
      const r = exchange(h, preflight("https://evil.example", "PUT"));
      assert.equal(r.status, 403);
      assertNoGrant(r);
      assert.equal(lines(r, "vary"), 1);
      assert.equal(lines(r, "content-type"), 1);
      const names = r.headers.map(([n]) => n.toLowerCase());
      assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
    },
  },
  {
    name: "§4 own local reply under a literal-* policy: a single ACAO *",
    fn: async () => {
      const r = await run({ allow_origins: ["*"], expose_headers: ["X-Total"] }, preflight(O, "PUT"));
      assert.equal(r.status, 200);
      assert.equal(lines(r, ACAO), 1);
      assert.equal(hdr(r, ACAO), "*");
      assert.equal(hdr(r, ACEH), null);
    },
  },
  {
    name: "§4 own local reply of reject_actual: response callback adds no ACAO/ACEH",
    fn: async () => {
      const r = await run({ allow_origins: ["*"], allow_methods: ["GET"], expose_headers: ["X-Total"], reject_actual: true }, actual(O, "PUT"));
      assert.equal(r.status, 403);
      for (const n of CORS_RESPONSE_HEADERS) assert.equal(hdr(r, n), null, n);
    },
  },
];
for (const c of cases) test(c.name, c.fn);
