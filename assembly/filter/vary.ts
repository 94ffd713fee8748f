// Merging our Vary tokens into the upstream's (spec §4, RFC 9110 §12.5.5). The upstream may send several
// `vary` lines; a single-value read sees only the first and a replace would drop the others (a lost
// `Vary: Cookie` mixes users' responses in shared caches), so the caller passes every line.

import { charAt, lower, isOws } from "../ascii";

/** Scratch for mergeVary, reused across calls (one merge at a time); dropped when a huge Vary grew it. */
let spans = new Array<i32>();
const added = new Array<string>();
const SPANS_KEEP = 3 * 64;

/** The merged value for `lines` plus `tokens` (", "-separated), or null when the lines can stay as they are:
 *  one line that is already exactly the merged value (every token listed, elements separated by ", ", no empty
 *  element), or `*` alone. Upstream tokens keep their order and spelling; each missing token is added once
 *  (case-insensitive); any `*` member makes the result `*` (spec §4). The value is written in one form whatever
 *  the host did with repeated lines: Envoy joins repeated `vary` lines with "," (an inline header), other hosts
 *  hand them over one by one, and both must give the client the same `Cookie, Origin`. */
export function mergeVary(lines: Array<string>, tokens: Array<string>): string | null {
  const merged = merge(lines, tokens);
  // a span list grown by a huge Vary is not kept (nor alive across the next collection, where it would split the
  // free heap)
  if (spans.length > SPANS_KEEP) spans = new Array<i32>();
  spans.length = 0;
  added.length = 0;
  return merged;
}

function merge(lines: Array<string>, tokens: Array<string>): string | null {
  // The kept elements are recorded as (line, start, end) spans and the result is written once: building it
  // with `out + ", " + element` (or Array#join, which concatenates the same way in the release build) was
  // quadratic in the Vary's size — a 60 KiB upstream Vary cost ~100–500 ms per response.
  let star = false;
  let dropped = false;
  for (let l = 0; l < lines.length; l++) {
    const v = lines[l];
    const n = v.length;
    let i = 0;
    while (i < n) {
      while (i < n && isOws(charAt(v, i))) i++;
      let end = i;
      while (end < n && charAt(v, end) != 44) end++;
      let last = end;
      while (last > i && isOws(charAt(v, last - 1))) last--;
      if (last > i && hasLineBreakOrNul(v, i, last)) dropped = true; // never re-emitted (spec §6)
      else if (last > i) {
        if (last - i == 1 && charAt(v, i) == 42) star = true;
        spans.push(l); spans.push(i); spans.push(last);
      }
      i = end + 1;
    }
  }
  // `Vary: ,,` + `Vary: *` reaches the filter as `,,,*` in Envoy: a `*` member alone decides, however spelled.
  if (star) return lines.length == 1 && lines[0].length == 1 ? null : "*";
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t];
    if (!keptElementEquals(lines, tok)) added.push(tok);
  }
  if (added.length == 0 && !dropped && (lines.length == 0 || lines.length == 1 && isCanonical(lines[0]))) return null;

  // measure, allocate once, copy
  const count = spans.length / 3 + added.length;
  let len = count > 0 ? (count - 1) * 2 : 0;
  for (let k = 0; k < spans.length; k += 3) len += unchecked(spans[k + 2]) - unchecked(spans[k + 1]);
  for (let k = 0; k < added.length; k++) len += added[k].length;
  const out = changetype<string>(__new(<usize>len << 1, idof<string>()));
  let at = changetype<usize>(out);
  let first = true;
  for (let k = 0; k < spans.length; k += 3) {
    const v = lines[unchecked(spans[k])];
    const start = unchecked(spans[k + 1]);
    at = put(at, first, changetype<usize>(v) + (<usize>start << 1), unchecked(spans[k + 2]) - start);
    first = false;
  }
  for (let k = 0; k < added.length; k++) {
    const tok = added[k];
    at = put(at, first, changetype<usize>(tok), tok.length);
    first = false;
  }
  return out;
}

/** Writes ", " (unless `first`) and `chars` UTF-16 units from `src` at `at`; returns the next position. */
function put(at: usize, first: bool, src: usize, chars: i32): usize {
  if (!first) {
    store<u16>(at, 44);
    store<u16>(at, 32, 2);
    at += 4;
  }
  const bytes = <usize>chars << 1;
  memory.copy(at, src, bytes);
  return at + bytes;
}

/** Whether `line`, the only upstream line, is exactly its kept elements joined with ", " (as mergeVary would
 *  write them): then it can stay as it is. */
function isCanonical(line: string): bool {
  let expected = 0; // where the next element must start
  for (let k = 0; k < spans.length; k += 3) {
    if (unchecked(spans[k + 1]) != expected) return false;
    const end = unchecked(spans[k + 2]);
    if (k + 3 < spans.length) {
      if (end + 2 > line.length || charAt(line, end) != 44 || charAt(line, end + 1) != 32) return false;
      expected = end + 2;
    } else expected = end;
  }
  return expected == line.length;
}

/** Whether an upstream element kept by mergeVary's scan (its `spans`) equals `token`, ASCII
 *  case-insensitively. */
function keptElementEquals(lines: Array<string>, token: string): bool {
  const n = token.length;
  for (let k = 0; k < spans.length; k += 3) {
    const start = unchecked(spans[k + 1]);
    if (unchecked(spans[k + 2]) - start != n) continue;
    const v = lines[unchecked(spans[k])];
    let same = true;
    for (let j = 0; j < n; j++) {
      if (lower(charAt(v, start + j)) != lower(charAt(token, j))) { same = false; break; }
    }
    if (same) return true;
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
