// Value translations several sources share: comma lists, durations, origins, wildcards and regexes.
import type { Obj } from "./types.js";

/** `"GET, POST,,PUT "` → `["GET","POST","PUT"]` (APISIX, ingress-nginx, Envoy and Kong's old form all write lists so). */
export function commaList(s: string): string[] {
  return s.split(",").map((x) => x.trim()).filter((x) => x !== "");
}

/** Escape every regex metacharacter (our engine takes any escaped ASCII punctuation as itself, docs/regex.md). */
export function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

const GO_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, "μs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/**
 * Go's time.ParseDuration, in seconds ("12h", "1h30m", "1.5h", "300ms", "0"); null when Go would refuse it.
 * KrakenD reads max_age with it (krakend-cors cors.go ConfigGetter); protobuf Durations ("86400s") are a subset.
 */
export function goDurationSeconds(text: string): number | null {
  let s = text.trim();
  if (s === "0" || s === "+0" || s === "-0") return 0;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  if (s === "") return null;
  let total = 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (s !== "") {
    const m = re.exec(s);
    if (m === null) return null;
    total += Number(m[1]) * GO_UNITS[m[2]];
    s = s.slice(m[0].length);
  }
  return sign * total;
}

export interface ParsedOrigin {
  scheme: string;
  host: string;
  port: string | null;
}

/** `scheme://host[:port]` with an optional lone trailing `/` (what our allow_origins accepts, docs/config.md). */
export function parseOrigin(s: string): ParsedOrigin | null {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?\/?$/.exec(s);
  if (m === null) return null;
  return { scheme: m[1], host: m[2], port: m[3] ?? null };
}

export function isOrigin(s: string): boolean {
  return parseOrigin(s) !== null;
}

/**
 * An origin with one `*` (rs/cors and ingress-nginx wildcards): the pattern form when `*` is a whole leading label
 * of a host of at least two labels (`https://*.example.com[:port]`, docs/config.md "Patterns"), else null.
 */
export function wildcardAsPattern(s: string): string | null {
  const m = /^([a-z][a-z0-9+.-]*):\/\/\*\.([a-z0-9_-]+(?:\.[a-z0-9_-]+)+)(?::(\d{1,5}))?$/.exec(s.toLowerCase());
  if (m === null) return null;
  return `${m[1]}://*.${m[2]}${m[3] !== undefined ? `:${m[3]}` : ""}`;
}

/** Does a JS regex (an RE2-compatible source) fully match `subject`? Used to ask "does Envoy's matcher match '*'". */
export function fullMatch(source: string, subject: string, ignoreCase = false): boolean {
  try {
    return new RegExp(`^(?:${source})$`, ignoreCase ? "i" : "").test(subject);
  } catch {
    return false;
  }
}

/**
 * Where a regex has a top-level `|` (outside groups and classes). Kong appends `$` to the whole text, so only its
 * last alternative is anchored at the end (kong/plugins/cors/handler.lua configure_origin).
 */
export function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      if (source[i + 1] === "]") i++;
      else if (source[i + 1] === "^" && source[i + 2] === "]") i += 2;
    } else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) return true;
  }
  return false;
}

/** Strip one leading `^` and one trailing unescaped `$`; report which were there. */
export function stripAnchors(source: string): { body: string; start: boolean; end: boolean } {
  let body = source;
  const start = body.startsWith("^");
  if (start) body = body.slice(1);
  let end = false;
  if (body.endsWith("$")) {
    let backslashes = 0;
    for (let i = body.length - 2; i >= 0 && body[i] === "\\"; i--) backslashes++;
    if (backslashes % 2 === 0) {
      end = true;
      body = body.slice(0, -1);
    }
  }
  return { body, start, end };
}

/** Wrap an alternation in a group so that anchoring applies to every branch. */
export function grouped(source: string): string {
  return hasTopLevelAlternation(source) ? `(?:${source})` : source;
}

/** A path segment for a key: `.key`, or `["key.with.dots"]` when it is not a plain identifier. */
export function keyPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  const seg = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
  if (base === "") return /^[A-Za-z_]/.test(seg) ? seg : `[${seg}]`;
  return /^[A-Za-z_]/.test(seg) ? `${base}.${seg}` : `${base}[${seg}]`;
}

/** Sets the origin keys of `out` from what a source listed: `allow_origins` (also when nothing was listed: an empty
 *  list allows no origin), then the patterns and the regexes, each only when it has entries. */
export function putOrigins(out: Obj, exact: string[], regexes: string[], patterns: string[] = []): void {
  if (exact.length > 0 || (patterns.length === 0 && regexes.length === 0)) out.allow_origins = exact;
  if (patterns.length > 0) out.allow_origin_patterns = patterns;
  if (regexes.length > 0) out.allow_origin_regexes = regexes;
}
