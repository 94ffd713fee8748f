// assembly/compile (+ the pure parsers the hot path uses): origin parsing, origin matching incl. attack
// origins, ACRH bounds, Vary merge, golden canonical dumps. Loads build/test/compile.wasm
// (tests/unit/assembly/compile.ts) with @assemblyscript/loader. Expected values come from the spec
// (docs/behaviour.md §1–§4), not from the module's output.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadUnit } from "./loader.js";

interface CompileExports extends Record<string, unknown> {
  configure(json: number): number;
  describe(): number;
  allows(origin: number): number;
  parse(origin: number): number;
  acrh(value: number, allow: number): number;
  acrhEcho(value: number): number;
  vary(lines: number, tokens: number): number;
  __newString(s: string): number;
  __getString(p: number): string;
  __pin(p: number): number;
  __unpin(p: number): void;
  _initialize?: () => void;
}

const { ex, withStrings } = await loadUnit<CompileExports>("compile");

function call(fn: (...p: number[]) => number, ...args: string[]): string {
  return withStrings(args, (...ptrs) => ex.__getString(fn(...ptrs)));
}
function configure(config: object): void {
  const err = call(ex.configure, JSON.stringify(config));
  assert.equal(err, "", `configuration rejected: ${err}`);
}
function allows(origin: string): boolean {
  const p = ex.__pin(ex.__newString(origin));
  try { return ex.allows(p) === 1; } finally { ex.__unpin(p); }
}

describe("origin parser (spec §3: scheme://host[:port], strict)", () => {
  const table: Array<[string, string]> = [
    ["https://example.com", "ok https example.com -1 443 https://example.com"],
    ["http://example.com:80", "ok http example.com 80 80 http://example.com"],
    ["https://example.com:443", "ok https example.com 443 443 https://example.com"],
    ["http://example.com:443", "ok http example.com 443 443 http://example.com:443"],
    ["HTTPS://EXAMPLE.COM", "ok https EXAMPLE.COM -1 443 https://example.com"],
    ["https://example.com.", "ok https example.com. -1 443 https://example.com."],
    ["https://a_b-c.example.com:8443", "ok https a_b-c.example.com 8443 8443 https://a_b-c.example.com:8443"],
    ["http://[::1]:8080", "ok http [::1] 8080 8080 http://[::1]:8080"],
    ["http://[2001:DB8::1]", "ok http [2001:DB8::1] -1 80 http://[2001:db8::1]"],
    ["http://[::ffff:192.0.2.1]", "ok http [::ffff:192.0.2.1] -1 80 http://[::ffff:192.0.2.1]"],
    ["chrome-extension://abcdef", "ok chrome-extension abcdef -1 -1 chrome-extension://abcdef"],
    ["http://localhost:65535", "ok http localhost 65535 65535 http://localhost:65535"],
    ["null", "null"],
    ["", "malformed"],
    ["NULL", "malformed"],
    ["https://example.com/", "malformed"],
    ["https://example.com/path", "malformed"],
    ["https://example.com?q", "malformed"],
    ["https://example.com#f", "malformed"],
    ["http://example.com@evil.com", "malformed"],
    ["http://user@example.com", "malformed"],
    ["https://example.com, https://evil.com", "malformed"],
    ["https://example.com,https://evil.com", "malformed"],
    ["https://", "malformed"],
    ["https://:443", "malformed"],
    ["https://example.com:", "malformed"],
    ["https://example.com:0", "malformed"],
    ["https://example.com:08080", "malformed"],
    ["https://example.com:65536", "malformed"],
    ["https://example.com:99999999999", "malformed"],
    ["https://exa mple.com", "malformed"],
    ["https://example..com", "malformed"],
    ["https://.example.com", "malformed"],
    ["https://exa\u00e9mple.com", "malformed"],
    ["https://example.com\r\n", "malformed"],
    ["example.com", "malformed"],
    ["localhost", "malformed"],
    ["//example.com", "malformed"],
    ["1http://example.com", "malformed"],
    ["http://[::1", "malformed"],
    ["http://[1:2:3:4:5:6:7:8:9]", "malformed"],
    ["http://[::1::2]", "malformed"],
    ["http://[12345::1]", "malformed"],
    ["http://[example.com]", "malformed"],
    ["http://[::1]x", "malformed"],
    ["https://" + "a".repeat(2041), "too_long"], // 2049 bytes
    ["https://" + "a".repeat(2040), "ok https " + "a".repeat(2040) + " -1 443 https://" + "a".repeat(2040)], // 2048
  ];
  for (const [input, want] of table) {
    test(JSON.stringify(input.length > 60 ? input.slice(0, 40) + "…" : input), () => {
      assert.equal(call(ex.parse, input), want);
    });
  }
});

