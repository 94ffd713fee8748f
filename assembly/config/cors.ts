// One CORS configuration object (the global keys, or one `_rules_` entry) → CorsConfig (spec §1).
// Keys beginning with `_` are skipped here (the caller handles `_rules_` and the match keys).

import { JsonKind, JsonValue } from "../json/value";
import { Regex } from "../regex/index";
import { CorsConfig, Mode, OnDisallowed } from "./types";
import { Diagnostics, editDistance, indexPath, quote } from "./messages";
import { asciiLower, asciiUpper, decimal } from "../ascii";
import { checkOrigin } from "./origins";
import { NameSet } from "./nameset";
import { checkPattern } from "./patterns";
import { checkMaxAge } from "./duration";
import { tokenProblem } from "./tokens";
import { describeValue, readBool, readChoice, readStringList } from "./values";

export const MAX_AGE_WARN: i64 = 7200;

/** The items of a ", "-separated list, in order: the default lists and the known keys are written as one text
 *  each, cut into an array where one is needed (an array literal costs start code and a decoded string per
 *  element, docs/size.md). */
export function listItems(text: string): Array<string> {
  const out = new Array<string>();
  let start = 0;
  while (true) {
    const comma = text.indexOf(", ", start);
    if (comma < 0) break;
    out.push(text.substring(start, comma));
    start = comma + 2;
  }
  out.push(text.substring(start));
  return out;
}

/** A CorsConfig with every default of spec §1 (allow_origins ["*"]). */
export function defaultCorsConfig(): CorsConfig {
  const c = new CorsConfig();
  c.allowAnyOriginLiteral = true;
  c.allowMethods = listItems("GET, PUT, POST, DELETE, PATCH, OPTIONS");
  c.allowHeaders = listItems("DNT, X-CustomHeader, Keep-Alive, User-Agent, X-Requested-With, If-Modified-Since, Cache-Control, Content-Type, Authorization");
  return c;
}

function unknownKeyMessage(key: string): string {
  // the message shows this very text; the pieces stay under the transform's 255-byte limit for a blob text
  const known = "allow_origins, allow_origin_patterns, allow_origin_regexes, allow_methods, allow_headers, " +
    "expose_headers, allow_credentials, max_age, allow_private_network, timing_allow_origins, " +
    "preflight_continue, preflight_status, on_disallowed, reject_actual, mode, debug";
  const keys = listItems(known);
  let best = "";
  let bestD = 1000;
  for (let i = 0; i < keys.length; i++) {
    const d = editDistance(asciiLower(key), keys[i]);
    if (d < bestD) { bestD = d; best = keys[i]; }
  }
  if (bestD <= 3 && bestD * 2 < key.length) return "unknown key (did you mean " + best + "?)";
  return "unknown key; the keys are " + known + " (and _rules_; other keys beginning with _ are ignored)";
}

/** A key as it appears in a path: as is when it is a plain identifier, else quoted (and cut when long). */
export function displayKey(key: string): string {
  const n = key.length;
  let plain = n > 0 && n <= 64;
  for (let i = 0; plain && i < n; i++) {
    const c = key.charCodeAt(i);
    plain = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x5f || c == 0x2d || c == 0x2e;
  }
  return plain ? key : quote(key);
}

function isOriginKey(key: string): bool {
  return key == "allow_origins" || key == "allow_origin_patterns" || key == "allow_origin_regexes";
}

/**
 * Parses the non-`_` keys of `obj` (an object) into a CorsConfig with defaults for what is missing.
 * `prefix` is prepended to every key path ("" or "_rules_[i].").
 */
