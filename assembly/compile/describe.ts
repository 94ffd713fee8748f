// A canonical, deterministic text dump of a compiled Policy (sorted sets, one `key: value` per line), for
// golden tests of the compiler and for humans (jub0bs/cors checks its compiled form the same way).

import { Policy, VARY_ORIGIN, VARY_PREFLIGHT } from "./policy";
import { OriginPattern, PortRule } from "../config/types";
import { asciiLower } from "../ascii";

export function describePolicy(p: Policy): string {
  const lines = new Array<string>();
  lines.push("origins.any_literal: " + yesNo(p.anyOriginLiteral));
  lines.push("origins.null: " + yesNo(p.allowNull));
  lines.push("origins.exact: " + list(sorted(p.exactOrigins.names.slice(0))));
  const pats = new Array<string>();
  if (p.patterns.matchesAll) pats.push("*");
  const leaves = p.patterns.leaves;
  for (let i = 0; i < leaves.length; i++) pats.push(canonicalPattern(leaves[i].pattern));
  lines.push("origins.patterns: " + list(sorted(pats)));
  lines.push("origins.regexes: " + list(p.regexSources)); // order kept: first hit wins
  lines.push("methods: " + (p.anyMethod ? "*" : list(sorted(p.methods.names.slice(0)))));
  lines.push("headers: " + (p.anyHeader ? "*" : list(sorted(p.headers.names.slice(0)))));
  lines.push("credentials: " + yesNo(p.credentials));
  lines.push("private_network: " + yesNo(p.privateNetwork));
  lines.push("timing: " + (p.timingAll ? "*" : list(sorted(p.timingOrigins.names.slice(0)))));
  lines.push("preflight: " + (p.preflightContinue ? "continue" : "local " + p.preflightStatus.toString()));
  lines.push("on_disallowed: " + (p.forbidRejectedPreflight ? "reject" : "strip"));
  lines.push("reject_actual: " + yesNo(p.forbidRejectedActual));
  lines.push("mode: " + (p.reportOnly ? "report_only" : "enforce"));
  lines.push("debug: " + yesNo(p.debug));
  lines.push("ACAO: " + (p.anyOriginLiteral ? "*" : "<origin>"));
  lines.push("ACAC: " + (p.credentials ? "true" : "-"));
  lines.push("ACAM: " + (p.anyMethod ? "<acrm>" : p.acam));
  lines.push("ACAH: " + (p.anyHeader ? "<acrh>" : p.acah));
  lines.push("ACEH: " + (p.aceh.length > 0 ? p.aceh : "-"));
  lines.push("ACMA: " + p.acma);
  lines.push("vary.actual: " + (p.varyOnOrigin ? VARY_ORIGIN : "-"));
  lines.push("vary.preflight: " + VARY_PREFLIGHT);
  return lines.join("\n") + "\n";
}

function yesNo(b: bool): string { return b ? "true" : "false"; }

function sorted(a: Array<string>): Array<string> {
  a.sort((x: string, y: string): i32 => x < y ? -1 : x > y ? 1 : 0);
  return a;
}

function list(a: Array<string>): string {
  let s = "[";
  for (let i = 0; i < a.length; i++) s += (i > 0 ? ", " : "") + "\"" + a[i] + "\"";
  return s + "]";
}

/** The canonical text of a pattern: `*`, or `scheme://host`, `scheme://*.host`, `scheme://*`, then `:[*]`
 *  for any port, `:[p1,p2]` (sorted, unique) for a list, nothing for the default port. */
export function canonicalPattern(p: OriginPattern): string {
  if (p.matchesAll) return "*";
  let s = p.scheme + "://" + (p.anyHost ? "*" : (p.subdomains ? "*." : "") + asciiLower(p.host)); // hosts are validated ASCII
  if (p.portRule == PortRule.Any) s += ":[*]";
  else if (p.portRule == PortRule.List) {
    const ports = p.ports.slice(0);
    ports.sort((a: u32, b: u32): i32 => <i32>(a > b) - <i32>(a < b));
    let list = "";
    for (let i = 0; i < ports.length; i++) {
      if (i > 0 && ports[i] == ports[i - 1]) continue;
      list += (list.length > 0 ? "," : "") + ports[i].toString();
    }
    s += ":[" + list + "]";
  }
  return s;
}