interface MatchTable { name: string; config: object; allowed: string[]; denied: string[] }
const matching: MatchTable[] = [
  {
    name: "exact origins: normalised hash lookup (case, default ports), byte-exact otherwise",
    config: { allow_origins: ["https://app.example.com", "http://example.com", "http://localhost:8080", "http://[::1]:3000"] },
    allowed: [
      "https://app.example.com", "HTTPS://APP.EXAMPLE.COM", "https://App.Example.Com:443", "http://example.com:80",
      "http://localhost:8080", "http://[::1]:3000",
    ],
    denied: [
      "http://app.example.com", "https://app.example.com:8443", "https://app.example.com.", "https://app.example.com/",
      "https://app.example.com.evil.com", "https://evilapp.example.com", "https://example.com@app.example.com",
      "http://app.example.com@evil.com", "https://app.example.com, https://app.example.com", "http://example.com:443",
      "http://localhost", "http://localhost:80", "http://[::1]", "null", "", "*",
    ],
  },
  {
    name: "patterns: *. = one or more whole labels, anchored; ports",
    config: { allow_origin_patterns: ["http://*.example.com", "https://*.example.org:[8443,9443]", "https://api.example.net:[*]"] },
    allowed: [
      "http://a.example.com", "http://a.b.example.com", "HTTP://A.EXAMPLE.COM", "http://a.example.com:80",
      "https://a.example.org:8443", "https://x.y.example.org:9443",
      "https://api.example.net", "https://api.example.net:1", "https://API.example.net:65535",
    ],
    denied: [
      "http://example.com", "http://evilexample.com", "http://a.example.com.evil.com", "http://a.example.com:8080",
      "https://a.example.com", "http://example.com@a.example.com", "http://a.example.com@evil.com",
      "http://api.example.com:8080.evil.com", "http://a.example.com.", "http://.example.com",
      "https://a.example.org", "https://a.example.org:443", "https://a.example.org:8444", "https://example.org:8443",
      "https://a.api.example.net", "http://api.example.net", "null",
    ],
  },
  {
    name: "pattern scheme * and any host",
    config: { allow_origin_patterns: ["*://*.foo.test:[*]", "https://*:[8443]"] },
    allowed: ["http://a.foo.test", "https://a.foo.test:9", "wss://x.y.foo.test", "https://anything.example:8443", "https://x:8443"],
    denied: ["http://foo.test", "https://anything.example", "http://anything.example:8443", "null", "https://a.foo.test/x"],
  },
  {
    name: "pattern * alone: any well-formed origin, never null or malformed",
    config: { allow_origin_patterns: ["*"] },
    allowed: ["https://anything.example", "http://localhost:1", "chrome-extension://abc", "HTTP://X.Y"],
    denied: ["null", "", "www.envoyproxy.io", "https://a.example, https://b.example", "https://x.example/"],
  },
  {
    name: "explicit null",
    config: { allow_origins: ["null", "https://app.example.com"] },
    allowed: ["null", "https://app.example.com"],
    denied: ["NULL", "https://null", "", "https://evil.example.com"],
  },
  {
    name: "literal * allows everything, without looking at it",
    config: { allow_origins: ["*"] },
    allowed: ["https://a.example", "null", "", "garbage", "https://a, https://b", "x".repeat(5000)],
    denied: [],
  },
  {
    name: "regexes are matched against the normalised origin, whole (anchored)",
    config: { allow_origin_regexes: ["https://[a-z0-9-]+\\.example\\.com", "(?i)HTTP://LOCALHOST:\\d+"] },
    allowed: ["https://api.example.com", "HTTPS://API.EXAMPLE.COM", "https://api.example.com:443", "http://localhost:3000"],
    denied: ["https://api.example.com.evil.com", "https://a.b.example.com", "https://example.com", "http://localhost", "null"],
  },
  {
    name: "order does not matter for the verdict: exact, then patterns, then regexes",
    config: {
      allow_origins: ["https://exact.example"],
      allow_origin_patterns: ["https://*.pattern.example"],
      allow_origin_regexes: ["https://re[0-9]\\.example"],
    },
    allowed: ["https://exact.example", "https://a.pattern.example", "https://re7.example"],
    denied: ["https://pattern.example", "https://re.example", "https://exact.example:444"],
  },
];

