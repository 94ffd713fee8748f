// A small validating JSON parser (RFC 8259). Total and bounded: any input bytes give either a value tree or an
// error "at offset N: <what>" — it never traps and never loops. Nesting deeper than MAX_DEPTH is an error.
// Choices: a leading UTF-8 byte order mark is skipped (RFC 8259 §8.1 allows ignoring it); raw string bytes must be
// valid UTF-8 (no encoded surrogates); a `\u` escape of a lone surrogate is kept as that UTF-16 code unit, as
// JSON.parse and Go's encoding/json accept it (RFC 8259 §8.2); numbers are classified exactly from their text
// (see JsonNumber); duplicate object keys are kept (the caller decides), in document order.

import { JsonKind, JsonMember, JsonNumber, JsonResult, JsonValue } from "./value";
import { charText, decimal, hexValue } from "../ascii";

export const MAX_DEPTH: i32 = 64;
/** Exponents are saturated here while classifying numbers (far beyond anything that fits an i64). */
const EXP_CAP: i64 = 1000000000;

function hex2(b: u32): string {
  const digits = "0123456789ABCDEF";
  return "0x" + digits.charAt((b >> 4) & 15) + digits.charAt(b & 15);
}

/** `'x'` for printable ASCII, else the byte in hex. */
function describeByte(b: u32): string {
  if (b >= 0x21 && b <= 0x7e) return "'" + charText(b) + "'";
  if (b == 0x20) return "a space";
  return "byte " + hex2(b);
}

class Parser {
  pos: i32 = 0;
  error: string = "";
  errorOffset: i32 = -1;
  /** What the last walkString saw and wrote. */
  sawEscape: bool = false;
  written: usize = 0;

  constructor(public ptr: usize, public len: i32) {}

  fail(offset: i32, what: string): JsonValue | null {
    if (this.errorOffset < 0) {
      this.errorOffset = offset;
      this.error = "at offset " + decimal(offset) + ": " + what;
    }
    return null;
  }

  peek(): i32 {
    return this.pos < this.len ? <i32>load<u8>(this.ptr + <usize>this.pos) : -1;
  }

  at(i: i32): i32 {
    return i >= 0 && i < this.len ? <i32>load<u8>(this.ptr + <usize>i) : -1;
  }

  skipWs(): void {
    while (this.pos < this.len) {
      const c = load<u8>(this.ptr + <usize>this.pos);
      if (c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d) this.pos++;
      else break;
    }
  }

  unexpected(what: string): JsonValue | null {
    const c = this.peek();
    if (c < 0) return this.fail(this.pos, "unexpected end of input, expected " + what);
    return this.fail(this.pos, "unexpected " + describeByte(<u32>c) + ", expected " + what);
  }

