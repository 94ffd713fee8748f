// The benchmark grid (shape of jub0bs/cors-benchmarks: n = how many origins are configured, r = actual or
// preflight, o = origin allowed or not): the Node-host benchmark (bench/run.ts) measures it, and
// tests/bench/scenarios.test.ts checks through the host that every scenario gets the verdict its name claims — a
// benchmark of a wrong answer is worthless.
import type { HeaderList } from "../../src/host/index.js";

export interface BenchConfig {
  name: string;
  config: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  config: BenchConfig;
  request: HeaderList;
  /** What the client must see: local reply status, or null when the request reaches the upstream. */
  expectStatus: number | null;
  /** Expected access-control-allow-origin on what the client receives (null = absent). */
  expectAcao: string | null;
}

const long253 = (prefix: string): string => {
  // A 253-byte host made of 63-byte labels: the longest a DNS name can be.
  const label = "a".repeat(63);
  return `${prefix}.${label}.${label}.${label}`.slice(0, 253 - ".example.com".length) + ".example.com";
};

const methods = ["GET", "PUT", "POST", "DELETE", "PATCH"];
const headers = ["Content-Type", "Authorization", "X-Requested-With"];

export const configs: Record<string, BenchConfig> = {
  one: { name: "one", config: { allow_origins: ["https://app.example.com"], allow_credentials: true, allow_methods: methods, allow_headers: headers } },
  two: { name: "two", config: { allow_origins: [`https://${long253("x")}`, `https://${long253("y")}`], allow_methods: methods, allow_headers: headers } },
  multiple: {
    name: "multiple",
    config: {
      allow_origins: ["https://app.example.com", "https://admin.example.com", "https://example.org", "http://localhost:3000"],
      allow_origin_patterns: ["https://*.example.net", "https://*.cdn.example.com:[443,8443]", "http://*.dev.example.com:[*]", "https://*.example.io", "*://*.partner.example:[*]"],
      allow_methods: methods, allow_headers: headers,
    },
  },
  many: {
    name: "many",
    config: {
      allow_origins: Array.from({ length: 1000 }, (_, i) => `https://app${i}.example.com`),
      allow_methods: methods, allow_headers: headers,
    },
  },
  manyPatterns: {
    name: "many-patterns",
    config: {
      allow_origin_patterns: Array.from({ length: 1000 }, (_, i) => `https://*.tenant${i}.example.com`),
      allow_methods: methods, allow_headers: headers,
    },
  },
  regex: {
    name: "regex",
    config: {
      allow_origin_regexes: Array.from({ length: 10 }, (_, i) => `https://[a-z0-9-]+\\.r${i}\\.example\\.com`),
      allow_methods: methods, allow_headers: headers,
    },
  },
  all: { name: "all", config: { allow_origins: ["*"], allow_methods: ["*"], allow_headers: ["*"] } },
};

const base = (extra: HeaderList, method = "GET"): HeaderList => [
  [":method", method], [":scheme", "https"], [":path", "/api/items?page=2"], [":authority", "api.example.com"],
  ["user-agent", "Mozilla/5.0 (X11; Linux x86_64) bench"], ["accept", "*/*"], ["accept-encoding", "gzip, br"],
  ...extra,
];

const actual = (origin: string): HeaderList => base([["origin", origin], ["sec-fetch-mode", "cors"], ["sec-fetch-site", "cross-site"]]);
const preflight = (origin: string, acrh = "authorization,content-type"): HeaderList =>
  base([["origin", origin], ["access-control-request-method", "PUT"], ["access-control-request-headers", acrh],
    ["sec-fetch-mode", "cors"], ["sec-fetch-site", "cross-site"]], "OPTIONS");

// A hostile ACRH: 64 elements with whitespace around each, the most the filter parses (spec §6).
const evilAcrh = Array.from({ length: 64 }, (_, i) => ` \tx-h${i}  `).join(",");

function grid(cfg: BenchConfig, allowed: string, denied: string | null, echo: (o: string) => string): Scenario[] {
  const rows: Scenario[] = [
    { name: `n=${cfg.name} r=actual o=y`, config: cfg, request: actual(allowed), expectStatus: null, expectAcao: echo(allowed) },
    { name: `n=${cfg.name} r=preflight o=y`, config: cfg, request: preflight(allowed), expectStatus: 200, expectAcao: echo(allowed) },
  ];
  if (denied !== null) {
    rows.push(
      { name: `n=${cfg.name} r=actual o=n`, config: cfg, request: actual(denied), expectStatus: null, expectAcao: null },
      { name: `n=${cfg.name} r=preflight o=n`, config: cfg, request: preflight(denied), expectStatus: 403, expectAcao: null },
    );
  }
  return rows;
}

const same = (o: string): string => o;

export const scenarios: Scenario[] = [
  { name: "n=one no-origin", config: configs.one, request: base([]), expectStatus: null, expectAcao: null },
  ...grid(configs.one, "https://app.example.com", "https://evil.example", same),
  ...grid(configs.two, `https://${long253("y")}`, `https://${long253("z")}`, same),
  ...grid(configs.multiple, "https://a.b.cdn.example.com:8443", "https://cdn.example.com.evil.net", same),
  ...grid(configs.many, "https://app999.example.com", "https://app1000.example.com", same),
  ...grid(configs.manyPatterns, "https://eu.tenant999.example.com", "https://tenant999.example.com", same),
  ...grid(configs.regex, "https://shop-1.r9.example.com", "https://shop.r9.example.com.evil", same),
  // A "*" policy allows every origin (even `null`): there is no o=n row for it.
  ...grid(configs.all, "https://anyone.example", null, () => "*"),
  { name: "n=all r=preflight m=evil_acrh", config: configs.all, request: preflight("https://anyone.example", evilAcrh), expectStatus: 200, expectAcao: "*" },
  { name: "n=one r=preflight m=evil_acrh", config: configs.one, request: preflight("https://app.example.com", evilAcrh), expectStatus: 403, expectAcao: null },
];

/** The upstream answer every forwarded request gets in the benchmark. */
export const upstreamResponse: HeaderList = [[":status", "200"], ["content-type", "application/json"], ["content-length", "2"], ["vary", "Accept-Encoding"]];
