// behaviour.md §1–§5 as an executable reference model: random configurations × random requests (fixed seed)
// through build/cors.wasm, each outcome compared with what the spec's text requires. One test per clause
// group would not reach the combinations (credentials × preflight_continue × strip × "*" lists × malformed
// origins …); the model does. A mismatch lists config, request, field, expected and actual.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACAC, ACAH, ACAM, ACAO, ACEH, ACMA, exchange, hdr, host, varyTokens } from "./helpers.js";
import type { Req } from "./helpers.js";
import { mulberry32 } from "../cases/prng.js";

const rng = mulberry32;

const DEFAULT_METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"];
const DEFAULT_HEADERS = ["DNT", "X-CustomHeader", "Keep-Alive", "User-Agent", "X-Requested-With", "If-Modified-Since", "Cache-Control", "Content-Type", "Authorization"];
const SAFELISTED = ["GET", "HEAD", "POST"];
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

interface Cfg {
  allow_origins?: string[];
  allow_origin_patterns?: string[];
  allow_origin_regexes?: string[];
  allow_methods?: string[];
  allow_headers?: string[];
  expose_headers?: string[];
  allow_credentials?: boolean;
  max_age?: number;
  preflight_continue?: boolean;
  preflight_status?: 200 | 204;
  on_disallowed?: "reject" | "strip";
  reject_actual?: boolean;
  mode?: "report_only";
  debug?: boolean;
}
interface R {
  origin?: string;
  method: string;
  acrm?: string;
  acrh?: string;
  mode?: string;
}

/** Normalised exact origin (lower-case scheme/host, default port dropped), or null when malformed. */
function normalise(o: string): string | null {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?)(?::([1-9][0-9]{0,4}))?$/.exec(o);
  if (!m || o.length > 2048) return null;
  const scheme = m[1].toLowerCase(), h = m[2].toLowerCase();
  let port: string | undefined = m[3];
  if (port !== undefined && Number(port) > 65535) return null;
  if ((scheme === "https" && port === "443") || (scheme === "http" && port === "80")) port = undefined;
  return `${scheme}://${h}${port ? ":" + port : ""}`;
}

/** The semantics of the patterns / regexes the generator uses (§3), on the normalised origin. */
const PATTERNS: Record<string, (n: string) => boolean> = {
  "https://*.example.com": (n) => /^https:\/\/([a-z0-9_-]+\.)+example\.com$/.test(n),
  "*://*.example.org:[*]": (n) => /^[a-z][a-z0-9+.-]*:\/\/([a-z0-9_-]+\.)+example\.org(:[0-9]+)?$/.test(n),
  "http://b.example.com:[8080,9090]": (n) => n === "http://b.example.com:8080" || n === "http://b.example.com:9090",
  "*": () => true,
};
const REGEXES: Record<string, (n: string) => boolean> = {
  "https://[a-z]+\\.example\\.net": (n) => /^https:\/\/[a-z]+\.example\.net$/.test(n),
  "(?i)HTTPS://Q\\.EXAMPLE\\.NET:8443": (n) => /^https:\/\/q\.example\.net:8443$/i.test(n),
};

interface Expect {
  reaches: boolean;
  status: number;
  headers: Record<string, string | null | undefined>; // undefined = not checked
  vary: string[] | undefined;
}