  parseValue(depth: i32): JsonValue | null {
    this.skipWs();
    const c = this.peek();
    if (c < 0) return this.unexpected("a value");
    if (c == 0x7b /* { */ || c == 0x5b /* [ */) return this.parseContainer(depth + 1, c == 0x7b);
    if (c == 0x22 /* " */) {
      const start = this.pos;
      const s = this.parseString();
      if (s === null) return null;
      const v = new JsonValue();
      v.kind = JsonKind.String;
      v.offset = start;
      v.str = s;
      return v;
    }
    if (c == 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
    if (c == 0x74 /* t */) return this.parseLiteral("true", JsonKind.Bool, true);
    if (c == 0x66 /* f */) return this.parseLiteral("false", JsonKind.Bool, false);
    if (c == 0x6e /* n */) return this.parseLiteral("null", JsonKind.Null, false);
    return this.unexpected("a value");
  }

  parseLiteral(word: string, kind: JsonKind, b: bool): JsonValue | null {
    const start = this.pos;
    for (let i = 0; i < word.length; i++) {
      if (this.at(start + i) != word.charCodeAt(i)) {
        return this.fail(start, "invalid literal, expected '" + word + "'");
      }
    }
    this.pos = start + word.length;
    // `truex` / `nullnull`: the next byte must end the literal.
    const n = this.peek();
    if ((n >= 0x61 && n <= 0x7a) || (n >= 0x41 && n <= 0x5a) || (n >= 0x30 && n <= 0x39)) {
      return this.fail(start, "invalid literal, expected '" + word + "'");
    }
    const v = new JsonValue();
    v.kind = kind;
    v.offset = start;
    v.boolValue = b;
    return v;
  }

  /** An array (`[` at pos) or an object (`{`): one loop for both, the object's key and `:` read before each value. */
  parseContainer(depth: i32, object: bool): JsonValue | null {
    const start = this.pos;
    if (depth > MAX_DEPTH) return this.fail(start, "nesting deeper than " + decimal(MAX_DEPTH) + " levels");
    this.pos++; // [ or {
    const close = object ? 0x7d /* } */ : 0x5d /* ] */;
    const v = new JsonValue();
    v.offset = start;
    if (object) {
      v.kind = JsonKind.Object;
      v.members = new Array<JsonMember>();
    } else {
      v.kind = JsonKind.Array;
      v.items = new Array<JsonValue>();
    }
    this.skipWs();
    if (this.peek() == close) { this.pos++; return v; }
    while (true) {
      let key = "";
      let keyOffset = 0;
      if (object) {
        this.skipWs();
        if (this.peek() != 0x22) return this.unexpected("a string key in an object");
        keyOffset = this.pos;
        const k = this.parseString();
        if (k === null) return null;
        key = k;
        this.skipWs();
        if (this.peek() != 0x3a /* : */) return this.unexpected("':' after an object key");
        this.pos++;
      }
      const item = this.parseValue(depth);
      if (item === null) return null;
      if (object) v.members.push(new JsonMember(key, item, keyOffset));
      else v.items.push(item);
      this.skipWs();
      const c = this.peek();
      if (c == 0x2c /* , */) { this.pos++; continue; }
      if (c == close) { this.pos++; return v; }
      return this.unexpected(object ? "',' or '}' in an object" : "',' or ']' in an array");
    }
    return null; // unreachable
  }

  /** Four hex digits at `i`, or -1. */
  hex4(i: i32): i32 {
    let r = 0;
    for (let k = 0; k < 4; k++) {
      const d = hexValue(this.at(i + k));
      if (d < 0) return -1;
      r = (r << 4) | d;
    }
    return r;
  }

  /** Length of the valid UTF-8 sequence starting at `i` (lead byte >= 0x80), or 0 when invalid. */
  utf8Len(i: i32): i32 {
    const b0 = this.at(i);
    const b1 = this.at(i + 1);
    if (b0 >= 0xc2 && b0 <= 0xdf) return (b1 >= 0x80 && b1 <= 0xbf) ? 2 : 0;
    if (b0 >= 0xe0 && b0 <= 0xef) {
      let lo = 0x80, hi = 0xbf;
      if (b0 == 0xe0) lo = 0xa0;
      else if (b0 == 0xed) hi = 0x9f; // no UTF-8-encoded surrogates
      if (b1 < lo || b1 > hi) return 0;
      const b2 = this.at(i + 2);
      return (b2 >= 0x80 && b2 <= 0xbf) ? 3 : 0;
    }
    if (b0 >= 0xf0 && b0 <= 0xf4) {
      let lo = 0x80, hi = 0xbf;
      if (b0 == 0xf0) lo = 0x90;
      else if (b0 == 0xf4) hi = 0x8f; // <= U+10FFFF
      if (b1 < lo || b1 > hi) return 0;
      const b2 = this.at(i + 2);
      const b3 = this.at(i + 3);
      return (b2 >= 0x80 && b2 <= 0xbf && b3 >= 0x80 && b3 <= 0xbf) ? 4 : 0;
    }
    return 0;
  }

  /** At an opening quote: the decoded string, or null (error set). */
  parseString(): string | null {
    const open = this.pos;
    // Pass 1 validates and finds the end; without escapes the raw bytes are the string (UTF-8). Pass 2, only
    // for a string with escapes, walks it again writing UTF-16 into a new string with room for one code unit
    // per input byte (no byte yields more than one), shrunk to what was written.
    const end = this.walkString(open, 0);
    if (end < 0) return null;
    this.pos = end + 1;
    const start = open + 1;
    if (!this.sawEscape) return String.UTF8.decodeUnsafe(this.ptr + <usize>start, <usize>(end - start));
    const out = changetype<usize>(__new(<usize>(end - start) << 1, idof<string>()));
    this.walkString(open, out);
    return changetype<string>(__renew(out, this.written));
  }

  /** The string whose opening quote is at `open`: the index of its closing quote, or -1 (error set) when it is
   *  not valid. When `dst` is not 0, its UTF-16 code units are written there (`written`: bytes). Sets `sawEscape`. */
  walkString(open: i32, dst: usize): i32 {
    let i = open + 1;
    let at = dst;
    this.sawEscape = false;
    while (true) {
      const c = this.at(i);
      if (c < 0) { this.fail(open, "unterminated string"); return -1; }
      if (c == 0x22) break;
      if (c < 0x20) {
        this.fail(i, "control character " + hex2(<u32>c) + " in a string (write it as an escape, e.g. \\n)");
        return -1;
      }
      let unit = c; // the code unit to write, or -1 when written already
      let next = i + 1;
      if (c == 0x5c /* \ */) {
        this.sawEscape = true;
        const e = this.at(i + 1);
        if (e == 0x75 /* u */) {
          const u = this.hex4(i + 2);
          if (u < 0) { this.fail(i, "invalid \\u escape (four hex digits expected)"); return -1; }
          // A high surrogate followed by an escaped low one is a pair; a lone surrogate escape is kept as that
          // code unit (as JSON.parse and Go do): the config layer then rejects it, with its key path, wherever
          // it matters (origins and tokens are ASCII).
          const lo = u >= 0xd800 && u <= 0xdbff && this.at(i + 6) == 0x5c && this.at(i + 7) == 0x75 ? this.hex4(i + 8) : -1;
          unit = u;
          next = i + 6;
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            if (dst != 0) { store<u16>(at, <u16>u); at += 2; }
            unit = lo;
            next = i + 12;
          }
        } else if (e == 0x22 || e == 0x5c || e == 0x2f) {
          unit = e;
          next = i + 2;
        } else if (e == 0x62 || e == 0x66 || e == 0x6e || e == 0x72 || e == 0x74) {
          unit = e == 0x62 ? 0x08 : e == 0x66 ? 0x0c : e == 0x6e ? 0x0a : e == 0x72 ? 0x0d : 0x09;
          next = i + 2;
        } else {
          if (e < 0) { this.fail(open, "unterminated string"); return -1; }
          this.fail(i, "invalid escape \\" + (e >= 0x21 && e <= 0x7e ? charText(e) : describeByte(<u32>e)));
          return -1;
        }
      } else if (c >= 0x80) {
        const n = this.utf8Len(i);
        if (n == 0) { this.fail(i, "invalid UTF-8 in a string"); return -1; }
        next = i + n;
        if (n == 2) unit = ((c & 0x1f) << 6) | (this.at(i + 1) & 0x3f);
        else if (n == 3) unit = ((c & 0x0f) << 12) | ((this.at(i + 1) & 0x3f) << 6) | (this.at(i + 2) & 0x3f);
        else {
          const cp = (((c & 0x07) << 18) | ((this.at(i + 1) & 0x3f) << 12) | ((this.at(i + 2) & 0x3f) << 6) | (this.at(i + 3) & 0x3f)) - 0x10000;
          if (dst != 0) { store<u16>(at, <u16>(0xd800 + (cp >> 10))); at += 2; }
          unit = 0xdc00 + (cp & 0x3ff);
        }
      }
      if (dst != 0) { store<u16>(at, <u16>unit); at += 2; }
      i = next;
    }
    this.written = at - dst;
    return i;
  }

