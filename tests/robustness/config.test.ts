// Config fuzz (docs/robustness.md §2): random bytes, random and mutated JSON, truncations, deep nesting,
// megabyte strings, huge arrays, odd numbers, escapes, duplicate keys and every key with every wrong type,
// through proxy_on_configure of the real build/cors.wasm. Never a trap; a rejected configuration logs error
// lines that each name a key path (or the JSON offset); a rejected reconfiguration keeps the previous policy.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { HeaderList, ProxyWasmHost } from "../../src/host/index.js";
import { Rng, caseRng, cases, loadHost, runExchange, violations, describeCase, repro, SEED, ONLY_CASE, type Exchange, type ExchangeResult } from "./harness.js";
import { A, randomExchange } from "./generators.js";

// ---------------------------------------------------------------------------------------------------------
// Checking one configure call

/** One path segment: a plain key (displayKey) or a quoted one (cut when long), with optional [i] indices. */
const SEG = String.raw`(?:[A-Za-z0-9_.\-]+|"(?:[^"\\\x00-\x1f]|\\.)*"(?:(?:…|\.\.\.) \(\d+ characters\))?)(?:\[\d+\])*`;
/** `<path>: <message>`; the path is `configuration` for the document, else a key path (spec §1). */
const ERROR_LINE = new RegExp(String.raw`^(?:configuration|(?:_rules_\[\d+\]\.)?${SEG}): \S`);
const MAX_LOG_LINE = 8192;

interface ConfigureOutcome {
  ok: boolean;
  errors: string[];
  warnings: string[];
  problems: string[];
}

/** A host whose log lines of the current configure call are captured. */
class ConfigHost {
  lines: Array<{ level: number; message: string }> = [];
  private constructor(readonly host: ProxyWasmHost) {}

  static async create(): Promise<ConfigHost> {
    let self: ConfigHost | null = null;
    const host = await loadHost(null, { maxLogs: 100, logger: (level, message) => self?.lines.push({ level, message }) });
    self = new ConfigHost(host);
    return self;
  }

  configure(config: string | Uint8Array): ConfigureOutcome {
    this.lines = [];
    const ok = this.host.configure(config);
    const problems: string[] = [];
    if (this.host.failed) problems.push(`VM trapped: ${this.host.failure}`);
    const errors = this.lines.filter((l) => l.level >= 4 && !l.message.startsWith("host: ") && !l.message.startsWith("wasm: ")).map((l) => l.message);
    const warnings = this.lines.filter((l) => l.level === 3).map((l) => l.message);
    for (const l of this.lines) {
      if (/[\r\n\0]/.test(l.message)) problems.push(`log line with CR/LF/NUL: ${JSON.stringify(l.message.slice(0, 300))}`);
      if (l.message.length > MAX_LOG_LINE) problems.push(`log line of ${l.message.length} chars (unbounded quoting?): ${JSON.stringify(l.message.slice(0, 200))}`);
    }
    if (!ok) {
      if (errors.length === 0) problems.push(`rejected without an error line; logs: ${JSON.stringify(this.lines.slice(0, 5))}`);
      for (const e of errors) if (!ERROR_LINE.test(e)) problems.push(`error line names no key path: ${JSON.stringify(e.slice(0, 300))}`);
    } else if (errors.length > 0) {
      problems.push(`accepted but logged errors: ${JSON.stringify(errors.slice(0, 3))}`);
    }
    return { ok, errors, warnings, problems };
  }
}

function show(config: string | Uint8Array): string {
  const s = typeof config === "string" ? config : `bytes ${Buffer.from(config.subarray(0, 200)).toString("hex")}`;
  return s.length > 400 ? `${JSON.stringify(s.slice(0, 400))}…(${typeof config === "string" ? config.length : config.length} total)` : JSON.stringify(s);
}

/** Configures and fails the test on any problem. */
function expectSane(h: ConfigHost, config: string | Uint8Array, where: string): ConfigureOutcome {
  const out = h.configure(config);
  if (out.problems.length > 0) assert.fail(`${where}\n  config: ${show(config)}\n  - ${out.problems.join("\n  - ")}`);
  return out;
}