describe("origin matching (spec §3) incl. attack origins", () => {
  for (const t of matching) {
    test(t.name, () => {
      configure(t.config);
      for (const o of t.allowed) assert.equal(allows(o), true, `should allow ${JSON.stringify(o.slice(0, 80))}`);
      for (const o of t.denied) assert.equal(allows(o), false, `should deny ${JSON.stringify(o.slice(0, 80))}`);
    });
  }

  test("many patterns: a trie, every one still reachable", () => {
    const patterns: string[] = [];
    for (let i = 0; i < 1000; i++) patterns.push(`https://*.tenant${i}.example.com`);
    configure({ allow_origin_patterns: patterns });
    for (const i of [0, 1, 499, 998, 999]) {
      assert.equal(allows(`https://app.tenant${i}.example.com`), true);
      assert.equal(allows(`https://tenant${i}.example.com`), false);
    }
    assert.equal(allows("https://app.tenant1000.example.com"), false);
  });
});

describe("ACRH parser (spec §2.5: split on ',', trim SP/HTAB, empties skipped but counted, ≤64, ≤8 KiB)", () => {
  const names = (n: number): string => Array.from({ length: n }, (_, i) => `x-h${i}`).join(",");
  const table: Array<[string, string, string]> = [
    // value, allow list, verdict
    ["content-type", "Content-Type,X-Request-Id", "ok"],
    ["  X-Request-Id ,\tcontent-type , ,x-request-id  ", "Content-Type,X-Request-Id", "ok"],
    ["content-type,x-evil", "Content-Type,X-Request-Id", "not_allowed"],
    ["", "content-type", "ok"],
    [",,authorization,,", "authorization", "ok"],
    ["x-foo, x bar", "*", "malformed"],
    ["x-foo;x-bar", "*", "malformed"],
    ["x-foo\r\nx-injected: 1", "*", "malformed"],
    ["x-f\u00f6o", "*", "malformed"],
    ["x-foo,\u0000", "*", "malformed"],
    [names(64), "*", "ok"],
    [names(65), "*", "too_many"],
    [",".repeat(63), "*", "ok"],
    [",".repeat(64), "*", "too_many"],
    ["a".repeat(8192), "*", "ok"],
    ["a".repeat(8193), "*", "too_many"],
    ["authorization,,,,,,,,,,,,,,,,,", "Authorization", "ok"],
    ["bar,baz,foo", "authorization", "not_allowed"],
    ["origin,accepts", "*", "ok"],
  ];
  for (const [value, allow, want] of table) {
    test(`${JSON.stringify(value.length > 40 ? value.slice(0, 30) + "…(" + value.length + ")" : value)} vs ${allow} → ${want}`, () => {
      assert.equal(call(ex.acrh, value, allow), want);
    });
  }
  const echo: Array<[string, string]> = [
    ["x-a,x-b", "x-a,x-b"],
    ["Content-Type,Authorization", "content-type,authorization"],
    ["  X-Request-Id ,\tcontent-type , ,x-request-id  ", "x-request-id,content-type,x-request-id"],
    [",,authorization,,", "authorization"],
    ["", ""],
  ];
  for (const [value, want] of echo) {
    test(`echo ${JSON.stringify(value)} → ${JSON.stringify(want)}`, () => {
      assert.equal(call(ex.acrhEcho, value), want);
    });
  }
});

describe("Vary merge (spec §4)", () => {
  const O = "Origin";
  const P = "Origin,Access-Control-Request-Method,Access-Control-Request-Headers";
  const table: Array<[string, string, string, string]> = [
    // name, upstream lines ("\n"-separated), tokens, result
    ["no upstream Vary", "", O, "Origin"],
    ["appended after the upstream's", "Via", O, "Via, Origin"],
    ["already there (case-insensitive): untouched", "accept-encoding, origin", O, "<unchanged>"],
    ["* stays *", "*", O, "<unchanged>"],
    ["* anywhere wins", "Accept-Encoding\n*", O, "*"],
    // Envoy joins `Vary: ,,` and `Vary: *` into one line before the filter sees it (an inline header)
    ["* among empty elements of one joined line wins", ",,,*", O, "*"],
    ["* with other members in one joined line wins", "Cookie,*", O, "*"],
    // Envoy's join of `Vary: Cookie` + `Vary: Origin` is rewritten in the form every host gets
    ["one joined line is written in the one form", "Cookie,Origin", O, "Cookie, Origin"],
    ["one line in the one form stays", "Cookie, Origin", O, "<unchanged>"],
    ["extra whitespace is normalised", "Cookie ,  Origin", O, "Cookie, Origin"],
    ["empty elements are normalised away", "Origin,", O, "Origin"],
    ["every line kept, in order", "Accept-Encoding\nCookie", O, "Accept-Encoding, Cookie, Origin"],
    ["lines combined even when nothing is added", "Cookie\norigin", O, "Cookie, origin"],
    ["preflight tokens, the missing ones once", "Cookie, Access-Control-Request-Method", P,
      "Cookie, Access-Control-Request-Method, Origin, Access-Control-Request-Headers"],
    ["whitespace and empty elements dropped", " Accept-Encoding ,, \t", O, "Accept-Encoding, Origin"],
    ["empty line", " ", O, "Origin"],
  ];
  for (const [name, lines, tokens, want] of table) {
    test(name, () => assert.equal(call(ex.vary, lines, tokens), want));
  }
});

