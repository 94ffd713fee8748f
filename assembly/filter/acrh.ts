// The bounded Access-Control-Request-Headers check (spec §2.5, §6). Browsers send one lower-case, sorted,
// comma-separated list (fetch#cors-preflight-fetch-0 step 3: "the result of combining …
// CORS-unsafe request-header names"); proxies in between may add spaces, empties or a second line (which
// Envoy joins with ","), so the parser tolerates those within fixed budgets and never echoes a non-token.

import { NameSet } from "../compile/nameset";
import { charAt, isTchar, isOws, lower } from "../ascii";

/** At most 64 comma-separated elements (empty ones count) and 8 KiB: over the bound = disallowed. */
export const MAX_ACRH_ELEMENTS = 64;
export const MAX_ACRH_BYTES = 8192;

export const enum AcrhStatus { Ok = 0, NotAllowed = 1, Malformed = 2, TooMany = 3 }

/** Checks every name in `value` against `allowed` (case-insensitive), or only their syntax when `any`. */
export function checkRequestHeaders(value: string, any: bool, allowed: NameSet): AcrhStatus {
  const n = value.length;
  if (n > MAX_ACRH_BYTES) return AcrhStatus.TooMany;
  let elements = 1;
  let notAllowed = false;
  let i = 0;
  while (true) {
    // one element: [OWS] token [OWS] up to "," or the end
    while (i < n && isOws(charAt(value, i))) i++;
    const start = i;
    while (i < n && isTchar(charAt(value, i))) i++;
    const end = i;
    while (i < n && isOws(charAt(value, i))) i++;
    if (i < n && charAt(value, i) != 44) return AcrhStatus.Malformed; // a non-token char inside the element
    if (end > start && !any && !notAllowed && !allowed.hasSlice(value, start, end)) notAllowed = true;
    if (i >= n) break;
    i++; // ","
    if (++elements > MAX_ACRH_ELEMENTS) return AcrhStatus.TooMany;
  }
  return notAllowed ? AcrhStatus.NotAllowed : AcrhStatus.Ok;
}

/** ACAH for `allow_headers: ["*"]`: the (already validated) names lower-cased and joined with ","
 *  (spec §2). Returns `value` itself when it is already in that form (what browsers send). */
export function echoRequestHeaders(value: string): string {
  const n = value.length;
  let canonical = n > 0;
  let prevComma = true;
  for (let i = 0; i < n; i++) {
    const c = charAt(value, i);
    if (c == 44) {
      if (prevComma) { canonical = false; break; }
      prevComma = true;
    } else {
      if (isOws(c) || c - 65 < 26) { canonical = false; break; }
      prevComma = false;
    }
  }
  if (canonical && !prevComma) return value;

  // rebuild in two passes: measure, then write (one allocation)
  const len = rebuild(value, 0);
  const out = changetype<string>(__new(<usize>len << 1, idof<string>()));
  rebuild(value, changetype<usize>(out));
  return out;
}

/** Writes the lower-cased names joined by "," at `dst` (when non-zero); returns the length in chars. */
function rebuild(value: string, dst: usize): i32 {
  const n = value.length;
  let len = 0;
  let i = 0;
  while (i < n) {
    while (i < n && (isOws(charAt(value, i)) || charAt(value, i) == 44)) i++;
    const start = i;
    while (i < n && isTchar(charAt(value, i))) i++;
    if (i > start) {
      if (len > 0) { if (dst) store<u16>(dst + (<usize>len << 1), 44); len++; }
      for (let k = start; k < i; k++) {
        if (dst) store<u16>(dst + (<usize>len << 1), <u16>lower(charAt(value, k)));
        len++;
      }
    }
    while (i < n && charAt(value, i) != 44) i++;
  }
  return len;
}
