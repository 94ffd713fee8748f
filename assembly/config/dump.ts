// A canonical JSON text of the typed configuration (for tests, `check` and debugging). Key order is fixed;
// strings are JSON-escaped (ASCII output).

import { CorsConfig, Mode, OnDisallowed, OriginPattern, PluginConfig, PortRule, Rule } from "./types";

function jstr(s: string): string {
  // Plain runs are copied with substring: a per-character `+=` would be quadratic on long values.
  const hex = "0123456789abcdef";
  const parts = new Array<string>();
  parts.push("\"");
  let run = 0;
  for (let i = 0, n = s.length; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c != 0x22 && c != 0x5c) continue;
    if (i > run) parts.push(s.substring(run, i));
    if (c == 0x22) parts.push("\\\"");
    else if (c == 0x5c) parts.push("\\\\");
    else parts.push("\\u" + hex.charAt((c >> 12) & 15) + hex.charAt((c >> 8) & 15) + hex.charAt((c >> 4) & 15) + hex.charAt(c & 15));
    run = i + 1;
  }
  if (s.length > run) parts.push(s.substring(run));
  parts.push("\"");
  return parts.join("");
}

function jarr(a: Array<string>): string {
  const parts = new Array<string>(a.length);
  for (let i = 0; i < a.length; i++) parts[i] = jstr(a[i]);
  return "[" + parts.join(",") + "]";
}

function jnullableArr(a: Array<string> | null): string {
  return a === null ? "null" : jarr(a);
}

function jbool(b: bool): string { return b ? "true" : "false"; }

export function dumpPattern(p: OriginPattern): string {
  let ports = "[";
  for (let i = 0; i < p.ports.length; i++) {
    if (i > 0) ports += ",";
    ports += p.ports[i].toString();
  }
  ports += "]";
  const rule = p.portRule == PortRule.DefaultOnly ? "default" : p.portRule == PortRule.Any ? "any" : "list";
  return "{\"source\":" + jstr(p.source) + ",\"matchesAll\":" + jbool(p.matchesAll) + ",\"scheme\":" + jstr(p.scheme) +
    ",\"anyHost\":" + jbool(p.anyHost) + ",\"subdomains\":" + jbool(p.subdomains) + ",\"host\":" + jstr(p.host) +
    ",\"portRule\":" + jstr(rule) + ",\"ports\":" + ports + "}";
}

export function dumpCorsConfig(c: CorsConfig): string {
  const pp = new Array<string>(c.allowOriginPatterns.length);
  for (let i = 0; i < pp.length; i++) pp[i] = dumpPattern(c.allowOriginPatterns[i]);
  const pats = "[" + pp.join(",") + "]";
  return "{" +
    "\"allowOrigins\":" + jarr(c.allowOrigins) +
    ",\"allowAnyOriginLiteral\":" + jbool(c.allowAnyOriginLiteral) +
    ",\"allowOriginPatterns\":" + pats +
    ",\"allowOriginRegexes\":" + jarr(c.allowOriginRegexes) +
    ",\"allowMethods\":" + jarr(c.allowMethods) +
    ",\"allowHeaders\":" + jarr(c.allowHeaders) +
    ",\"exposeHeaders\":" + jarr(c.exposeHeaders) +
    ",\"allowCredentials\":" + jbool(c.allowCredentials) +
    ",\"maxAge\":" + c.maxAge.toString() +
    ",\"allowPrivateNetwork\":" + jbool(c.allowPrivateNetwork) +
    ",\"timingAllowOrigins\":" + jarr(c.timingAllowOrigins) +
    ",\"preflightContinue\":" + jbool(c.preflightContinue) +
    ",\"preflightStatus\":" + c.preflightStatus.toString() +
    ",\"onDisallowed\":" + (c.onDisallowed == OnDisallowed.Strip ? "\"strip\"" : "\"reject\"") +
    ",\"rejectActual\":" + jbool(c.rejectActual) +
    ",\"mode\":" + (c.mode == Mode.ReportOnly ? "\"report_only\"" : "\"enforce\"") +
    ",\"debug\":" + jbool(c.debug) +
    "}";
}

export function dumpRule(r: Rule): string {
  return "{\"routes\":" + jnullableArr(r.routes) + ",\"domains\":" + jnullableArr(r.domains) +
    ",\"services\":" + jnullableArr(r.services) + ",\"config\":" + dumpCorsConfig(r.config) + "}";
}

export function dumpPluginConfig(p: PluginConfig): string {
  const rp = new Array<string>(p.rules.length);
  for (let i = 0; i < rp.length; i++) rp[i] = dumpRule(p.rules[i]);
  const rules = "[" + rp.join(",") + "]";
  const g = p.global;
  return "{\"global\":" + (g === null ? "null" : dumpCorsConfig(g)) + ",\"rules\":" + rules + "}";
}

/** errors / warnings / config as one JSON object. */
export function dumpResultParts(errors: Array<string>, warnings: Array<string>, config: PluginConfig | null): string {
  return "{\"errors\":" + jarr(errors) + ",\"warnings\":" + jarr(warnings) + ",\"config\":" +
    (config === null ? "null" : dumpPluginConfig(config)) + "}";
}