const UP_STATUS = 202;
function model(c: Cfg, r: R): Expect {
  if (c.mode === "report_only") {
    // §1 report_only: change nothing on any request or response
    return { reaches: true, status: UP_STATUS, headers: { [ACAO]: "https://up.example", [ACMA]: "5", [ACAC]: null, [ACAM]: null, [ACAH]: null, [ACEH]: null }, vary: ["cookie"] };
  }
  const origins = c.allow_origins ?? (c.allow_origin_patterns || c.allow_origin_regexes ? [] : ["*"]);
  const literal = origins.includes("*");
  const methods = (c.allow_methods ?? DEFAULT_METHODS).map((m) => m.toUpperCase());
  const headers = c.allow_headers ?? DEFAULT_HEADERS;
  const expose = c.expose_headers ?? [];
  const pstatus = c.preflight_status ?? 200;
  const none: Record<string, null> = { [ACAO]: null, [ACAC]: null, [ACAM]: null, [ACAH]: null, [ACMA]: null, [ACEH]: null };
  const actualGrant = (): Record<string, string | null> => ({
    ...none,
    [ACAO]: literal ? "*" : r.origin!,
    [ACAC]: c.allow_credentials ? "true" : null,
    [ACEH]: expose.length ? expose.join(",") : null,
  });
  const upVary = ["cookie"];
  // not CORS: no Origin, or same-origin (scheme https, :authority api.example.com)
  const sameOrigin = r.origin !== undefined && normalise(r.origin) === "https://api.example.com";
  if (r.origin === undefined || sameOrigin) {
    if (literal) return { reaches: true, status: UP_STATUS, headers: { ...actualGrant() }, vary: upVary };
    return { reaches: true, status: UP_STATUS, headers: none, vary: [...upVary, "origin"] };
  }
  const n = normalise(r.origin);
  const originOK = literal || (r.origin === "null" ? origins.includes("null") : n !== null && (
    origins.some((o) => o !== "null" && normalise(o) === n) ||
    (c.allow_origin_patterns ?? []).some((p) => PATTERNS[p](n)) ||
    (c.allow_origin_regexes ?? []).some((x) => REGEXES[x](n))));
  const preflight = r.method === "OPTIONS" && r.acrm !== undefined;
  const PV = ["origin", "access-control-request-method", "access-control-request-headers"];
  if (preflight) {
    const m = r.acrm!;
    const methodOK = TOKEN.test(m) && (SAFELISTED.includes(m) || methods.includes(m) || methods.includes("*"));
    let names: string[] = [];
    let headersOK = true;
    if (r.acrh !== undefined) {
      const parts = r.acrh.split(",").map((p) => p.replace(/^[ \t]+|[ \t]+$/g, ""));
      if (parts.length > 64) headersOK = false;
      names = parts.filter((p) => p.length > 0);
      for (const p of names) {
        if (!TOKEN.test(p)) headersOK = false;
        else if (!headers.includes("*") && !headers.some((h) => h.toLowerCase() === p.toLowerCase())) headersOK = false;
      }
    }
    const allowed = originOK && methodOK && headersOK;
    if (allowed) {
      const h: Record<string, string | null | undefined> = {
        ...none,
        [ACAO]: literal ? "*" : r.origin!,
        [ACAC]: c.allow_credentials ? "true" : null,
        // an empty configured list may be sent empty or left out (equivalent for a browser): not checked
        [ACAM]: methods.includes("*") ? m : methods.length ? methods.join(",") : undefined,
        [ACAH]: r.acrh === undefined ? null : headers.includes("*") ? (names.length ? names.map((x) => x.toLowerCase()).join(",") : undefined) : headers.length ? headers.join(",") : undefined,
        [ACMA]: String(c.max_age ?? 86400),
      };
      if (c.preflight_continue) return { reaches: true, status: UP_STATUS, headers: h, vary: [...upVary, ...PV] };
      return { reaches: false, status: pstatus, headers: h, vary: PV };
    }
    if ((c.on_disallowed ?? "reject") === "reject") return { reaches: false, status: 403, headers: none, vary: PV };
    if (c.preflight_continue) return { reaches: true, status: UP_STATUS, headers: none, vary: [...upVary, ...PV] };
    return { reaches: false, status: pstatus, headers: none, vary: PV };
  }
  const methodOK = SAFELISTED.includes(r.method) || methods.includes(r.method) || methods.includes("*");
  if (originOK && methodOK) return { reaches: true, status: UP_STATUS, headers: actualGrant(), vary: literal ? upVary : [...upVary, "origin"] };
  const navigation = r.mode === "navigate" || r.mode === "nested-navigate";
  const grantUnchecked = literal ? { [ACAO]: undefined, [ACEH]: undefined } : {}; // contract-070 leaves it open
  if (c.reject_actual && !navigation) return { reaches: false, status: 403, headers: { ...none, ...grantUnchecked }, vary: literal ? undefined : ["origin"] };
  return { reaches: true, status: UP_STATUS, headers: { ...none, ...grantUnchecked }, vary: literal ? upVary : [...upVary, "origin"] };
}

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)];
}
function maybe<T>(rand: () => number, p: number, x: T): T | undefined {
  return rand() < p ? x : undefined;
}

