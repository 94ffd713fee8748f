// Envoy's StringMatcher (envoy.type.matcher.v3.StringMatcher: exact, prefix, suffix, contains, safe_regex;
// ignore_case) and Istio's StringMatch (exact, prefix, regex) → our origin keys. Envoy's cors filter allows every
// origin when a matcher matches the string "*" itself (source/extensions/filters/http/cors/cors_filter.cc
// isOriginAllowed @001cbf1), and always echoes the Origin.
import type { Recorder } from "./table.js";
import { isObject } from "./types.js";
import { escapeRegex, fullMatch, grouped, keyPath, parseOrigin } from "./values.js";

export interface OriginKeys {
  any: boolean;
  exact: string[];
  regexes: string[];
}

function esc(s: string, ignoreCase: boolean): string {
  return escapeRegex(ignoreCase ? s.toLowerCase() : s);
}

/** One matcher → adds to `keys`. `kind` names the difference kinds of the caller's table. */
export function addMatcher(m: unknown, path: string, keys: OriginKeys, rec: Recorder): void {
  if (!isObject(m)) {
    rec.error(path, "must be a string matcher object (exact, prefix, suffix, contains or safe_regex/regex)");
    return;
  }
  const ignoreCase = m.ignore_case === true || m.ignoreCase === true;
  let regex: string | undefined;
  let text: string | undefined;
  let which = "";
  if (typeof m.exact === "string") {
    which = "exact";
    text = m.exact;
  } else if (typeof m.prefix === "string") {
    which = "prefix";
    text = m.prefix;
    regex = `${esc(m.prefix, ignoreCase)}.*`;
  } else if (typeof m.suffix === "string") {
    which = "suffix";
    text = m.suffix;
    regex = `.*${esc(m.suffix, ignoreCase)}`;
  } else if (typeof m.contains === "string") {
    which = "contains";
    text = m.contains;
    regex = `.*${esc(m.contains, ignoreCase)}.*`;
  } else if (isObject(m.safe_regex) || isObject(m.safeRegex) || typeof m.regex === "string") {
    which = "regex";
    const sr = (m.safe_regex ?? m.safeRegex) as Record<string, unknown> | undefined;
    const src = typeof m.regex === "string" ? m.regex : sr !== undefined && typeof sr.regex === "string" ? sr.regex : undefined;
    if (src === undefined) {
      rec.error(keyPath(path, "safe_regex"), "has no regex");
      return;
    }
    text = src;
    regex = grouped(src);
  } else {
    rec.error(path, "has none of exact, prefix, suffix, contains, safe_regex (regex)");
    return;
  }
  // isOriginAllowed: a matcher that matches "*" itself allows every origin.
  const matchesStar =
    which === "exact" ? text === "*" : fullMatch(regex!, "*", ignoreCase);
  if (matchesStar) {
    keys.any = true;
    rec.diff("matches-star", path, { matcher: `${which} ${JSON.stringify(text)}` });
    return;
  }
  if (which === "exact") {
    const o = parseOrigin(text!);
    if (o === null) {
      rec.error(path, `exact ${JSON.stringify(text)} is not an origin (scheme://host[:port]): it never matched a browser's Origin; write the origin, e.g. "https://${text}"`);
      return;
    }
    const normal = `${o.scheme.toLowerCase()}://${o.host.toLowerCase()}${o.port !== null ? `:${o.port}` : ""}`;
    if (!ignoreCase && normal !== text!.replace(/\/$/, "")) rec.diff("exact-case", path, { origin: JSON.stringify(text) });
    keys.exact.push(text!.replace(/\/$/, ""));
    return;
  }
  const ours = ignoreCase ? `(?i)${regex}` : regex!;
  if (which !== "regex") rec.diff("matcher-regex", path, { matcher: `${which} ${JSON.stringify(text)}`, ours: JSON.stringify(ours) });
  if (which === "prefix" && parseOrigin(text!) !== null) rec.diff("prefix-origin", path, { origin: JSON.stringify(text) });
  keys.regexes.push(ours);
}

/** Kinds every StringMatcher-based source (Envoy, Istio, Higress's ingress annotations) shares. */
export const MATCHER_KINDS = {
  "matches-star": {
    peer: "the matcher {matcher} matches the text \"*\", so every origin was allowed and echoed (`null` and malformed values included)",
    ours: 'allow_origins: ["*"] (a literal *), or allow_origin_patterns: ["*"] (the echo) with credentials',
    aspects: ["access-control-allow-origin", "vary"] as const,
  },
  "exact-case": {
    peer: "exact {origin} was compared byte for byte, case included",
    ours: "normalises it (lower-case scheme and host, default port dropped) and compares the request's Origin the same way",
    aspects: ["access-control-allow-origin"] as const,
  },
  "matcher-regex": {
    peer: "{matcher}",
    ours: "allow_origin_regexes entry {ours} (the same strings)",
    aspects: [] as const,
  },
  "prefix-origin": {
    peer: "the prefix {origin} also allowed longer origins (`{origin}.evil.example`, other ports)",
    ours: "keeps that as a regex; list the exact origin in allow_origins if that was not meant",
    aspects: [] as const,
  },
};