export function parseCorsObject(obj: JsonValue, prefix: string, diag: Diagnostics): CorsConfig {
  const c = defaultCorsConfig();
  const members = obj.members;

  // Cross-key facts first: credentials (only a boolean true counts) and presence of an origin key.
  let credentials = false;
  let originKeyPresent = false;
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    if (m.key == "allow_credentials" && m.value.kind == JsonKind.Bool && m.value.boolValue) credentials = true;
    if (isOriginKey(m.key)) originKeyPresent = true;
  }
  if (originKeyPresent) c.allowAnyOriginLiteral = false;

  // Duplicate keys: which one wins differs between JSON libraries, so neither is guessed (reported once, at the
  // second occurrence; the first one is still checked).
  const seen = new NameSet(false); // JSON keys are case-sensitive
  const reported = new NameSet(false);
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    const key = m.key;
    if (key.length > 0 && key.charCodeAt(0) == 0x5f /* _ */) continue;
    const path = prefix + displayKey(key);
    if (!seen.add(key)) {
      if (reported.add(key)) diag.error(path, "appears more than once in the same object; keep one");
      continue;
    }
    const v = m.value;
    if (key == "allow_origins") parseAllowOrigins(c, v, path, credentials, diag);
    else if (key == "allow_origin_patterns") parsePatterns(c, v, path, credentials, diag);
    else if (key == "allow_origin_regexes") parseRegexes(c, v, path, diag);
    else if (key == "allow_methods") {
      const list = parseTokenList(v, path, true, diag);
      if (list !== null) c.allowMethods = list;
    } else if (key == "allow_headers") {
      const list = parseTokenList(v, path, false, diag);
      if (list !== null) c.allowHeaders = list;
    } else if (key == "expose_headers") {
      const list = parseTokenList(v, path, false, diag);
      if (list !== null) {
        if (list.length == 1 && list[0] == "*" && credentials) {
          let at = 0;
          for (let k = 0; k < v.items.length; k++) if (v.items[k].kind == JsonKind.String && v.items[k].str == "*") { at = k; break; }
          diag.error(indexPath(path, at), "\"*\" cannot be combined with allow_credentials (browsers read it as a header literally named \"*\" on credentialed requests, so nothing is exposed); list the header names to expose");
        }
        c.exposeHeaders = list;
      }
    } else if (key == "allow_credentials") {
      const b = readBool(v, path, diag);
      if (b.ok) c.allowCredentials = b.value;
    } else if (key == "max_age") {
      const d = checkMaxAge(v);
      if (d.problem.length > 0) diag.error(path, d.problem);
      else {
        c.maxAge = <i32>d.seconds; // checkMaxAge: 0 … 2147483647
        if (d.seconds > MAX_AGE_WARN) {
          diag.warn(path, decimal(c.maxAge) + " seconds is above 7200: Chromium caps preflight caching at 7200 s (Firefox at 86400 s, WebKit at 600 s)");
        }
      }
    } else if (key == "allow_private_network") {
      const b = readBool(v, path, diag);
      if (b.ok) c.allowPrivateNetwork = b.value;
    } else if (key == "timing_allow_origins") parseTimingOrigins(c, v, path, diag);
    else if (key == "preflight_continue") {
      const b = readBool(v, path, diag);
      if (b.ok) c.preflightContinue = b.value;
    } else if (key == "preflight_status") {
      let ok = false;
      const num = v.num; // set on numbers only
      if (num !== null && num.integral && num.fitsI64 && (num.intValue == 200 || num.intValue == 204)) {
        c.preflightStatus = <u32>num.intValue;
        ok = true;
      }
      if (!ok) diag.error(path, "must be 200 or 204, got " + describeValue(v));
    } else if (key == "on_disallowed") {
      const w = readChoice(v, path, "reject", "strip", diag);
      if (w >= 0) c.onDisallowed = w == 0 ? OnDisallowed.Reject : OnDisallowed.Strip;
    } else if (key == "reject_actual") {
      const b = readBool(v, path, diag);
      if (b.ok) c.rejectActual = b.value;
    } else if (key == "mode") {
      const w = readChoice(v, path, "enforce", "report_only", diag);
      if (w >= 0) c.mode = w == 0 ? Mode.Enforce : Mode.ReportOnly;
    } else if (key == "debug") {
      const b = readBool(v, path, diag);
      if (b.ok) c.debug = b.value;
    } else {
      diag.error(path, unknownKeyMessage(key));
    }
  }

  if (credentials && !originKeyPresent) {
    diag.error(prefix + "allow_credentials", "is true but none of allow_origins, allow_origin_patterns, allow_origin_regexes is set: it would allow nothing (the default \"*\" cannot carry credentials); list the origins that may send credentials");
  }
  return c;
}

function parseAllowOrigins(c: CorsConfig, v: JsonValue, path: string, credentials: bool, diag: Diagnostics): void {
  const list = readStringList(v, path, diag);
  if (list === null) return;
  const origins = new Array<string>();
  const seen = new NameSet(false); // the normalised origins, in the order of `origins`
  const firstAt = new Array<i32>(); // firstAt[n]: the list index origins[n] came from
  let star = false;
  let others = 0;
  for (let k = 0; k < list.values.length; k++) {
    const s = list.values[k];
    const i = list.at[k];
    const p = indexPath(path, i);
    if (s == "*") {
      star = true;
      if (credentials) {
        diag.error(p, "\"*\" cannot be combined with allow_credentials (browsers refuse a literal * with credentials); use allow_origin_patterns: [\"*\"] to echo any origin with credentials, or list the origins");
      }
      continue;
    }
    others++;
    let normalized: string;
    if (s == "null") {
      if (credentials) {
        diag.error(p, "\"null\" cannot be combined with allow_credentials: any site can send Origin: null from a sandboxed iframe or a data: URL");
        continue;
      }
      diag.warn(p, "\"null\" allows the null origin, which any site can send from a sandboxed iframe or a data: URL");
      normalized = "null";
    } else {
      const r = checkOrigin(s);
      if (r.problem.length > 0) { diag.error(p, r.problem); continue; }
      if (r.trailingSlash) diag.warn(p, quote(s) + ": the trailing \"/\" was dropped (an origin has no path)");
      if (credentials && r.scheme == "http") {
        diag.warn(p, quote(s) + " is plain http with allow_credentials: anyone on the network path can impersonate it; prefer https");
      }
      normalized = r.normalized;
    }
    const earlier = seen.indexOf(normalized);
    if (earlier >= 0) {
      diag.warn(p, quote(s) + " is a duplicate of " + indexPath(path, firstAt[earlier]) + " (after normalisation)");
      continue;
    }
    seen.add(normalized);
    origins.push(normalized);
    firstAt.push(i);
  }
  if (star && others > 0) diag.warn(path, "\"*\" allows every origin: the other entries are redundant");
  c.allowAnyOriginLiteral = star;
  c.allowOrigins = origins;
}

