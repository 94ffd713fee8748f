// Collecting errors and warnings, each `key.path[i]: message`, and quoting values for messages.

import { decimal, hexDigit } from "../ascii";

/** Values longer than this are cut in messages (an origin may be 2048 bytes; a log line should stay short). */
const QUOTE_MAX: i32 = 200;

/** JSON-style double-quoted string, ASCII only (control and non-ASCII characters as \uXXXX), cut when long.
 *  Measured, then written into one allocation: configurations with thousands of entries quote each one. */
export function quote(s: string): string {
  const n = s.length;
  const limit = n > QUOTE_MAX ? QUOTE_MAX : n;
  let len = 2;
  for (let i = 0; i < limit; i++) len += escapedLength(s.charCodeAt(i));
  const out = changetype<string>(__new(<usize>len << 1, idof<string>()));
  let at = changetype<usize>(out);
  store<u16>(at, 0x22);
  at += 2;
  for (let i = 0; i < limit; i++) at = writeEscaped(at, s.charCodeAt(i));
  store<u16>(at, 0x22);
  if (n > QUOTE_MAX) return out + "\u2026 (" + decimal(n) + " characters)";
  return out;
}

/** How many characters `c` takes in a quoted string. */
function escapedLength(c: i32): i32 {
  if (c == 0x22 || c == 0x5c || c == 0x0a || c == 0x0d || c == 0x09) return 2;
  return c >= 0x20 && c < 0x7f ? 1 : 6;
}

/** Writes `c` escaped at `at` (`\"`, `\\`, `\n`, `\r`, `\t`, printable ASCII as is, else `\uXXXX`); returns the next position. */
function writeEscaped(at: usize, c: i32): usize {
  let e = 0;
  if (c == 0x22) e = 0x22;
  else if (c == 0x5c) e = 0x5c;
  else if (c == 0x0a) e = 0x6e;
  else if (c == 0x0d) e = 0x72;
  else if (c == 0x09) e = 0x74;
  else if (c >= 0x20 && c < 0x7f) {
    store<u16>(at, <u16>c);
    return at + 2;
  }
  store<u16>(at, 0x5c);
  if (e != 0) {
    store<u16>(at, <u16>e, 2);
    return at + 4;
  }
  store<u16>(at, 0x75, 2);
  for (let k = 0; k < 4; k++) store<u16>(at + 4 + (<usize>k << 1), hexDigit((c >> (12 - 4 * k)) & 15));
  return at + 12;
}

/** Collects problems for one parse. Paths are prefixed (e.g. `_rules_[1].`) by the caller. */
export class Diagnostics {
  errors: Array<string> = new Array<string>();
  warnings: Array<string> = new Array<string>();

  error(path: string, message: string): void {
    this.errors.push(path.length > 0 ? path + ": " + message : message);
  }

  warn(path: string, message: string): void {
    this.warnings.push(path.length > 0 ? path + ": " + message : message);
  }
}

/** `prefix` + `key`, e.g. ("_rules_[0].", "allow_origins") → `_rules_[0].allow_origins`. */
export function keyPath(prefix: string, key: string): string {
  return prefix + key;
}

/** `path[i]`. */
export function indexPath(path: string, i: i32): string {
  return path + "[" + decimal(i) + "]";
}

/** Levenshtein distance, bounded inputs (keys); used for "did you mean" on unknown keys. */
export function editDistance(a: string, b: string): i32 {
  const n = a.length, m = b.length;
  if (n > 64 || m > 64) return 1000;
  const prev = new Array<i32>(m + 1);
  const cur = new Array<i32>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) == b.charCodeAt(j - 1) ? 0 : 1;
      let v = prev[j - 1] + cost;
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      if (del < v) v = del;
      if (ins < v) v = ins;
      cur[j] = v;
    }
    for (let j = 0; j <= m; j++) prev[j] = cur[j];
  }
  return prev[m];
}