describe("canonical policy dump (golden, values from spec §1 defaults)", () => {
  test("empty configuration = the defaults: literal *, default methods and headers, 86400", () => {
    configure({});
    assert.equal(call(ex.describe), [
      "origins.any_literal: true",
      "origins.null: false",
      "origins.exact: []",
      "origins.patterns: []",
      "origins.regexes: []",
      'methods: ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"]',
      'headers: ["authorization", "cache-control", "content-type", "dnt", "if-modified-since", "keep-alive", "user-agent", "x-customheader", "x-requested-with"]',
      "credentials: false",
      "private_network: false",
      "timing: []",
      "preflight: local 200",
      "on_disallowed: reject",
      "reject_actual: false",
      "mode: enforce",
      "debug: false",
      "ACAO: *",
      "ACAC: -",
      "ACAM: GET,PUT,POST,DELETE,PATCH,OPTIONS",
      "ACAH: DNT,X-CustomHeader,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Authorization",
      "ACEH: -",
      "ACMA: 86400",
      "vary.actual: -",
      "vary.preflight: Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
      "",
    ].join("\n"));
  });

  test("normalisation: origins lower-cased, default ports dropped, trailing / dropped; sets sorted; upper-cased methods", () => {
    configure({
      allow_origins: ["https://B.example.com:443", "http://a.example.com:80", "https://c.example.com/", "http://a.example.com"],
      allow_origin_patterns: ["HTTPS://*.Example.ORG:[9443,8443]", "*://*.foo.test:[*]", "http://x.test"],
      allow_methods: ["put", "GET", "PUT"],
      allow_headers: ["X-B", "x-a", "X-A"],
      expose_headers: ["X-Trace-Id", "x-total"],
      allow_credentials: true,
      max_age: "1h30m",
      allow_private_network: true,
      timing_allow_origins: ["https://b.example.com"],
      preflight_continue: true,
      on_disallowed: "strip",
      reject_actual: true,
      mode: "report_only",
      debug: true,
    });
    assert.equal(call(ex.describe), [
      "origins.any_literal: false",
      "origins.null: false",
      'origins.exact: ["http://a.example.com", "https://b.example.com", "https://c.example.com"]',
      'origins.patterns: ["*://*.foo.test:[*]", "http://x.test", "https://*.example.org:[8443,9443]"]',
      "origins.regexes: []",
      'methods: ["GET", "PUT"]',
      'headers: ["x-a", "x-b"]',
      "credentials: true",
      "private_network: true",
      'timing: ["https://b.example.com"]',
      "preflight: continue",
      "on_disallowed: strip",
      "reject_actual: true",
      "mode: report_only",
      "debug: true",
      "ACAO: <origin>",
      "ACAC: true",
      "ACAM: PUT,GET",
      "ACAH: X-B,x-a",
      "ACEH: X-Trace-Id,x-total",
      "ACMA: 5400",
      "vary.actual: Origin",
      "vary.preflight: Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
      "",
    ].join("\n"));
  });

  test("* for methods and headers: echoed; 0 max-age is sent as 0; 204 preflights", () => {
    configure({ allow_origin_patterns: ["*"], allow_methods: ["*"], allow_headers: ["*"], expose_headers: ["*"], max_age: 0, preflight_status: 204 });
    const dump = call(ex.describe);
    for (const line of [
      'origins.patterns: ["*"]', "methods: *", "headers: *", "ACAM: <acrm>", "ACAH: <acrh>", "ACEH: *", "ACMA: 0",
      "preflight: local 204", "ACAO: <origin>", "vary.actual: Origin",
    ]) assert.ok(dump.split("\n").includes(line), `missing ${line} in\n${dump}`);
  });
});
