// Collecting errors and warnings, each `key.path[i]: message`, and quoting values for messages.

/** Values longer than this are cut in messages (an origin may be 2048 bytes; a log line should stay short). */
const QUOTE_MAX: i32 = 200;

/** JSON-style double-quoted string, ASCII only (control and non-ASCII characters as \uXXXX), cut when long. */
export function quote(s: string): string {
  const hex = "0123456789abcdef";
  let out = "\"";
  const n = s.length;
  const limit = n > QUOTE_MAX ? QUOTE_MAX : n;
  for (let i = 0; i < limit; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22) out += "\\\"";
    else if (c == 0x5c) out += "\\\\";
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else if (c == 0x0a) out += "\\n";
    else if (c == 0x0d) out += "\\r";
    else if (c == 0x09) out += "\\t";
    else {
      out += "\\u" + hex.charAt((c >> 12) & 15) + hex.charAt((c >> 8) & 15) + hex.charAt((c >> 4) & 15) + hex.charAt(c & 15);
    }
  }
  out += "\"";
  if (n > QUOTE_MAX) out += "\u2026 (" + n.toString() + " characters)";
  return out;
}

/** Collects problems for one parse. Paths are prefixed (e.g. `_rules_[1].`) by the caller. */
export class Diagnostics {
  errors: Array<string> = [];
  warnings: Array<string> = [];

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
  return path + "[" + i.toString() + "]";
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

