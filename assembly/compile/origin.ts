// The strict request-Origin parser (spec §3): `scheme "://" host [":" port]`, nothing else.
// It never allocates for a well-formed, already normalised origin (what browsers send) and never traps.

import { charAt, decimal, equalsFolded, isAlpha, isDigit, lower, lowerSlice } from "../ascii";
import { parseIPv6 } from "../config/origins";

/** parseIPv6's pieces for an Origin's IPv6 literal: only its validity is used here (the configuration layer's
 *  parser, so a configured and a received address are accepted alike); one buffer, no allocation per request. */
const ipv6Pieces = new StaticArray<i32>(8);

/** Longer Origin values match nothing (spec §3, §6: parsers are bounded). */
export const MAX_ORIGIN_LENGTH = 2048;

export const enum OriginKind {
  /** Well-formed `scheme://host[:port]`. */
  Ok = 0,
  /** The opaque origin, serialised as `null` (fetch#origin-header: "null" for opaque origins — sandboxed iframes, file:). */
  Null = 1,
  /** Anything else: empty, a list (`a, b`: several field lines joined by Envoy), a path, userinfo, bad port… */
  Malformed = 2,
  /** Over MAX_ORIGIN_LENGTH bytes. */
  TooLong = 3,
}

/** Default port of a scheme, or -1: "only http and https have default ports" (spec §3). */
export function defaultPort(scheme: string): i32 {
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  return -1;
}

export class ParsedOrigin {
  kind: OriginKind = OriginKind.Malformed;
  /** The header value as received (echoed byte for byte in ACAO). */
  value: string = "";
  /** Lower-cased scheme (a slice only when the value is not already lower case). */
  scheme: string = "";
  /** `value[hostStart, hostEnd)` is the host, brackets included for IPv6, trailing dot kept. */
  hostStart: i32 = 0;
  hostEnd: i32 = 0;
  /** Explicit port, or -1. */
  port: i32 = -1;
  /** Explicit port, else the scheme's default, else -1. */
  effectivePort: i32 = -1;
  /** Scheme or host holds an upper-case letter, or the port is the explicit default: normalising changes it. */
  needsNormalising: bool = false;
  private normal: string | null = null;

  get ok(): bool { return this.kind == OriginKind.Ok; }

  reset(): void {
    this.kind = OriginKind.Malformed;
    this.scheme = "";
    this.hostStart = 0;
    this.hostEnd = 0;
    this.port = -1;
    this.effectivePort = -1;
    this.needsNormalising = false;
    this.normal = null;
  }

  /** The normalised serialisation: scheme and host lower case, a default port dropped (spec §3). */
  normalised(): string {
    const cached = this.normal;
    if (cached !== null) return cached;
    const n = this.needsNormalising ? this.buildNormalised() : this.value;
    this.normal = n;
    return n;
  }

  private buildNormalised(): string {
    let s = this.scheme + "://" + lowerSlice(this.value, this.hostStart, this.hostEnd);
    if (this.port >= 0 && this.port != defaultPort(this.scheme)) s += ":" + decimal(this.port);
    return s;
  }
}

/** Parses `value` (never null: an absent Origin is a different case, §2 step 2). */
export function parseOrigin(value: string): ParsedOrigin {
  return parseOriginInto(value, new ParsedOrigin());
}

