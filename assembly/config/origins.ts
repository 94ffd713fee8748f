// Configured origins (`allow_origins`, `timing_allow_origins`): validation and normalisation (spec §1, §3).
// An origin is `scheme "://" host [":" port]`: scheme and host lower-cased, default port (:80 http, :443 https)
// dropped, a lone trailing "/" dropped (the caller warns), IPv6 literals written as browsers serialise them.

import { quote } from "./messages";
import { asciiLower, charAt, charText, decimal, hexDigit, hexValue, isAlpha, isDigit } from "../ascii";

export const MAX_ORIGIN_BYTES: i32 = 2048;

/** The split of `scheme://authority<tail>`; `problem` non-empty when the split itself failed. */
export class OriginParts {
  problem: string = "";
  scheme: string = "";
  /** Between `://` and the first `/`, `?` or `#`. */
  authority: string = "";
  /** `host` and `port` split from the authority (port text without ':'; hasPort when a ':' was present). */
  host: string = "";
  hasPort: bool = false;
  portText: string = "";
  /** A lone trailing "/" was present. */
  trailingSlash: bool = false;
}

/** "" when `s` is a valid URL scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`). */
export function schemeValid(s: string): bool {
  if (s.length == 0 || !isAlpha(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(isAlpha(c) || isDigit(c) || c == 0x2b || c == 0x2d || c == 0x2e)) return false;
  }
  return true;
}

/** Common character checks: "" or a message fragment (without the quoted value). */
export function characterProblem(s: string): string {
  for (let i = 0, n = s.length; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x20 || c == 0x09) return "contains whitespace";
    if (c < 0x20 || c == 0x7f) return "contains a control character";
    if (c >= 0x80) return "contains a non-ASCII character (write an internationalised host in punycode, xn--...)";
  }
  return "";
}

/**
 * Splits `s` (already character-checked) into scheme / authority / host / port and checks what an origin may
 * not have (path, query, fragment, userinfo, empty host). `what` names the thing in messages
 * ("an origin is scheme://host[:port]").
 */
export function splitOrigin(s: string, shape: string): OriginParts {
  const p = new OriginParts();
  const sep = s.indexOf("://");
  if (sep < 0) {
    p.problem = quote(s) + " has no scheme; " + shape;
    return p;
  }
  p.scheme = s.substring(0, sep);
  const rest = s.substring(sep + 3);
  let end = rest.length;
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c == 0x2f || c == 0x3f || c == 0x23) { end = i; break; }
  }
  p.authority = rest.substring(0, end);
  const tail = rest.substring(end);
  if (tail.indexOf("#") >= 0) { p.problem = quote(s) + " has a fragment (#...); " + shape; return p; }
  if (tail.indexOf("?") >= 0) { p.problem = quote(s) + " has a query (?...); " + shape; return p; }
  if (tail == "/") p.trailingSlash = true;
  else if (tail.length > 0) { p.problem = quote(s) + " has a path; " + shape; return p; }
  if (p.authority.indexOf("@") >= 0) { p.problem = quote(s) + " has userinfo (user@); " + shape; return p; }
  const a = p.authority;
  if (a.length > 0 && a.charCodeAt(0) == 0x5b /* [ */) {
    const close = a.indexOf("]");
    if (close < 0) { p.problem = quote(s) + " has an unclosed IPv6 literal '['"; return p; }
    p.host = a.substring(0, close + 1);
    const after = a.substring(close + 1);
    if (after.length > 0) {
      if (after.charCodeAt(0) != 0x3a) { p.problem = quote(s) + " has characters after the IPv6 literal; " + shape; return p; }
      p.hasPort = true;
      p.portText = after.substring(1);
    }
  } else {
    const colon = a.indexOf(":");
    if (colon >= 0) {
      p.host = a.substring(0, colon);
      p.hasPort = true;
      p.portText = a.substring(colon + 1);
    } else {
      p.host = a;
    }
  }
  if (p.host.length == 0) { p.problem = quote(s) + " has an empty host; " + shape; return p; }
  return p;
}

/** A port `1..65535` without leading zeros, or -1. */
export function parsePort(s: string): i32 {
  const n = s.length;
  if (n == 0 || n > 5) return -1;
  if (s.charCodeAt(0) == 0x30) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v >= 1 && v <= 65535 ? v : -1;
}

