// `max_age`: a non-negative whole number of seconds, or a duration string `^(\d+h)?(\d+m)?(\d+s)?$` (not empty),
// at most 2147483647 seconds. A JSON number with an integral value written with a fraction or exponent (`3600.0`,
// `3.6e3`) is accepted as that integer: Istio/Higress hand Struct numbers over as doubles.

import { JsonKind, JsonValue, kindName } from "../json/value";
import { quote } from "./messages";

export const MAX_AGE_LIMIT: i64 = 2147483647;

export class DurationCheck {
  problem: string = "";
  seconds: i64 = 0;
}

/** The accepted forms, for messages (a function, not a top-level constant: docs/size.md "Where the blob sits"). */
function durationHint(): string {
  return "write whole seconds (e.g. 600) or a duration string of hours, minutes and seconds in that order (e.g. \"12h\", \"90m\", \"1h30m\", \"45s\")";
}

export function checkMaxAge(v: JsonValue): DurationCheck {
  const r = new DurationCheck();
  const num = v.num; // set on numbers only
  if (num !== null) {
    if (num.negative) { r.problem = num.text + " is negative; " + durationHint(); return r; }
    if (!num.integral) { r.problem = num.text + " is not a whole number of seconds; " + durationHint(); return r; }
    if (!num.fitsI64 || num.intValue > MAX_AGE_LIMIT) {
      r.problem = num.text + " is above the maximum of 2147483647 seconds";
      return r;
    }
    r.seconds = num.intValue;
    return r;
  }
  if (v.kind == JsonKind.String) return parseDuration(v.str);
  r.problem = "must be a number of seconds or a duration string, got " + kindName(v.kind) + "; " + durationHint();
  return r;
}

/** `^(\d+h)?(\d+m)?(\d+s)?$`, not empty, total <= 2147483647 seconds. */
export function parseDuration(s: string): DurationCheck {
  const r = new DurationCheck();
  const q = quote(s);
  if (s.length == 0) { r.problem = "is an empty string; " + durationHint(); return r; }
  let i = 0;
  const n = s.length;
  let total: i64 = 0;
  let lastUnit = 0; // 0 none, 1 h, 2 m, 3 s
  let tooBig = false;
  while (i < n) {
    const start = i;
    let v: i64 = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      if (v <= MAX_AGE_LIMIT) v = v * 10 + <i64>(c - 0x30);
      i++;
    }
    if (i == start || i >= n) {
      let allDigits = true;
      for (let k = 0; k < n; k++) { const c = s.charCodeAt(k); if (c < 0x30 || c > 0x39) { allDigits = false; break; } }
      if (allDigits) r.problem = q + " has no unit: write " + s + "s (a duration string) or the number " + s;
      else r.problem = q + " is not a duration; " + durationHint();
      return r;
    }
    const u = s.charCodeAt(i);
    let unit = 0;
    let mul: i64 = 0;
    if (u == 0x68) { unit = 1; mul = 3600; }
    else if (u == 0x6d) { unit = 2; mul = 60; }
    else if (u == 0x73) { unit = 3; mul = 1; }
    if (unit == 0 || unit <= lastUnit) {
      r.problem = q + " is not a duration; " + durationHint();
      return r;
    }
    lastUnit = unit;
    i++;
    if (v > MAX_AGE_LIMIT) tooBig = true;
    else {
      total += v * mul;
      if (total > MAX_AGE_LIMIT) tooBig = true;
    }
  }
  if (tooBig) { r.problem = q + " is above the maximum of 2147483647 seconds"; return r; }
  r.seconds = total;
  return r;
}