function randomConfig(rand: () => number): Cfg {
  const c: Cfg = {};
  const originChoice = pick(rand, ["absent", "*", "list", "list", "list", "*+list"]);
  const pool = ["https://a.example.com", "http://b.example.com:8080", "HTTPS://D.Example.com:443", "null"];
  const creds = rand() < 0.4 && originChoice === "list";
  if (originChoice === "*") c.allow_origins = ["*"];
  if (originChoice === "*+list") c.allow_origins = ["https://a.example.com", "*"];
  if (originChoice === "list") c.allow_origins = pool.filter((o) => rand() < 0.6 && !(creds && o === "null"));
  if (originChoice !== "*" && originChoice !== "*+list") {
    if (rand() < 0.4) c.allow_origin_patterns = Object.keys(PATTERNS).filter((p) => rand() < (p === "*" ? 0.15 : 0.5));
    if (rand() < 0.3) c.allow_origin_regexes = Object.keys(REGEXES).filter(() => rand() < 0.6);
  }
  if (creds) c.allow_credentials = true;
  const m = pick(rand, ["absent", "*", "list"]);
  if (m === "*") c.allow_methods = ["*"];
  if (m === "list") c.allow_methods = ["PUT", "patch", "PURGE", "DELETE"].filter(() => rand() < 0.5);
  const h = pick(rand, ["absent", "*", "list"]);
  if (h === "*") c.allow_headers = ["*"];
  if (h === "list") c.allow_headers = ["Content-Type", "X-Custom", "authorization"].filter(() => rand() < 0.6);
  if (rand() < 0.4) c.expose_headers = ["X-E", "X-F"].filter(() => rand() < 0.7);
  if (rand() < 0.4) c.max_age = pick(rand, [0, 600]);
  if (rand() < 0.3) c.preflight_continue = true;
  if (rand() < 0.3) c.preflight_status = 204;
  if (rand() < 0.4) c.on_disallowed = "strip";
  if (rand() < 0.4) c.reject_actual = true;
  if (rand() < 0.15) c.mode = "report_only";
  if (rand() < 0.3) c.debug = true;
  return c;
}
function randomRequest(rand: () => number): R {
  return {
    origin: pick(rand, [undefined, "https://a.example.com", "HTTPS://A.example.com:443", "http://b.example.com:8080", "http://b.example.com", "https://d.example.com", "https://c.example.com", "null", "", "https://a.example.com/x", "https://api.example.com", "https://a.example.com,https://c.example.com",
      "https://x.y.example.com", "https://example.com", "https://evilexample.com", "https://x.example.com.evil.com", "http://x.example.org:1234", "https://x.example.org",
      "http://b.example.com:9090", "https://abc.example.net", "https://abc.example.net:443", "https://ABC.example.net", "https://q.example.net:8443", "https://Q.example.net:8443", "https://q.example.net"]),
    method: pick(rand, ["GET", "OPTIONS", "OPTIONS", "OPTIONS", "PUT", "PATCH", "patch", "DELETE", "PURGE", "POST"]),
    acrm: pick(rand, [undefined, "GET", "PUT", "PATCH", "patch", "PURGE", "DELETE", ""]),
    acrh: pick(rand, [undefined, undefined, "content-type", "X-Custom, authorization", "x-custom,,X-Other", "x bad", ""]),
    mode: maybe(rand, 0.3, pick(rand, ["navigate", "nested-navigate", "cors"])),
  };
}

