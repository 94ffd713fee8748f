// Merging our Vary tokens into the upstream's (spec §4, RFC 9110 §12.5.5). The upstream may send several
// `vary` lines; a single-value read sees only the first and a replace would drop the others (a lost
// `Vary: Cookie` mixes users' responses in shared caches), so the caller passes every line.

import { charAt, lower } from "../compile/chars";

/** The merged value for `lines` plus `tokens` (", "-separated), or null when the lines can stay as they are
 *  (one line that already lists every token, or `*` alone). Upstream tokens keep their order and spelling;
 *  each missing token is added once (case-insensitive); any `*` makes the result `*`. */
export function mergeVary(lines: Array<string>, tokens: Array<string>): string | null {
  let out = "";
  let star = false;
  let count = 0;
  let dropped = false;
  for (let l = 0; l < lines.length; l++) {
    const v = lines[l];
    const n = v.length;
    let i = 0;
    while (i < n) {
      while (i < n && isSpace(charAt(v, i))) i++;
      let end = i;
      while (end < n && charAt(v, end) != 44) end++;
      let last = end;
      while (last > i && isSpace(charAt(v, last - 1))) last--;
      if (last > i && hasLineBreakOrNul(v, i, last)) dropped = true; // never re-emitted (spec §6)
      else if (last > i) {
        if (last - i == 1 && charAt(v, i) == 42) star = true;
        out = count == 0 ? v.substring(i, last) : out + ", " + v.substring(i, last);
        count++;
      }
      i = end + 1;
    }
  }
  if (star) return lines.length == 1 && count == 1 && !dropped ? null : "*";
  let added = false;
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t];
    if (containsToken(lines, tok)) continue;
    out = count == 0 ? tok : out + ", " + tok;
    count++;
    added = true;
  }
  if (!added && !dropped && lines.length <= 1) return null;
  return out;
}

/** Whether some element of some line equals `token`, ASCII case-insensitively. */
export function containsToken(lines: Array<string>, token: string): bool {
  for (let l = 0; l < lines.length; l++) {
    const v = lines[l];
    const n = v.length;
    let i = 0;
    while (i < n) {
      while (i < n && isSpace(charAt(v, i))) i++;
      let end = i;
      while (end < n && charAt(v, end) != 44) end++;
      let last = end;
      while (last > i && isSpace(charAt(v, last - 1))) last--;
      if (last - i == token.length) {
        let same = true;
        for (let k = 0; k < token.length; k++) {
          if (lower(charAt(v, i + k)) != lower(charAt(token, k))) { same = false; break; }
        }
        if (same) return true;
      }
      i = end + 1;
    }
  }
  return false;
}

/** CR, LF or NUL in `v[from, to)`: such an element (which Envoy's codecs never deliver) is dropped from the
 *  merged value rather than copied into a header the filter writes (spec §6: no CR, LF, NUL echoed). */
function hasLineBreakOrNul(v: string, from: i32, to: i32): bool {
  for (let k = from; k < to; k++) {
    const c = charAt(v, k);
    if (c == 13 || c == 10 || c == 0) return true;
  }
  return false;
}

// @ts-ignore: decorator
@inline function isSpace(c: u32): bool { return c == 32 || c == 9; }
