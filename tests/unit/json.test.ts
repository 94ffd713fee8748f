// assembly/json: the small validating JSON parser under the configuration layer. Total and bounded: any bytes give
// a value tree or "at offset N: <what>", never a trap. Loads build/test/json.wasm (tests/unit/assembly/json.ts).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadUnit } from "./loader.js";
import { xorshift32 } from "../cases/prng.js";

interface JsonExports extends Record<string, unknown> {
  parseJsonReport(bytes: number): number;
  parseJsonText(text: number): number;
  _initialize?: () => void;
}

const { ex } = await loadUnit<JsonExports>("json");

function parseBytes(bytes: Uint8Array): string {
  const buf = ex.__newArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  ex.__pin(buf);
  try { return ex.__getString(ex.parseJsonReport(buf)); } finally { ex.__unpin(buf); }
}
function parse(text: string): string {
  return parseBytes(new TextEncoder().encode(text));
}
function bytes(...b: number[]): Uint8Array { return Uint8Array.from(b); }
function concat(...parts: Array<string | Uint8Array>): Uint8Array {
  const chunks = parts.map((p) => (typeof p === "string" ? new TextEncoder().encode(p) : p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

// Canonical dump: numbers as num(<text>|int=N) / num(<text>|frac) / num(<text>|big) / num(<text>|-big);
// strings re-escaped (non-printable and non-ASCII as \uXXXX); members in document order, duplicates kept.
const valid: Array<[input: string | Uint8Array, dump: string]> = [
  ["{}", "{}"],
  ["[]", "[]"],
  [" \t\r\n{ } \n", "{}"],
  ["null", "null"],
  ["true", "true"],
  ["false", "false"],
  ["\"\"", "\"\""],
  ["{\"a\":1,\"b\":[true,null,\"x\"],\"c\":{}}", "{\"a\":num(1|int=1),\"b\":[true,null,\"x\"],\"c\":{}}"],
  ["{\"a\":1,\"a\":2}", "{\"a\":num(1|int=1),\"a\":num(2|int=2)}"],
  // numbers: integral vs fractional decided exactly, big values detected without rounding
  ["0", "num(0|int=0)"],
  ["-0", "num(-0|int=0)"],
  ["3600", "num(3600|int=3600)"],
  ["3600.0", "num(3600.0|int=3600)"],
  ["3600.000000000000000000000001", "num(3600.000000000000000000000001|frac)"],
  ["3.6e3", "num(3.6e3|int=3600)"],
  ["36E+2", "num(36E+2|int=3600)"],
  ["360000e-2", "num(360000e-2|int=3600)"],
  ["1.5", "num(1.5|frac)"],
  ["-5", "num(-5|int=-5)"],
  ["1e-400", "num(1e-400|frac)"],
  ["0e999999999999999999", "num(0e999999999999999999|int=0)"],
  ["2147483647", "num(2147483647|int=2147483647)"],
  ["2147483648", "num(2147483648|int=2147483648)"],
  ["999999999999999999", "num(999999999999999999|int=999999999999999999)"],
  ["1000000000000000000", "num(1000000000000000000|big)"],
  ["-123456789012345678901234567890", "num(-123456789012345678901234567890|-big)"],
  ["1e18", "num(1e18|big)"],
  ["1e17", "num(1e17|int=100000000000000000)"],
  ["1e999999999999", "num(1e999999999999|big)"],
  ["0.000", "num(0.000|int=0)"],
  // strings: escapes, surrogate pairs, UTF-8
  ["\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "\"a\\\"b\\\\c/d\\u0008\\u000c\\u000a\\u000d\\u0009\""],
  ["\"\\u0041\\u00e9\\uD83D\\uDE00\"", "\"A\\u00e9\\ud83d\\ude00\""],
  ["\"é😀\"", "\"\\u00e9\\ud83d\\ude00\""],
  ["\"\\u0000\"", "\"\\u0000\""],
  // a lone surrogate escape is kept as that code unit (as JSON.parse does); the config layer rejects it where it matters
  ["\"\\uD800\"", "\"\\ud800\""],
  ["\"\\uD800\\u0041\"", "\"\\ud800A\""],
  ["\"\\uDC00\\uD800\"", "\"\\udc00\\ud800\""],
  ["\"\\uD800\\uD800\\uDC00\"", "\"\\ud800\\ud800\\udc00\""],
  [concat("\"", bytes(0xef, 0xbf, 0xbf), "\""), "\"\\uffff\""],
  [concat("\"", bytes(0xf4, 0x8f, 0xbf, 0xbf), "\""), "\"\\udbff\\udfff\""],
  [concat(bytes(0xef, 0xbb, 0xbf), "{}"), "{}"], // a leading BOM is skipped
  ["[".repeat(64) + "]".repeat(64), "[".repeat(64) + "]".repeat(64)],
];

// [input, error offset, words]
const invalid: Array<[input: string | Uint8Array, offset: number, words: string]> = [
  ["", 0, "end of input"],
  ["   ", 3, "end of input"],
  ["{", 1, "end of input"],
  ["{\"a\"}", 4, "':'"],
  ["{\"a\":}", 5, "expected a value"],
  ["{\"a\":1,}", 7, "string key"],
  ["{a:1}", 1, "string key"],
  ["[1,]", 3, "expected a value"],
  ["[1 2]", 3, "',' or ']'"],
  ["{\"a\":1 \"b\":2}", 7, "',' or '}'"],
  ["{} x", 3, "after the JSON value"],
  ["{}{}", 2, "after the JSON value"],
  ["tru", 0, "'true'"],
  ["truex", 0, "'true'"],
  ["nul", 0, "'null'"],
  ["NaN", 0, "expected a value"],
  ["Infinity", 0, "expected a value"],
  ["'a'", 0, "expected a value"],
  ["01", 0, "leading zero"],
  ["-", 0, "digit must follow '-'"],
  ["1.", 0, "digit must follow '.'"],
  [".5", 0, "expected a value"],
  ["1e", 0, "exponent"],
  ["1e+", 0, "exponent"],
  ["+1", 0, "expected a value"],
  ["0x10", 1, "after the JSON value"],
  ["\"abc", 0, "unterminated string"],
  ["\"a\\", 0, "unterminated string"],
  ["\"\\x\"", 1, "invalid escape \\x"],
  ["\"\\u12\"", 1, "\\u escape"],
  ["\"\\u12G4\"", 1, "\\u escape"],
  ["\"\\uD800\\u12\"", 7, "\\u escape"],
  ["\"a\nb\"", 2, "control character 0x0A"],
  ["\"a\tb\"", 2, "control character 0x09"],
  [concat("\"", bytes(0x00), "\""), 1, "control character 0x00"],
  [concat("\"", bytes(0x80), "\""), 1, "invalid UTF-8"],
  [concat("\"", bytes(0xc0, 0xaf), "\""), 1, "invalid UTF-8"], // overlong
  [concat("\"", bytes(0xe0, 0x80, 0xaf), "\""), 1, "invalid UTF-8"], // overlong
  [concat("\"", bytes(0xed, 0xa0, 0x80), "\""), 1, "invalid UTF-8"], // UTF-8-encoded surrogate
  [concat("\"", bytes(0xf4, 0x90, 0x80, 0x80), "\""), 1, "invalid UTF-8"], // > U+10FFFF
  [concat("\"", bytes(0xf5, 0x80, 0x80, 0x80), "\""), 1, "invalid UTF-8"],
  [concat("\"ab", bytes(0xe2, 0x82), "\""), 3, "invalid UTF-8"], // truncated sequence
  [concat("\"", bytes(0xe2, 0x82)), 1, "invalid UTF-8"],
  [bytes(0xff), 0, "byte 0xFF"],
  [bytes(0xef, 0xbb), 0, "byte 0xEF"],
  ["[".repeat(65) + "]".repeat(65), 64, "nesting deeper than 64"],
  ["{\"a\":".repeat(100) + "1" + "}".repeat(100), 320, "nesting deeper than 64"],
  ["[".repeat(100000), 64, "nesting deeper than 64"],
];

describe("json: valid documents", () => {
  for (const [input, want] of valid) {
    const label = typeof input === "string" ? JSON.stringify(input.length > 60 ? input.slice(0, 60) + "…" : input) : `bytes ${Buffer.from(input).toString("hex")}`;
    test(label, () => {
      assert.equal(typeof input === "string" ? parse(input) : parseBytes(input), want);
    });
  }
});

describe("json: invalid documents → error with byte offset", () => {
  for (const [input, offset, words] of invalid) {
    const label = typeof input === "string" ? JSON.stringify(input.length > 60 ? input.slice(0, 60) + "…" : input) : `bytes ${Buffer.from(input).toString("hex")}`;
    test(label, () => {
      const got = typeof input === "string" ? parse(input) : parseBytes(input);
      assert.ok(got.startsWith(`error at offset ${offset}: `), got);
      assert.ok(got.includes(words), `${got} lacks ${words}`);
    });
  }
});

const rng = xorshift32;

describe("json: never traps (fixed-seed fuzzing)", () => {
  test("random bytes", () => {
    const next = rng(0x5eed);
    for (let i = 0; i < 3000; i++) {
      const n = next() % 48;
      const b = new Uint8Array(n);
      for (let k = 0; k < n; k++) b[k] = next() & 0xff;
      const got = parseBytes(b);
      const m = /^error at offset (\d+): /.exec(got);
      if (m) assert.ok(Number(m[1]) <= n, got);
    }
  });

  test("random JSON-ish text agrees with JSON.parse on validity", () => {
    const next = rng(7);
    const alphabet = [..."{}[],:\"\\ 0123456789-+.eEtrufalsn\\u00DdA\t\n"];
    for (let i = 0; i < 3000; i++) {
      const n = 1 + (next() % 24);
      let s = "";
      for (let k = 0; k < n; k++) s += alphabet[next() % alphabet.length];
      let ok = true;
      try { JSON.parse(s); } catch { ok = false; }
      const got = parse(s);
      assert.equal(!got.startsWith("error "), ok, `${JSON.stringify(s)} → ${got}`);
    }
  });

  test("mutated valid documents: an error with an offset inside the input, or a value exactly when the bytes are JSON", () => {
    const base = new TextEncoder().encode(JSON.stringify({
      allow_origins: ["https://a.example.com", "null"], max_age: 3600.5, x: [1, -2e5, true, null, { y: "é😀\\\"" }],
    }));
    const next = rng(99);
    const utf8 = new TextDecoder("utf-8", { fatal: true });
    let valid = 0;
    for (let i = 0; i < 3000; i++) {
      const b = Uint8Array.from(base);
      const edits = 1 + (next() % 3);
      for (let k = 0; k < edits; k++) b[next() % b.length] = next() & 0xff;
      const got = parseBytes(b);
      const error = /^error at offset (\d+): /.exec(got);
      if (error) assert.ok(Number(error[1]) <= b.length, got);
      // RFC 8259 (docs/config.md): UTF-8 only, so invalid UTF-8 is an error; otherwise JSON.parse decides
      let text: string | null = null;
      try { text = utf8.decode(b); } catch { /* invalid UTF-8 */ }
      let json = text !== null;
      if (text !== null) try { JSON.parse(text); } catch { json = false; }
      assert.equal(error === null, json, `${JSON.stringify(text ?? Buffer.from(b).toString("latin1"))} → ${got}`);
      if (json) valid++;
    }
    assert.ok(valid > 100, `only ${valid} of the mutated documents are still JSON: the test would prove little`);
  });

  test("huge inputs are bounded", () => {
    assert.ok(parse("[".repeat(1 << 20)).startsWith("error at offset 64:"));
    assert.equal(parse("1" + "0".repeat(100000)), `num(1${"0".repeat(100000)}|big)`);
    const long = "\"" + "x".repeat(1 << 20) + "\"";
    assert.equal(parse(long).length, long.length);
  });
});
