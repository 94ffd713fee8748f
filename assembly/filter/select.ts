// Which Policy applies to a request (spec §5): Higress `_rules_` in order, first match wins; no match →
// the global policy; no global → none (the filter then does nothing). Properties are read only when a rule
// needs them, and at most once per request (the RequestView caches them).

import { CompiledPlugin } from "../compile/plugin";
import { Policy } from "../compile/policy";
import { RequestView } from "./request";
import { hostWithoutPort, domainMatches, serviceMatches, routeMatches } from "../rules";

export function selectPolicy(plugin: CompiledPlugin, req: RequestView): Policy | null {
  const rules = plugin.rules;
  let host: string | null = null;
  let hostRead = false;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    const routes = r.routes;
    const domains = r.domains;
    const services = r.services;
    if (routes !== null) {
      // route rule (AND service when both are given)
      const name = req.routeName();
      if (name === null || !routeMatches(routes, name)) continue;
      if (services !== null && !anyService(services, req)) continue;
      return r.policy;
    }
    if (domains !== null) {
      // domain rule: :authority without its port (IPv6 aware), case-insensitive
      if (!hostRead) {
        hostRead = true;
        const a = req.authority();
        host = a === null ? null : hostWithoutPort(a);
      }
      if (host === null) continue;
      for (let k = 0; k < domains.length; k++) if (domainMatches(domains[k], host)) return r.policy;
      continue;
    }
    if (services !== null && anyService(services, req)) return r.policy;
  }
  return plugin.global;
}

function anyService(services: Array<string>, req: RequestView): bool {
  const cluster = req.clusterName();
  if (cluster === null) return false;
  for (let k = 0; k < services.length; k++) if (serviceMatches(services[k], cluster)) return true;
  return false;
}