/** Parses `value` into `o` (the hot path reuses one instance: a decision keeps no reference to it). */
export function parseOriginInto(value: string, o: ParsedOrigin): ParsedOrigin {
  o.reset();
  o.value = value;
  const n = value.length;
  if (n > MAX_ORIGIN_LENGTH) { o.kind = OriginKind.TooLong; return o; }
  if (value == "null") { o.kind = OriginKind.Null; return o; }
  o.kind = OriginKind.Malformed;

  // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
  if (n == 0 || !isAlpha(charAt(value, 0))) return o;
  let i = 1;
  let upper = charAt(value, 0) - 65 < 26;
  while (i < n) {
    const c = charAt(value, i);
    if (isAlpha(c) || isDigit(c) || c == 43 || c == 45 || c == 46) {
      if (c - 65 < 26) upper = true;
      i++;
    } else break;
  }
  const schemeEnd = i;
  // "://"
  if (i + 3 > n || charAt(value, i) != 58 || charAt(value, i + 1) != 47 || charAt(value, i + 2) != 47) return o;
  i += 3;

  const hostStart = i;
  if (i < n && charAt(value, i) == 91) {
    // "[" IPv6 "]" (RFC 3986 §3.2.2 IP-literal)
    const close = value.indexOf("]", i);
    if (close < 0 || !parseIPv6(value, i + 1, close, ipv6Pieces)) return o;
    for (let k = i + 1; k < close; k++) if (charAt(value, k) - 65 < 26) upper = true;
    i = close + 1;
  } else {
    // dot-separated labels [A-Za-z0-9_-]+, an optional trailing dot kept (spec §3)
    let labelLen = 0;
    let labels = 0;
    while (i < n) {
      const c = charAt(value, i);
      if (isAlpha(c) || isDigit(c) || c == 45 || c == 95) {
        if (c - 65 < 26) upper = true;
        labelLen++;
      } else if (c == 46) {
        if (labelLen == 0) return o; // empty label (".." or a leading dot)
        labels++;
        labelLen = 0;
      } else break;
      i++;
    }
    if (labelLen == 0 && labels == 0) return o; // empty host
  }
  const hostEnd = i;

  let port = -1;
  if (i < n && charAt(value, i) == 58) {
    // ":" port, 1–65535, no leading zero, at least one digit
    i++;
    const start = i;
    let p = 0;
    while (i < n && isDigit(charAt(value, i))) {
      p = p * 10 + <i32>(charAt(value, i) - 48);
      if (p > 65535) return o;
      i++;
    }
    if (i == start || p == 0 || charAt(value, start) == 48) return o;
    port = p;
  }
  if (i != n) return o; // a path, query, userinfo ("@"), a comma, a space: not an origin

  o.kind = OriginKind.Ok;
  o.scheme = schemeOf(value, schemeEnd);
  o.hostStart = hostStart;
  o.hostEnd = hostEnd;
  o.port = port;
  const dp = defaultPort(o.scheme);
  o.effectivePort = port >= 0 ? port : dp;
  o.needsNormalising = upper || (port >= 0 && port == dp);
  return o;
}

/** The lower-cased scheme; the two common ones without allocating. */
function schemeOf(value: string, end: i32): string {
  if (end == 5 && equalsFolded(value, 0, 5, "https")) return "https";
  if (end == 4 && equalsFolded(value, 0, 4, "http")) return "http";
  return lowerSlice(value, 0, end);
}

/** Splits `:authority` (RFC 9110 §7.2 host [":" port], IPv6 aware) for the same-origin test (§2 step 3).
 *  Writes host bounds and port into `out`; returns false for an unparsable authority. */
export class Authority {
  hostStart: i32 = 0;
  hostEnd: i32 = 0;
  port: i32 = -1;
}

export function parseAuthority(a: string, out: Authority): bool {
  const n = a.length;
  if (n == 0) return false;
  let i = 0;
  if (charAt(a, 0) == 91) {
    const close = a.indexOf("]");
    if (close < 0) return false;
    i = close + 1;
  } else {
    while (i < n && charAt(a, i) != 58) i++;
  }
  out.hostStart = 0;
  out.hostEnd = i;
  out.port = -1;
  if (i == n) return i > 0;
  if (charAt(a, i) != 58) return false;
  i++;
  if (i == n) return true; // "host:" — an empty port is the default (RFC 3986 §3.2.3)
  let p = 0;
  while (i < n) {
    const c = charAt(a, i);
    if (!isDigit(c)) return false;
    p = p * 10 + <i32>(c - 48);
    if (p > 65535) return false;
    i++;
  }
  out.port = p;
  return out.hostEnd > 0;
}