export function defaultPort(scheme: string): i32 {
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  return -1;
}

/** "" when `host` (no `*`) is dot-separated labels `[A-Za-z0-9_-]+` with an optional trailing dot. */
export function regularHostProblem(host: string): string {
  const n = host.length;
  let labelLen = 0;
  for (let i = 0; i < n; i++) {
    const c = host.charCodeAt(i);
    if (c == 0x2e) {
      if (labelLen == 0) return "has an empty label in the host (\"..\" or a leading \".\")";
      labelLen = 0;
      continue;
    }
    if (isAlpha(c) || isDigit(c) || c == 0x2d || c == 0x5f) { labelLen++; continue; }
    if (c == 0x2a) return "has '*' in the host";
    return "has '" + charText(c) + "' in the host; a host is letters, digits, '-', '_' and dots";
  }
  return "";
}

/** The code unit at `i`, or -1 at or past `end`. */
function codeAt(s: string, i: i32, end: i32): i32 {
  return i < end ? <i32>charAt(s, i) : -1;
}

/** The WHATWG URL IPv6 parser over `s[start, end)` (the text between the brackets): true and the eight pieces in
 *  `pieces`, or false. It allocates nothing: the request path checks an Origin's IPv6 literal with it too
 *  (compile/origin.ts), so both sides accept the same addresses. */
export function parseIPv6(s: string, start: i32, end: i32, pieces: StaticArray<i32>): bool {
  const n = end;
  if (n - start <= 0 || n - start > 64) return false;
  for (let k = 0; k < 8; k++) unchecked(pieces[k] = 0);
  let pieceIndex = 0;
  let compress = -1;
  let i = start;
  if (charAt(s, i) == 0x3a) {
    if (codeAt(s, i + 1, n) != 0x3a) return false;
    i += 2;
    pieceIndex = 1;
    compress = 1;
  }
  while (i < n) {
    if (pieceIndex == 8) return false;
    if (charAt(s, i) == 0x3a) {
      if (compress != -1) return false;
      i++;
      pieceIndex++;
      compress = pieceIndex;
      continue;
    }
    let value = 0, len = 0;
    for (let d = hexValue(codeAt(s, i, n)); len < 4 && d >= 0; d = hexValue(codeAt(s, i, n))) {
      value = value * 16 + d;
      i++;
      len++;
    }
    if (codeAt(s, i, n) == 0x2e) {
      if (len == 0) return false;
      i -= len;
      if (pieceIndex > 6) return false;
      let numbersSeen = 0;
      while (i < n) {
        let v4 = -1;
        if (numbersSeen > 0) {
          if (codeAt(s, i, n) == 0x2e && numbersSeen < 4) i++;
          else return false;
        }
        if (!isDigit(codeAt(s, i, n))) return false;
        while (isDigit(codeAt(s, i, n))) {
          const d = codeAt(s, i, n) - 0x30;
          if (v4 == -1) v4 = d;
          else if (v4 == 0) return false;
          else v4 = v4 * 10 + d;
          if (v4 > 255) return false;
          i++;
        }
        unchecked(pieces[pieceIndex] = pieces[pieceIndex] * 256 + v4);
        numbersSeen++;
        if (numbersSeen == 2 || numbersSeen == 4) pieceIndex++;
      }
      if (numbersSeen != 4) return false;
      break;
    } else if (codeAt(s, i, n) == 0x3a) {
      i++;
      if (i >= n) return false;
    } else if (i < n) {
      return false;
    }
    if (pieceIndex >= 8) return false;
    unchecked(pieces[pieceIndex] = value);
    pieceIndex++;
  }
  if (compress != -1) {
    let swaps = pieceIndex - compress;
    pieceIndex = 7;
    while (pieceIndex != 0 && swaps > 0) {
      const t = unchecked(pieces[pieceIndex]);
      unchecked(pieces[pieceIndex] = pieces[compress + swaps - 1]);
      unchecked(pieces[compress + swaps - 1] = t);
      pieceIndex--;
      swaps--;
    }
  } else if (pieceIndex != 8) {
    return false;
  }
  return true;
}