function parsePatterns(c: CorsConfig, v: JsonValue, path: string, credentials: bool, diag: Diagnostics): void {
  const list = readStringList(v, path, diag);
  if (list === null) return;
  for (let k = 0; k < list.values.length; k++) {
    const s = list.values[k];
    const i = list.at[k];
    const p = indexPath(path, i);
    const r = checkPattern(s);
    const pat = r.pattern; // null exactly when there is a problem
    if (pat === null) { diag.error(p, r.problem); continue; }
    if (r.trailingSlash) diag.warn(p, quote(s) + ": the trailing \"/\" was dropped (an origin has no path)");
    if (credentials) {
      if (pat.matchesAll) {
        diag.warn(p, "\"*\" with allow_credentials echoes every origin with credentials: any site can make credentialed requests and read the responses");
      } else if (pat.scheme == "http" || pat.scheme == "*") {
        diag.warn(p, quote(s) + " allows plain-http origins with allow_credentials: anyone on the network path can impersonate them; prefer https");
      }
    }
    c.allowOriginPatterns.push(pat);
  }
}

function parseRegexes(c: CorsConfig, v: JsonValue, path: string, diag: Diagnostics): void {
  const list = readStringList(v, path, diag);
  if (list === null) return;
  for (let k = 0; k < list.values.length; k++) {
    const s = list.values[k];
    const i = list.at[k];
    const p = indexPath(path, i);
    if (s.length == 0) { diag.error(p, "is an empty regex; it would match nothing"); continue; }
    const r = Regex.compile(s);
    if (r.regex === null) {
      diag.error(p, quote(s) + " " + (r.error.length > 0 ? r.error : "does not compile"));
      continue;
    }
    c.allowOriginRegexes.push(s);
  }
}

/** Method and header-name lists: RFC 9110 tokens, deduplicated case-insensitively, or exactly ["*"].
 *  Methods are upper-cased, as Higress does (with a warning: requests are compared byte for byte); header
 *  names are kept as written (they are compared case-insensitively). */
function parseTokenList(v: JsonValue, path: string, methods: bool, diag: Diagnostics): Array<string> | null {
  const list = readStringList(v, path, diag);
  if (list === null) return null;
  const what = methods ? "method name" : "header name";
  const out = new Array<string>();
  const seen = new NameSet(!methods); // methods byte for byte, header names case-insensitively
  let star = false;
  let others = 0;
  let bad = !list.complete;
  for (let k = 0; k < list.values.length; k++) {
    const s = list.values[k];
    const i = list.at[k];
    const p = indexPath(path, i);
    if (s == "*") { star = true; continue; }
    const tp = tokenProblem(s);
    if (tp.length > 0) { diag.error(p, quote(s) + " is not a " + what + " (RFC 9110 token): " + tp); bad = true; continue; }
    others++;
    let kept = s;
    if (methods) {
      kept = asciiUpper(s);
      if (kept != s) {
        diag.warn(p, quote(s) + " was upper-cased to " + quote(kept) + " (methods are compared byte for byte: a page that sends " + quote(s) + " needs \"*\")");
      }
    }
    if (!seen.add(kept)) continue;
    out.push(kept);
  }
  if (bad) return null;
  if (star) {
    if (others > 0) diag.warn(path, methods ? "\"*\" allows every method: the other entries are redundant" : "\"*\" allows every name: the other entries are redundant");
    return ["*"];
  }
  return out;
}

function parseTimingOrigins(c: CorsConfig, v: JsonValue, path: string, diag: Diagnostics): void {
  const list = readStringList(v, path, diag);
  if (list === null) return;
  const out = new Array<string>();
  const seen = new NameSet(false);
  let star = false;
  for (let k = 0; k < list.values.length; k++) {
    const s = list.values[k];
    const i = list.at[k];
    const p = indexPath(path, i);
    if (s == "*") { star = true; continue; }
    if (s == "null") { if (seen.add("null")) out.push("null"); continue; }
    const r = checkOrigin(s);
    if (r.problem.length > 0) {
      // checkOrigin points '*' users to allow_origin_patterns; Timing-Allow-Origin has only exact origins or "*".
      diag.error(p, s.indexOf("*") >= 0 && s != "*"
        ? quote(s) + " contains '*'; timing_allow_origins holds exact origins, or \"*\" alone for every allowed origin"
        : r.problem);
      continue;
    }
    if (r.trailingSlash) diag.warn(p, quote(s) + ": the trailing \"/\" was dropped (an origin has no path)");
    if (seen.add(r.normalized)) out.push(r.normalized);
  }
  c.timingAllowOrigins = star ? ["*"] : out;
}
