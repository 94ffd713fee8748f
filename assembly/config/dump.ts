// A canonical JSON text of the typed configuration (for tests, `check` and debugging). Key order is fixed;
// strings are JSON-escaped (ASCII output).

import { CorsConfig, Mode, OnDisallowed, OriginPattern, PluginConfig, PortRule, Rule } from "./types";

function jstr(s: string): string {
  const hex = "0123456789abcdef";
  let out = "\"";
  for (let i = 0, n = s.length; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22) out += "\\\"";
    else if (c == 0x5c) out += "\\\\";
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += "\\u" + hex.charAt((c >> 12) & 15) + hex.charAt((c >> 8) & 15) + hex.charAt((c >> 4) & 15) + hex.charAt(c & 15);
  }
  return out + "\"";
}

function jarr(a: Array<string>): string {
  let out = "[";
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out += ",";
    out += jstr(a[i]);
  }
  return out + "]";
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
  let pats = "[";
  for (let i = 0; i < c.allowOriginPatterns.length; i++) {
    if (i > 0) pats += ",";
    pats += dumpPattern(c.allowOriginPatterns[i]);
  }
  pats += "]";
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
  let rules = "[";
  for (let i = 0; i < p.rules.length; i++) {
    if (i > 0) rules += ",";
    rules += dumpRule(p.rules[i]);
  }
  rules += "]";
  const g = p.global;
  return "{\"global\":" + (g === null ? "null" : dumpCorsConfig(g)) + ",\"rules\":" + rules + "}";
}

/** errors / warnings / config as one JSON object. */
export function dumpResultParts(errors: Array<string>, warnings: Array<string>, config: PluginConfig | null): string {
  return "{\"errors\":" + jarr(errors) + ",\"warnings\":" + jarr(warnings) + ",\"config\":" +
    (config === null ? "null" : dumpPluginConfig(config)) + "}";
}