  parseNumber(): JsonValue | null {
    const start = this.pos;
    let i = start;
    let negative = false;
    if (this.at(i) == 0x2d) { negative = true; i++; }
    const intStart = i;
    let c = this.at(i);
    if (c == 0x30) {
      i++;
      const d = this.at(i);
      if (d >= 0x30 && d <= 0x39) return this.fail(start, "invalid number: leading zero");
    } else if (c >= 0x31 && c <= 0x39) {
      while (true) { const d = this.at(i); if (d >= 0x30 && d <= 0x39) i++; else break; }
    } else {
      return this.fail(start, "invalid number: a digit must follow '-'");
    }
    const intEnd = i;
    let fracStart = i, fracEnd = i;
    if (this.at(i) == 0x2e /* . */) {
      i++;
      fracStart = i;
      while (true) { const d = this.at(i); if (d >= 0x30 && d <= 0x39) i++; else break; }
      fracEnd = i;
      if (fracEnd == fracStart) return this.fail(start, "invalid number: a digit must follow '.'");
    }
    let exp: i64 = 0;
    c = this.at(i);
    if (c == 0x65 || c == 0x45) {
      i++;
      let expNeg = false;
      const s = this.at(i);
      if (s == 0x2b) i++;
      else if (s == 0x2d) { expNeg = true; i++; }
      const expStart = i;
      while (true) {
        const d = this.at(i);
        if (d >= 0x30 && d <= 0x39) {
          if (exp < EXP_CAP) exp = exp * 10 + <i64>(d - 0x30);
          i++;
        } else break;
      }
      if (i == expStart) return this.fail(start, "invalid number: a digit must follow the exponent");
      if (expNeg) exp = -exp;
    }
    this.pos = i;

    const num = new JsonNumber();
    num.text = String.UTF8.decodeUnsafe(this.ptr + <usize>start, <usize>(i - start));
    // Significant digits: int digits then fraction digits, as one sequence D; value = D * 10^(exp - fracLen).
    const intLen = intEnd - intStart;
    const fracLen = fracEnd - fracStart;
    const total = intLen + fracLen;
    let first = -1, last = -1;
    for (let k = 0; k < total; k++) {
      const d = k < intLen ? this.at(intStart + k) : this.at(fracStart + k - intLen);
      if (d != 0x30) { if (first < 0) first = k; last = k; }
    }
    if (first < 0) {
      num.integral = true;
      num.fitsI64 = true;
      num.intValue = 0;
      num.negative = false;
    } else {
      num.negative = negative;
      // value = D[first..last] * 10^e
      const e: i64 = exp - <i64>fracLen + <i64>(total - 1 - last);
      const sig = last - first + 1;
      if (e >= 0) {
        num.integral = true;
        if (<i64>sig + e <= 18) {
          let v: i64 = 0;
          for (let k = first; k <= last; k++) {
            const d = k < intLen ? this.at(intStart + k) : this.at(fracStart + k - intLen);
            v = v * 10 + <i64>(d - 0x30);
          }
          for (let k: i64 = 0; k < e; k++) v *= 10;
          num.fitsI64 = true;
          num.intValue = negative ? -v : v;
        }
      }
    }
    const v = new JsonValue();
    v.kind = JsonKind.Number;
    v.offset = start;
    v.num = num;
    return v;
  }
}