function expectRejected(h: ConfigHost, config: string | Uint8Array, where: string, pathPrefix?: string | RegExp): ConfigureOutcome {
  const out = expectSane(h, config, where);
  assert.equal(out.ok, false, `${where}: accepted ${show(config)}`);
  if (pathPrefix !== undefined) {
    const hit = out.errors.some((e) => (typeof pathPrefix === "string" ? e.startsWith(pathPrefix) : pathPrefix.test(e)));
    assert.ok(hit, `${where}: no error line at ${pathPrefix} for ${show(config)}; errors: ${JSON.stringify(out.errors.slice(0, 5))}`);
  }
  return out;
}

/** A few random exchanges on the freshly accepted configuration: no trap, no injection. */
function exercise(h: ConfigHost, stream: string, i: number, n: number): void {
  for (let k = 0; k < n; k++) {
    const r = caseRng(`${stream}/requests`, i * 16 + k);
    const ex = randomExchange(r);
    // the configuration is unknown here: no upstream CORS lines, and an unchanged response is fine (report_only)
    ex.upstream = ex.upstream.filter(([n]) => !/^(access-control-|timing-allow-origin)/i.test(n));
    const res = runExchange(h.host, ex);
    const v = violations(h.host, ex, res, { mayStar: true, reportOnly: false, mayHaveNoPolicy: true });
    if (v.length > 0) assert.fail(describeCase("after an accepted random configuration", stream, i, ex, v));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Generators of configuration text

const KEYS = [
  "allow_origins", "allow_origin_patterns", "allow_origin_regexes", "allow_methods", "allow_headers",
  "expose_headers", "allow_credentials", "max_age", "allow_private_network", "timing_allow_origins",
  "preflight_continue", "preflight_status", "on_disallowed", "reject_actual", "mode", "debug",
];
const ODD_KEYS = ["_rules_", "_match_domain_", "_ignored_", "Allow_Origins", "allow_origin", "", "\\u0000", "\\ud800", "é", "allow_origins ", "x".repeat(300), "__proto__", "constructor"];
const NUMBERS = [
  "0", "-0", "1", "-1", "200", "204", "600", "86400", "7200", "7201", "2147483647", "2147483648", "-2147483649", "4294967296",
  "9007199254740993", "1e309", "-1e309", "1e-400", "1.5", "0.0", "-0.0", "1E2", "2e2", "1e2", "100000000000000000000000000000", "0e0",
];
const STRINGS = [
  A, "https://b.example.com:8443", "http://localhost:3000", "https://[::1]:8443", "*", "null", "", "https://a.example.com/",
  "https://*.example.com", "*://*.x.test:[*]", "http://*.example.org:[8080,9090]", "https://*.com", "api.*.example.com",
  "https://[a-z]+\\\\.example\\\\.com", "(a+)+b", "(?i)https://x", "(?=x)", "\\\\1", "[", "a{1001}", "12h", "1h30m", "90m", "45s",
  "600", "1.5h", "reject", "strip", "enforce", "report_only", "GET", "get", "X Y", "*", "Content-Type", "x-a,x-b",
  "\\u0000", "\\ud800", "\\udc00\\ud800", "\\u00e9", "é", "\\\"", "\\\\", "\\n", "https://u@a.example.com", "https://a.example.com:0",
  "HTTPS://A.EXAMPLE.COM:443", "https://a.example.com.", "r1", "*.example.com", "svc.ns.svc.cluster.local:8080",
];

class JsonGen {
  constructor(private readonly r: Rng) {}

  value(depth: number): string {
    const r = this.r;
    const k = r.int(depth > 3 ? 5 : 8);
    switch (k) {
      case 0: return r.pick(["null", "true", "false"]);
      case 1: return r.pick(NUMBERS);
      case 2:
      case 3: return `"${r.pick(STRINGS)}"`;
      case 4: return `"${r.from("abcxyz*:/.-_ \\u00é", r.len(20)).replace(/\\/g, "\\\\").replace(/"/g, "\\\"")}"`;
      case 5: return this.array(depth + 1);
      case 6: return this.array(depth + 1, true);
      default: return this.object(depth + 1, false);
    }
  }

  array(depth: number, strings = false): string {
    const n = this.r.chance(0.1) ? 0 : this.r.range(1, 5);
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(strings && !this.r.chance(0.1) ? `"${this.r.pick(STRINGS)}"` : this.value(depth));
    return `[${items.join(",")}]`;
  }

  /** An object of known keys (mostly well-typed), odd keys, and sometimes _rules_. */
  object(depth: number, top: boolean): string {
    const r = this.r;
    const n = r.int(top ? 7 : 4);
    const members: string[] = [];
    for (let i = 0; i < n; i++) {
      const key = r.chance(0.85) ? r.pick(KEYS) : r.pick(ODD_KEYS);
      members.push(`"${key}":${r.chance(0.6) ? this.wellTyped(key, depth) : this.value(depth)}`);
    }
    if (top && r.chance(0.25)) members.push(`"_rules_":${this.rules(depth)}`);
    if (!top && r.chance(0.3)) members.push(`"${r.pick(["_match_route_", "_match_domain_", "_match_service_"])}":${r.chance(0.8) ? `["${r.pick(["r1", "*.example.com", "a.example.com", "svc.ns.svc.cluster.local", ""])}"]` : this.value(depth)}`);
    return `{${members.join(",")}}`;
  }

  rules(depth: number): string {
    const n = this.r.range(0, 3);
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(this.r.chance(0.9) ? this.object(depth + 1, false) : this.value(depth + 1));
    return `[${items.join(",")}]`;
  }

  /** A value of the key's own type (often valid). */
  wellTyped(key: string, depth: number): string {
    const r = this.r;
    switch (key) {
      case "allow_credentials": case "allow_private_network": case "preflight_continue": case "reject_actual": case "debug":
        return r.pick(["true", "false"]);
      case "max_age": return r.pick(["0", "600", "86400", "\"12h\"", "\"1h30m\"", "-1", "1.5", "\"600\"", "2147483648", "1e309"]);
      case "preflight_status": return r.pick(["200", "204", "201", "200.0"]);
      case "on_disallowed": return r.pick(["\"reject\"", "\"strip\"", "\"Reject\""]);
      case "mode": return r.pick(["\"enforce\"", "\"report_only\"", "\"report-only\""]);
      default: return this.array(depth, true);
    }
  }
}

/** Byte-level damage: flips, inserts, deletions, truncation. */
function damage(r: Rng, text: string): Uint8Array {
  const b = Array.from(Buffer.from(text, "utf8"));
  const n = r.range(1, 4);
  for (let k = 0; k < n; k++) {
    const at = r.int(b.length + 1);
    switch (r.int(5)) {
      case 0: b.splice(at, 0, r.int(256)); break;
      case 1: if (at < b.length) b[at] = r.int(256); break;
      case 2: b.splice(at, 1); break;
      case 3: b.splice(at, 0, ...Buffer.from(r.pick(["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "null", "1e309", "\u00e9", "\x00"]), "utf8")); break;
      default: b.length = Math.min(b.length, at); break;
    }
  }
  return Uint8Array.from(b);
}

// ---------------------------------------------------------------------------------------------------------

test(`config fuzz: random bytes, random JSON, damaged JSON (seed 0x${SEED.toString(16)})`, async () => {
  const h = await ConfigHost.create();
  let accepted = 0;
  let rejected = 0;
  const tally = (o: ConfigureOutcome) => (o.ok ? accepted++ : rejected++);

  // 1. random bytes (some around JSON syntax)
  for (const i of cases(1500)) {
    const r = caseRng("config/bytes", i);
    const len = r.len(400);
    const bytes = new Uint8Array(len);
    const json = Buffer.from("{}[]\",:0123456789.eE+-truefalsnul \\u\t\n", "latin1");
    for (let k = 0; k < len; k++) bytes[k] = r.chance(0.5) ? json[r.int(json.length)] : r.int(256);
    const o = expectSane(h, bytes, `random bytes ${repro("config/bytes", i)}`);
    tally(o);
    if (o.ok) exercise(h, "config/bytes", i, 3);
  }

  // 2. random JSON (known keys, mostly well typed) — accepted ones get random requests
  for (const i of cases(2500)) {
    const r = caseRng("config/json", i);
    const text = new JsonGen(r).object(0, true);
    const o = expectSane(h, text, `random JSON ${repro("config/json", i)}`);
    tally(o);
    if (o.ok) exercise(h, "config/json", i, 5);
  }

  // 3. damaged JSON
  for (const i of cases(1500)) {
    const r = caseRng("config/damaged", i);
    const bytes = damage(r, new JsonGen(r).object(0, true));
    const o = expectSane(h, bytes, `damaged JSON ${repro("config/damaged", i)}`);
    tally(o);
    if (o.ok) exercise(h, "config/damaged", i, 3);
  }
  console.log(`# config fuzz: ${accepted} accepted, ${rejected} rejected`);
  if (ONLY_CASE === null) assert.ok(accepted > 100 && rejected > 1000, "the generators must reach both outcomes");
});

test("config fuzz: every truncation of valid configurations is rejected with the JSON offset", async () => {
  const h = await ConfigHost.create();
  const docs = [
    JSON.stringify({ allow_origins: [A, "http://localhost:3000"], allow_methods: ["GET", "PUT"], allow_headers: ["*"], max_age: "1h30m", allow_credentials: true }),
    JSON.stringify({ allow_origin_patterns: ["https://*.example.com"], allow_origin_regexes: ["https://[a-z]+\\.x\\.test"], _rules_: [{ _match_domain_: ["*.example.com"], allow_origins: ["*"], expose_headers: ["X-A"] }] }),
    "{\"allow_origins\":[\"\\u0068ttps://a.example.com\"],\"max_age\":-0,\"debug\":true}",
  ];
  let n = 0;
  for (const doc of docs) {
    expectSane(h, doc, "the whole document");
    const bytes = Buffer.from(doc, "utf8");
    for (let cut = 1; cut < bytes.length; cut++) {
      const o = expectRejected(h, bytes.subarray(0, cut), `truncated at ${cut}`, /^configuration: not valid JSON: .*at offset \d+/);
      n += o.ok ? 0 : 1;
    }
  }
  console.log(`# ${n} truncations rejected`);
});

test("config fuzz: every key with every wrong type (global and inside _rules_)", async () => {
  const h = await ConfigHost.create();
  const LISTS = ["allow_origins", "allow_origin_patterns", "allow_origin_regexes", "allow_methods", "allow_headers", "expose_headers", "timing_allow_origins"];
  const BOOLS = ["allow_credentials", "allow_private_network", "preflight_continue", "reject_actual", "debug"];
  const wrong: Record<string, string[]> = {};
  for (const k of LISTS) wrong[k] = ["null", "true", "false", "0", "-1", "1.5", "1e309", "\"\"", "\"*\"", "\"https://a.example.com\"", "{}", "{\"a\":1}", "[null]", "[1]", "[true]", "[[]]", "[{}]", "[\"*\",null]", "[\"\\u0000\"]"];
  // a list holding a non-token / non-origin is a wrong value, not type, but just as fatal
  for (const k of ["allow_methods", "allow_headers", "expose_headers"]) wrong[k].push("[\"X Y\"]", "[\"a,b\"]", "[\"\"]", "[\"x\\r\\ny\"]", "[\"é\"]");
  for (const k of ["allow_origins", "timing_allow_origins"]) wrong[k].push("[\"https://a.example.com/x\"]", "[\"https://u@a.example.com\"]", "[\"https://a.example.com:0\"]", "[\"\"]", "[\"https://\"]", "[\"https://*.example.com\"]");
  wrong.allow_origin_patterns.push("[\"https://*.com\"]", "[\"api.*.example.com\"]", "[\"\"]", "[\"https://a.example.com:[x]\"]");
  // (a regex of one NUL char is a valid regex that matches no origin)
  wrong.allow_origin_regexes = wrong.allow_origin_regexes.filter((x) => x !== "[\"\\u0000\"]");
  wrong.allow_origin_regexes.push("[\"(\"]", "[\"(?=x)\"]", "[\"(a)\\\\1\"]", "[\"\"]", "[\"a{1001}\"]", `["${"(".repeat(100)}a${")".repeat(100)}"]`);
  for (const k of BOOLS) wrong[k] = ["null", "0", "1", "\"true\"", "\"\"", "[]", "[true]", "{}", "1e309"];
  wrong.max_age = ["null", "true", "-1", "1.5", "-0.5", "\"600\"", "\"\"", "\"1.5h\"", "\"-1h\"", "[]", "{}", "1e309", "2147483648", "\"596524h\"", "\"h\"", "\"1h1h\"", "9007199254740993", "[600]"];
  wrong.preflight_status = ["null", "true", "\"200\"", "201", "200.5", "0", "-200", "[]", "{}", "1e309", "[200]"];
  wrong.on_disallowed = ["null", "1", "true", "\"Reject\"", "\"\"", "[\"reject\"]", "{}", "\"reject \""];
  wrong.mode = ["null", "1", "\"ENFORCE\"", "\"report-only\"", "\"\"", "[]", "{}"];
  let n = 0;
  for (const [key, values] of Object.entries(wrong)) {
    for (const value of values) {
      // global
      expectRejected(h, `{"${key}":${value}}`, `global ${key}=${value}`, new RegExp(`^${key}(\\[\\d+\\])?: `));
      // inside a rule
      expectRejected(h, `{"_rules_":[{"_match_domain_":["a.example.com"],"${key}":${value}}]}`, `rule ${key}=${value}`, new RegExp(`^_rules_\\[0\\]\\.${key}(\\[\\d+\\])?: `));
      n += 2;
    }
  }
  const rules = ["null", "{}", "\"x\"", "1", "[1]", "[null]", "[{}]", "[[]]", "[{\"_match_domain_\":\"\"}]", "[{\"_match_domain_\":[]}]", "[{\"_match_domain_\":[\"\"]}]",
    "[{\"_match_route_\":[1]}]", "[{\"_match_service_\":null}]", "[{\"_match_domain_\":[\"a\"],\"_rules_\":[]}]", "[{\"debug\":true}]", "[{\"_match_route_\":\"r1\"}]"];
  for (const value of rules) {
    expectRejected(h, `{"_rules_":${value}}`, `_rules_=${value}`, /^_rules_(\[\d+\])?[.:]/);
    n++;
  }
  // unknown keys, whatever they look like, are named (quoted when odd)
  for (const key of ["allow_origin", "Allow_Origins", "x", "", "\\u0000", "\\ud800", "é", "a\\nb", "x".repeat(5000), "constructor"]) {
    expectRejected(h, `{"${key}":1}`, `unknown key ${key.slice(0, 20)}`, /^("|[A-Za-z_])/);
    n++;
  }
  // and every valid sample is accepted (the wrong ones are wrong for the reason above, not by accident)
  for (const ok of ["{\"max_age\":0}", "{\"max_age\":2147483647}", "{\"max_age\":\"12h\"}", "{\"preflight_status\":204}", "{\"on_disallowed\":\"strip\"}",
    "{\"mode\":\"report_only\"}", "{\"allow_origins\":[]}", "{\"allow_origins\":[\"null\"]}", "{\"_ignored_\":{\"anything\":[1,null]}}", "{\"_rules_\":[{\"_match_route_\":[\"r1\"]}]}"]) {
    const o = expectSane(h, ok, `valid ${ok}`);
    assert.ok(o.ok, `valid configuration rejected: ${ok}: ${JSON.stringify(o.errors)}`);
  }
  console.log(`# ${n} wrong-typed configurations rejected, each naming its key path`);
});

/** Specials: big, deep, odd numbers, escapes, bytes. `true`/`false` = must be accepted/rejected; null = either. */
function specials(): Array<[string, string | Uint8Array, boolean | null]> {
  const MB = 1 << 20;
  const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(",");
  return [
    ["10,000 nested arrays", "[".repeat(10000) + "]".repeat(10000), false],
    ["10,000 nested objects", "{\"a\":".repeat(10000) + "1" + "}".repeat(10000), false],
    ["10,000 nested arrays as allow_origins", "{\"allow_origins\":" + "[".repeat(10000) + "]".repeat(10000) + "}", false],
    ["10,000 unclosed arrays", "[".repeat(10000), false],
    ["100,000 nested objects inside _rules_", "{\"_rules_\":[" + "{\"x\":".repeat(100000) + "}".repeat(100000) + "]}", false],
    ["65 nested arrays under an ignored key", "{\"_x_\":" + "[".repeat(65) + "]".repeat(65) + "}", null],
    ["1 MB origin", `{"allow_origins":["https://${"a".repeat(MB)}.com"]}`, null],
    ["1 MB key", `{"${"k".repeat(MB)}":1}`, false],
    ["1 MB ignored key", `{"_${"k".repeat(MB)}":1}`, true],
    ["1 MB of whitespace around {}", " ".repeat(MB) + "{}" + "\n".repeat(1000), true],
    ["1 MB method", `{"allow_methods":["${"G".repeat(MB)}"]}`, null],
    ["1 MB header name with a bad char", `{"allow_headers":["${"x".repeat(MB)} "]}`, false],
    ["1 MB regex", `{"allow_origin_regexes":["${"a".repeat(MB)}"]}`, false],
    ["1 MB pattern", `{"allow_origin_patterns":["https://*.${"a".repeat(MB)}.com"]}`, null],
    ["1 MB string of escapes", `{"allow_origins":["${"\\u0000".repeat(MB / 6)}"]}`, false],
    ["1 MB unterminated string", `{"allow_origins":["${"a".repeat(MB)}`, false],
    ["20,000 valid origins", `{"allow_origins":[${many(20000, (i) => `"https://o${i}.example.com"`)}]}`, true],
    ["50,000 numbers in allow_headers", `{"allow_headers":[${many(50000, () => "1")}]}`, false],
    ["20,000 bad origins", `{"allow_origins":[${many(20000, (i) => `"https://o${i}.example.com/p"`)}]}`, false],
    ["5,000 patterns", `{"allow_origin_patterns":[${many(5000, (i) => `"https://*.p${i}.example.com"`)}]}`, true],
    ["1,000 regexes", `{"allow_origin_regexes":[${many(1000, (i) => `"https://r${i}\\\\.(a+)+b\\\\.test"`)}]}`, true],
    ["2,000 rules", `{"_rules_":[${many(2000, (i) => `{"_match_domain_":["d${i}.example.com"],"allow_origins":["https://o${i}.example.com"]}`)}]}`, true],
    ["10,000 duplicate keys", `{${many(10000, () => "\"debug\":true")}}`, false],
    ["50,000 empty strings in allow_origins", `{"allow_origins":[${many(50000, () => "\"\"")}]}`, false],
    ["max_age 1e309", "{\"max_age\":1e309}", false],
    ["max_age -1e309", "{\"max_age\":-1e309}", false],
    ["max_age 1e-400", "{\"max_age\":1e-400}", null],
    ["max_age -0", "{\"max_age\":-0}", null],
    ["max_age 2147483648", "{\"max_age\":2147483648}", false],
    ["max_age 2147483647", "{\"max_age\":2147483647}", true],
    ["max_age 99999999999999999999999", "{\"max_age\":99999999999999999999999}", false],
    ["max_age 1e2", "{\"max_age\":1e2}", null],
    ["preflight_status 2.04e2", "{\"preflight_status\":2.04e2}", null],
    ["preflight_status 204.0000000000000001", "{\"preflight_status\":204.0000000000000001}", null],
    ["number 01", "{\"max_age\":01}", false],
    ["number 1.", "{\"max_age\":1.}", false],
    ["number .5", "{\"max_age\":.5}", false],
    ["number +1", "{\"max_age\":+1}", false],
    ["NaN", "{\"max_age\":NaN}", false],
    ["Infinity", "{\"max_age\":Infinity}", false],
    ["hex", "{\"max_age\":0x10}", false],
    ["huge exponent", "{\"max_age\":1e99999999999999999999}", false],
    ["\\u escapes spell an origin", "{\"allow_origins\":[\"\\u0068ttps://a.example.com\"]}", true],
    ["lone high surrogate in an origin", "{\"allow_origins\":[\"https://\\ud800.example.com\"]}", false],
    ["lone low surrogate in a key", "{\"\\udc00\":1}", false],
    ["reversed surrogate pair", "{\"allow_methods\":[\"\\udc00\\ud800\"]}", false],
    ["surrogate pair (emoji) in a header name", "{\"allow_headers\":[\"\\ud83d\\ude00\"]}", false],
    ["lone surrogate in an ignored key", "{\"_\\udfff\":1,\"debug\":true}", null],
    ["bad escape \\x", "{\"allow_origins\":[\"\\x41\"]}", false],
    ["short \\u", "{\"allow_origins\":[\"\\u12\"]}", false],
    ["\\u0000 in a key", "{\"allow_origins\\u0000\":[]}", false],
    ["raw NUL in a string", "{\"allow_origins\":[\"a\u0000b\"]}", false],
    ["raw LF in a string", "{\"allow_origins\":[\"https://a\n.com\"]}", false],
    ["invalid UTF-8 (0xFF)", Uint8Array.from([...Buffer.from("{\"allow_origins\":[\""), 0xff, ...Buffer.from("\"]}")]), false],
    ["overlong UTF-8 (C0 AF)", Uint8Array.from([...Buffer.from("{\"allow_methods\":[\""), 0xc0, 0xaf, ...Buffer.from("\"]}")]), false],
    ["UTF-8 surrogate (ED A0 80)", Uint8Array.from([...Buffer.from("{\"x"), 0xed, 0xa0, 0x80, ...Buffer.from("\":1}")]), false],
    ["truncated UTF-8 at the end", Uint8Array.from([...Buffer.from("{\"a\":\""), 0xe2, 0x82]), false],
    ["BOM + {}", Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from("{}")]), null],
    ["NUL bytes only", new Uint8Array(1000), false],
    ["duplicate allow_origins", `{"allow_origins":["${A}"],"allow_origins":["*"]}`, false],
    ["duplicate _rules_", "{\"_rules_\":[],\"_rules_\":[{\"_match_route_\":[\"r\"]}]}", false],
    ["duplicate key inside a rule", `{"_rules_":[{"_match_route_":["r"],"allow_origins":["${A}"],"allow_origins":["*"]}]}`, false],
    ["duplicate match key", "{\"_rules_\":[{\"_match_route_\":[\"a\"],\"_match_route_\":[\"b\"]}]}", false],
    ["trailing garbage", "{} x", false],
    ["two documents", "{}{}", false],
    ["trailing comma in an object", "{\"debug\":true,}", false],
    ["trailing comma in an array", `{"allow_origins":["${A}",]}`, false],
    ["comment", "{/* c */}", false],
    ["line comment", "{}// c", false],
    ["single quotes", "{'debug':true}", false],
    ["unquoted key", "{debug:true}", false],
    ["top-level array", "[]", false],
    ["top-level null", "null", false],
    ["top-level number", "1", false],
    ["top-level string", "\"{}\"", false],
    ["whitespace only", "   \n\t ", false],
    ["lone {", "{", false],
    ["every key null", `{${["allow_origins", "allow_methods", "max_age", "mode", "debug", "_rules_"].map((k) => `"${k}":null`).join(",")}}`, false],
  ];
}

test("config fuzz: deep nesting, megabyte strings, huge arrays, odd numbers, escapes, bytes, duplicates", async () => {
  const h = await ConfigHost.create();
  for (const [what, config, expect] of specials()) {
    const t0 = process.hrtime.bigint();
    const o = expectSane(h, config, what);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (expect !== null) assert.equal(o.ok, expect, `${what}: ${o.ok ? "accepted" : "rejected"}; errors: ${JSON.stringify(o.errors.slice(0, 3))}`);
    if (o.ok) exercise(h, `config/special/${what}`, 0, 3);
    if (ms > 2000) console.log(`# slow configure: ${what}: ${ms.toFixed(0)} ms`);
  }
  // the escaped origin really is https://a.example.com
  expectSane(h, "{\"allow_origins\":[\"\\u0068ttps://a.example.com\"]}", "escaped origin");
  const res = runExchange(h.host, { request: preflight(A), upstream: [[":status", "200"]] });
  assert.equal(res.headers.find(([n]) => n === "access-control-allow-origin")?.[1], A);
});

// ---------------------------------------------------------------------------------------------------------
// A rejected reconfiguration keeps the previous policy (Envoy keeps the previous configuration)

function preflight(origin: string, method = "PUT", headers?: string): HeaderList {
  const h: HeaderList = [[":authority", "api.example.net"], [":path", "/"], [":method", "OPTIONS"], [":scheme", "https"], ["origin", origin], ["access-control-request-method", method]];
  if (headers !== undefined) h.push(["access-control-request-headers", headers]);
  return h;
}
function actual(origin: string | null, method = "GET"): HeaderList {
  const h: HeaderList = [[":authority", "api.example.net"], [":path", "/"], [":method", method], [":scheme", "https"]];
  if (origin !== null) h.push(["origin", origin]);
  return h;
}

function probes(): Exchange[] {
  const up: HeaderList = [[":status", "200"], ["vary", "Accept-Encoding"], ["access-control-allow-origin", "*"]];
  const fixed: HeaderList[] = [
    preflight(A), preflight(A, "PUT", "x-a"), preflight(A, "PUT", "x-b"), preflight("https://x.other.test"), preflight("https://evil.example"),
    preflight("https://x.other.test", "DELETE", "x-c"), actual(A), actual("https://x.other.test"), actual("https://evil.example"), actual(null),
    actual(A, "PATCH"), actual("null"),
  ];
  const out: Exchange[] = fixed.map((request) => ({ request, upstream: up }));
  for (let i = 0; i < 40; i++) out.push(randomExchange(caseRng("config/probes", i)));
  return out;
}

type Outcome = Pick<ExchangeResult, "kind" | "status" | "headers" | "body">;
function outcomes(host: ProxyWasmHost, ps: Exchange[]): Outcome[] {
  return ps.map((p) => {
    const r = runExchange(host, p);
    return { kind: r.kind, status: r.status, headers: r.headers, body: r.body };
  });
}

function sameOutcomes(got: Outcome[], want: Outcome[], ps: Exchange[], where: string): void {
  for (let i = 0; i < want.length; i++) {
    if (JSON.stringify(got[i]) !== JSON.stringify(want[i])) {
      assert.fail(`${where}: probe ${i} answered differently\n  request: ${JSON.stringify(ps[i].request).slice(0, 400)}\n  want: ${JSON.stringify(want[i]).slice(0, 400)}\n  got:  ${JSON.stringify(got[i]).slice(0, 400)}`);
    }
  }
}

test("config fuzz: after a rejected reconfiguration the previous policy keeps answering", async () => {
  const W1 = JSON.stringify({ allow_origins: [A], allow_credentials: true, allow_headers: ["x-a"], expose_headers: ["X-E"], max_age: 600 });
  const W2 = JSON.stringify({ allow_origin_patterns: ["https://*.other.test"], allow_methods: ["*"], allow_headers: ["*"], on_disallowed: "strip" });
  const ps = probes();
  // reference answers from fresh hosts
  const fresh1 = outcomes(await loadHost(W1), ps);
  const fresh2 = outcomes(await loadHost(W2), ps);
  assert.notDeepEqual(fresh1, fresh2, "the two working configurations must answer differently");

  // the small rejected specials (the megabyte ones are covered above; here each is followed by 52 probes)
  const broken: Array<string | Uint8Array> = specials().filter(([, c, e]) => e === false && c.length < 65536).map(([, c]) => c);
  for (const i of cases(150)) {
    const r = caseRng("config/broken", i);
    broken.push(r.chance(0.5) ? damage(r, W1) : new JsonGen(r).object(0, true));
  }

  const h = await ConfigHost.create();
  let rejected = 0;
  let previous = fresh1;
  let current = W1;
  expectSane(h, W1, "W1");
  sameOutcomes(outcomes(h.host, ps), fresh1, ps, "W1 on the test host");
  for (let k = 0; k < broken.length; k++) {
    const o = expectSane(h, broken[k], `broken config #${k}`);
    if (o.ok) {
      // a random one that happens to be valid: re-establish the working configuration
      expectSane(h, current, "back to the working configuration");
      continue;
    }
    rejected++;
    sameOutcomes(outcomes(h.host, ps), previous, ps, `after rejected config #${k} ${show(broken[k])}`);
    // alternate the working configuration every 20 rejections, so both are seen surviving
    if (rejected % 20 === 0) {
      current = current === W1 ? W2 : W1;
      previous = current === W1 ? fresh1 : fresh2;
      assert.ok(expectSane(h, current, "switch").ok);
      sameOutcomes(outcomes(h.host, ps), previous, ps, "after switching the working configuration");
    }
  }
  console.log(`# ${rejected} rejected reconfigurations, ${ps.length} probes replayed after each`);
  if (ONLY_CASE === null) assert.ok(rejected > 100);

  // a first configuration that is rejected leaves requests untouched (no policy at all)
  const h2 = await ConfigHost.create();
  assert.equal(expectSane(h2, "{\"allow_origins\":\"*\"}", "first config broken").ok, false);
  for (const p of ps) {
    const res = runExchange(h2.host, p);
    assert.equal(res.kind, "continue");
    assert.deepEqual(res.headers, res.upstreamSeen, "a filter without a configuration changed a response");
  }
});

// The VM configuration (proxy_on_vm_start's buffer) is not used by the filter; whatever it holds, starting
// and configuring must not trap.
test("config fuzz: random VM configurations at proxy_on_vm_start", async () => {
  for (const i of cases(40)) {
    const r = caseRng("config/vm", i);
    const vmConfig = r.chance(0.5) ? Uint8Array.from(Buffer.from(r.bytes(r.len(5000)), "latin1")) : new JsonGen(r).object(0, true);
    const host = await loadHost(null, { vmConfig, maxLogs: 50 });
    const ok = host.configure(JSON.stringify({ allow_origins: [A] }));
    assert.equal(host.failed, false, `trap with vmConfig ${repro("config/vm", i)}: ${host.failure}`);
    assert.equal(ok, true, `a valid plugin configuration was refused with vmConfig ${repro("config/vm", i)}`);
  }
});
