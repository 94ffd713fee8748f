// Higress `_rules_` (spec §5, host-facts.md §6.2–6.3): each entry = a configuration of its own (parsed alone, with
// defaults — no merging with the global keys) plus match keys. Kind, as Higress's framework decides it:
// `_match_route_` → route rule (AND `_match_service_` when present; a `_match_domain_` beside it is ignored);
// else `_match_domain_` → domain rule (a `_match_service_` beside it is ignored); else `_match_service_`.
// Ignored match keys are set to null in the Rule (and warned about), so a matcher can AND every non-null list.

import { JsonKind, JsonValue } from "../json/value";
import { Rule } from "./types";
import { Diagnostics, indexPath, quote } from "./messages";
import { parseCorsObject } from "./cors";
import { describeValue } from "./values";

/** A match key's value: a non-empty array of non-empty strings, or null (reported). */
function readMatchList(v: JsonValue, path: string, diag: Diagnostics): Array<string> | null {
  if (v.kind != JsonKind.Array || v.items.length == 0) {
    diag.error(path, "must be a non-empty array of non-empty strings, got " + (v.kind == JsonKind.Array ? "[]" : describeValue(v)));
    return null;
  }
  const out = new Array<string>();
  let ok = true;
  for (let i = 0; i < v.items.length; i++) {
    const item = v.items[i];
    if (item.kind != JsonKind.String) {
      diag.error(indexPath(path, i), "must be a string, got " + describeValue(item));
      ok = false;
    } else if (item.str.length == 0) {
      diag.error(indexPath(path, i), "is an empty string; remove it");
      ok = false;
    } else {
      out.push(item.str);
    }
  }
  return ok ? out : null;
}

function checkDuplicateKey(obj: JsonValue, key: string, path: string, diag: Diagnostics): void {
  if (obj.countKey(key) > 1) diag.error(path, "appears more than once in the same object; keep one");
}

export function parseRules(v: JsonValue, diag: Diagnostics): Array<Rule> {
  const rules = new Array<Rule>();
  if (v.kind != JsonKind.Array) {
    diag.error("_rules_", "must be an array of rule objects, got " + describeValue(v));
    return rules;
  }
  for (let i = 0; i < v.items.length; i++) {
    const item = v.items[i];
    const at = indexPath("_rules_", i);
    if (item.kind != JsonKind.Object) {
      diag.error(at, "must be an object (a configuration plus _match_route_, _match_domain_ or _match_service_), got " + describeValue(item));
      continue;
    }
    const prefix = at + ".";
    checkDuplicateKey(item, "_match_route_", prefix + "_match_route_", diag);
    checkDuplicateKey(item, "_match_domain_", prefix + "_match_domain_", diag);
    checkDuplicateKey(item, "_match_service_", prefix + "_match_service_", diag);
    if (item.get("_rules_") !== null) diag.error(prefix + "_rules_", "rules cannot be nested; put every rule in the top-level _rules_");

    const routeV = item.get("_match_route_");
    const domainV = item.get("_match_domain_");
    const serviceV = item.get("_match_service_");
    const rule = new Rule();
    let routes: Array<string> | null = null;
    let domains: Array<string> | null = null;
    let services: Array<string> | null = null;
    if (routeV !== null) routes = readMatchList(routeV, prefix + "_match_route_", diag);
    if (domainV !== null) domains = readMatchList(domainV, prefix + "_match_domain_", diag);
    if (serviceV !== null) services = readMatchList(serviceV, prefix + "_match_service_", diag);
    if (routeV === null && domainV === null && serviceV === null) {
      diag.error(at, "has no match key: add _match_route_, _match_domain_ or _match_service_ (Higress matchRules: ingress, domain or service)");
    }
    if (domains !== null) {
      const d = domains;
      for (let k = 0; k < d.length; k++) {
        const e = d[k];
        if (e.charCodeAt(0) != 0x5b /* [ */ && e.indexOf(":") >= 0) {
          diag.warn(indexPath(prefix + "_match_domain_", k), quote(e) + " contains ':'; domains are compared with the request's host without its port, so this entry never matches: remove the port");
        }
        if (e == "*") {
          diag.warn(indexPath(prefix + "_match_domain_", k), "\"*\" is a plain suffix match of nothing: it matches every host");
        } else if (e.charCodeAt(0) == 0x2a && e.charCodeAt(1) != 0x2e) {
          diag.warn(indexPath(prefix + "_match_domain_", k), quote(e) + " is a plain suffix match: it also matches hosts such as " + quote("evil" + e.substring(1)) + "; write " + quote("*." + e.substring(1)) + " for subdomains");
        }
      }
    }
    if (routeV !== null) {
      rule.routes = routes;
      rule.services = services;
      if (domainV !== null) diag.warn(prefix + "_match_domain_", "is ignored beside _match_route_ (a rule with a route matches by route, and by service when given)");
    } else if (domainV !== null) {
      rule.domains = domains;
      if (serviceV !== null) diag.warn(prefix + "_match_service_", "is ignored beside _match_domain_ (a rule with a domain and no route matches by domain only)");
    } else {
      rule.services = services;
    }
    rule.config = parseCorsObject(item, prefix, diag);
    rules.push(rule);
  }
  return rules;
}