/** WHATWG serialisation of eight pieces, with brackets (what a browser puts in an Origin). */
export function serializeIPv6(pieces: StaticArray<i32>): string {
  let bestStart = -1, bestLen = 1;
  let k = 0;
  while (k < 8) {
    if (pieces[k] == 0) {
      let j = k;
      while (j < 8 && pieces[j] == 0) j++;
      if (j - k > bestLen) { bestStart = k; bestLen = j - k; }
      k = j;
    } else k++;
  }
  let out = "[";
  let ignore0 = false;
  for (let p = 0; p < 8; p++) {
    if (ignore0 && pieces[p] == 0) continue;
    ignore0 = false;
    if (bestStart == p) {
      out += p == 0 ? "::" : ":";
      ignore0 = true;
      continue;
    }
    out += hexPiece(<u32>pieces[p]);
    if (p != 7) out += ":";
  }
  return out + "]";
}

/** A piece (0..0xffff) in lower-case hex without leading zeros, as `toString(16)` (which would link the standard
 *  library's any-radix formatting and its messages for this one use). */
function hexPiece(v: u32): string {
  let digits = 1;
  while (digits < 4 && (v >> (<u32>digits << 2)) != 0) digits++;
  const out = changetype<string>(__new(<usize>digits << 1, idof<string>()));
  for (let k = 0; k < digits; k++) {
    store<u16>(changetype<usize>(out) + (<usize>k << 1), hexDigit((v >> (<u32>(digits - 1 - k) << 2)) & 15));
  }
  return out;
}

/** A validated, normalised origin or a problem message (with the quoted value). */
export class OriginCheck {
  problem: string = "";
  normalized: string = "";
  scheme: string = "";
  trailingSlash: bool = false;
}

/** The accepted form, for messages (a function, not a top-level constant: docs/size.md "Where the blob sits"). */
function originShape(): string {
  return "an origin is scheme://host[:port], e.g. \"https://app.example.com\"";
}

/** Validates a configured exact origin (not `"*"`, not `"null"`: the caller handles those). */
export function checkOrigin(s: string): OriginCheck {
  const r = new OriginCheck();
  if (s.length > MAX_ORIGIN_BYTES) {
    r.problem = quote(s) + " is longer than " + decimal(MAX_ORIGIN_BYTES) + " bytes; no browser sends such an Origin";
    return r;
  }
  const cp = characterProblem(s);
  if (cp.length > 0) { r.problem = quote(s) + " " + cp + "; " + originShape(); return r; }
  if (s.indexOf("*") >= 0) {
    r.problem = quote(s) + " contains '*'; allow_origins holds exact origins: put wildcards in allow_origin_patterns (e.g. \"https://*.example.com\")";
    return r;
  }
  const p = splitOrigin(s, originShape());
  if (p.problem.length > 0) {
    if (s.indexOf("://") < 0 && s.length > 0) {
      // "localhost", "example.test": suggest the form.
      r.problem = quote(s) + " has no scheme; " + originShape() + "; did you mean \"https://" + s + "\"?";
    } else {
      r.problem = p.problem;
    }
    return r;
  }
  if (!schemeValid(p.scheme)) { r.problem = quote(s) + " has an invalid scheme; " + originShape(); return r; }
  const scheme = asciiLower(p.scheme);
  let host: string;
  if (p.host.charCodeAt(0) == 0x5b) {
    const pieces = new StaticArray<i32>(8);
    if (!parseIPv6(p.host, 1, p.host.length - 1, pieces)) { r.problem = quote(s) + " has an invalid IPv6 address"; return r; }
    host = serializeIPv6(pieces);
  } else {
    const hp = regularHostProblem(p.host);
    if (hp.length > 0) { r.problem = quote(s) + " " + hp; return r; }
    host = asciiLower(p.host);
  }
  let portSuffix = "";
  if (p.hasPort) {
    const port = parsePort(p.portText);
    if (port < 0) {
      r.problem = quote(s) + " has a bad port " + quote(p.portText) + "; a port is 1-65535 without leading zeros";
      return r;
    }
    if (port != defaultPort(scheme)) portSuffix = ":" + decimal(port);
  }
  r.scheme = scheme;
  r.normalized = scheme + "://" + host + portSuffix;
  r.trailingSlash = p.trailingSlash;
  return r;
}