const UNTOUCHED: Expect = { reaches: true, status: UP_STATUS, headers: { [ACAO]: "https://up.example", [ACMA]: "5", [ACAC]: null, [ACAM]: null, [ACAH]: null, [ACEH]: null }, vary: ["cookie"] };

interface Plan {
  /** the JSON handed to proxy_on_configure */
  json: Record<string, unknown>;
  /** the configuration that applies for a route name (null: no policy at all, §5) */
  applies: (route: string | undefined) => Cfg | null;
}

function randomPlan(rand: () => number): Plan {
  const g = randomConfig(rand);
  if (rand() < 0.7) return { json: g as Record<string, unknown>, applies: () => g };
  // §5: a route rule parsed on its own (no inheritance), with or without a global configuration
  const rule = randomConfig(rand);
  // {"_rules_": …} alone has no global configuration; a global needs one key not beginning with _ (§5)
  const withGlobal = rand() < 0.5 && Object.keys(g).length > 0;
  const json: Record<string, unknown> = withGlobal ? { ...g } : {};
  json._rules_ = [{ ...rule, _match_route_: ["r1"] }];
  return { json, applies: (route) => (route === "r1" ? rule : withGlobal ? g : null) };
}

test("§1–§5 reference model: 3000 random configuration × request pairs agree with the spec (seed 2026)", async () => {
  const rand = rng(Number(process.env.SPEC_SEED ?? 2026)); // SPEC_SEED=n replays another sample
  const mismatches: string[] = [];
  let total = 0;
  for (let ci = 0; ci < 150 && mismatches.length < 15; ci++) {
    const plan = randomPlan(rand);
    const h = await host(plan.json);
    for (let ri = 0; ri < 20; ri++) {
      const r = randomRequest(rand);
      const route = pick(rand, ["r1", "r2", undefined]);
      const headers: Record<string, string> = {};
      if (r.origin !== undefined) headers.origin = r.origin;
      if (r.acrm !== undefined) headers["access-control-request-method"] = r.acrm;
      if (r.acrh !== undefined) headers["access-control-request-headers"] = r.acrh;
      if (r.mode !== undefined) headers["sec-fetch-mode"] = r.mode;
      const req: Req = { method: r.method, scheme: "https", host: "api.example.com", headers, properties: route ? { "xds.route_name": route } : undefined };
      const got = exchange(h, req, { status: UP_STATUS, headers: [[ACAO, "https://up.example"], [ACMA, "5"], ["vary", "Cookie"]] });
      const lines = got.logs.length;
      const cfg = plan.applies(route);
      const want = cfg === null ? UNTOUCHED : model(cfg, r);
      total++;
      const diffs: string[] = [];
      if (got.reachesUpstream !== want.reaches) diffs.push(`reaches_upstream ${got.reachesUpstream} want ${want.reaches}`);
      if (got.status !== want.status) diffs.push(`status ${got.status} want ${want.status}`);
      for (const [n, v] of Object.entries(want.headers)) {
        if (v === undefined) continue;
        if (hdr(got, n) !== v) diffs.push(`${n} ${JSON.stringify(hdr(got, n))} want ${JSON.stringify(v)}`);
      }
      const wantLines = cfg?.debug ? 1 : 0;
      if (lines !== wantLines) diffs.push(`${lines} log lines, want ${wantLines} (§1 debug: one line per decision)`);
      if (want.vary !== undefined && JSON.stringify(varyTokens(got)) !== JSON.stringify(want.vary)) diffs.push(`vary ${JSON.stringify(varyTokens(got))} want ${JSON.stringify(want.vary)}`);
      if (diffs.length) mismatches.push(`config ${JSON.stringify(plan.json)} route ${route} request ${JSON.stringify(r)}: ${diffs.join("; ")}`);
    }
  }
  assert.deepEqual(mismatches, [], `${mismatches.length} of ${total} exchanges disagree with the spec:\n${mismatches.join("\n")}`);
});