/** Parses `len` bytes at `ptr`. */
export function parseJsonPtr(ptr: usize, len: i32): JsonResult {
  const p = new Parser(ptr, len < 0 ? 0 : len);
  const result = new JsonResult();
  // Optional UTF-8 byte order mark.
  if (p.at(0) == 0xef && p.at(1) == 0xbb && p.at(2) == 0xbf) p.pos = 3;
  const v = p.parseValue(0);
  if (v !== null) {
    p.skipWs();
    if (p.pos < p.len) {
      p.fail(p.pos, "unexpected " + describeByte(<u32>p.peek()) + " after the JSON value");
    } else {
      result.value = v;
      return result;
    }
  }
  result.error = p.error.length > 0 ? p.error : "at offset 0: invalid JSON";
  result.errorOffset = p.errorOffset < 0 ? 0 : p.errorOffset;
  return result;
}

/** Parses UTF-8 JSON bytes. */
export function parseJson(bytes: ArrayBuffer): JsonResult {
  return parseJsonPtr(changetype<usize>(bytes), bytes.byteLength);
}

/** Parses a string (encoded to UTF-8 first; a lone surrogate in it becomes invalid UTF-8 → error). */
export function parseJsonString(text: string): JsonResult {
  return parseJson(String.UTF8.encode(text, false, String.UTF8.ErrorMode.WTF8));
}
