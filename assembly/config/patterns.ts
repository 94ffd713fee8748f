// `allow_origin_patterns` entries (spec §3): `scheme://hostpattern[:ports]`, or `"*"` alone.
//   scheme: exact or `*`; hostpattern: exact host, `*.` + a host of at least two labels, or `*` alone;
//   ports: absent = the scheme's default port only, `:8080`, `:[8080,9090]`, `:[*]` (any port, or none).
// Patterns are case-insensitive: scheme and host are lower-cased. A `*` anywhere else, and a wildcard over one
// label (`*.com`), are errors that point to allow_origin_regexes.

import { OriginPattern, PortRule } from "./types";
import { quote } from "./messages";
import { asciiLower, charText, decimal } from "../ascii";
import {
  characterProblem, defaultPort, MAX_ORIGIN_BYTES, parseIPv6, parsePort, regularHostProblem, schemeValid,
  serializeIPv6, splitOrigin,
} from "./origins";

export class PatternCheck {
  problem: string = "";
  pattern: OriginPattern | null = null;
  trailingSlash: bool = false;
}

/** The accepted form, for messages (a function, not a top-level constant: docs/size.md "Where the blob sits"). */
function patternShape(): string {
  return "a pattern is scheme://hostpattern[:ports], e.g. \"https://*.example.com\" or \"http://*.example.org:[8080,9090]\"";
}

/** Number of labels of a regular host, ignoring one trailing dot. */
function labelCount(host: string): i32 {
  let n = host.length;
  if (n > 0 && host.charCodeAt(n - 1) == 0x2e) n--;
  if (n == 0) return 0;
  let c = 1;
  for (let i = 0; i < n; i++) if (host.charCodeAt(i) == 0x2e) c++;
  return c;
}

/** A regex suggestion for a host pattern with `*` inside: dots escaped, `*` as one label fragment. */
function regexSuggestion(scheme: string, hostPattern: string): string {
  let out = scheme == "*" ? "https?" : scheme;
  out += "://";
  for (let i = 0; i < hostPattern.length; i++) {
    const c = hostPattern.charCodeAt(i);
    if (c == 0x2e) out += "\\.";
    else if (c == 0x2a) out += "[a-z0-9-]+";
    else out += charText(c);
  }
  return out;
}

export function checkPattern(source: string): PatternCheck {
  const r = new PatternCheck();
  if (source == "*") {
    const p = new OriginPattern();
    p.source = source;
    p.matchesAll = true;
    p.scheme = "*";
    p.anyHost = true;
    p.portRule = PortRule.Any;
    r.pattern = p;
    return r;
  }
  if (source.length > MAX_ORIGIN_BYTES) {
    r.problem = quote(source) + " is longer than " + decimal(MAX_ORIGIN_BYTES) + " bytes";
    return r;
  }
  const cp = characterProblem(source);
  if (cp.length > 0) { r.problem = quote(source) + " " + cp + "; " + patternShape(); return r; }
  const s = asciiLower(source);
  if (s.indexOf("://") < 0) {
    r.problem = quote(source) + " has no scheme; " + patternShape();
    if (s.length > 0) r.problem += "; did you mean \"https://" + source + "\"?";
    return r;
  }
  const parts = splitOrigin(s, patternShape());
  if (parts.problem.length > 0) {
    // Messages from splitOrigin quote the lower-cased text; quote what was configured instead.
    r.problem = quote(source) + parts.problem.substring(quote(s).length);
    return r;
  }
  const scheme = parts.scheme;
  if (scheme != "*" && !schemeValid(scheme)) {
    r.problem = quote(source) + " has an invalid scheme (a scheme, or '*' for any); " + patternShape();
    return r;
  }
  const p = new OriginPattern();
  p.source = source;
  p.scheme = scheme;
  const host = parts.host;
  if (host == "*") {
    p.anyHost = true;
  } else if (host.charCodeAt(0) == 0x5b) {
    const pieces = new StaticArray<i32>(8);
    if (!parseIPv6(host, 1, host.length - 1, pieces)) { r.problem = quote(source) + " has an invalid IPv6 address"; return r; }
    p.host = serializeIPv6(pieces);
  } else {
    let exact = host;
    if (host.startsWith("*.")) {
      exact = host.substring(2);
      p.subdomains = true;
    }
    if (exact.indexOf("*") >= 0) {
      r.problem = quote(source) + ": '*' may only be the whole host or a whole leading label (\"*.example.com\"); use allow_origin_regexes for other shapes, e.g. " + quote(regexSuggestion(scheme, host));
      return r;
    }
    const hp = regularHostProblem(exact);
    if (hp.length > 0) { r.problem = quote(source) + " " + hp; return r; }
    if (p.subdomains && labelCount(exact) < 2) {
      r.problem = quote(source) + " puts a wildcard over a single label (\"*." + exact + "\" would match every host under ." + exact + "); \"*.\" must be followed by at least two labels: list the hosts, or use allow_origin_regexes";
      return r;
    }
    p.host = exact;
  }
  if (parts.hasPort) {
    const t = parts.portText;
    if (t == "[*]") {
      p.portRule = PortRule.Any;
    } else if (t == "*") {
      r.problem = quote(source) + " has port '*'; write \":[*]\" for any port";
      return r;
    } else if (t.length >= 2 && t.charCodeAt(0) == 0x5b && t.charCodeAt(t.length - 1) == 0x5d) {
      const inner = t.substring(1, t.length - 1);
      // The comma-separated items, as inner.split(",") gives them (without linking String#split).
      for (let from = 0; ; ) {
        const comma = inner.indexOf(",", from);
        const item = inner.substring(from, comma < 0 ? inner.length : comma);
        const port = parsePort(item);
        if (port < 0) {
          r.problem = quote(source) + " has a bad port " + quote(item) + " in its list; write ports 1-65535 without spaces or leading zeros, e.g. \":[8080,9090]\", or \":[*]\" for any port";
          return r;
        }
        if (!p.ports.includes(<u32>port)) p.ports.push(<u32>port);
        if (comma < 0) break;
        from = comma + 1;
      }
      p.portRule = PortRule.List;
    } else {
      const port = parsePort(t);
      if (port < 0) {
        r.problem = quote(source) + " has a bad port " + quote(t) + "; write a port 1-65535, a list \":[8080,9090]\", or \":[*]\" for any port";
        return r;
      }
      p.ports.push(<u32>port);
      p.portRule = PortRule.List;
    }
    // A list that is exactly the scheme's default port is the same as no port.
    if (p.portRule == PortRule.List && p.ports.length == 1 && <i32>p.ports[0] == defaultPort(scheme)) {
      p.portRule = PortRule.DefaultOnly;
      p.ports = new Array<u32>();
    }
  }
  r.pattern = p;
  r.trailingSlash = parts.trailingSlash;
  return r;
}
