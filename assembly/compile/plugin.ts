// The whole plugin configuration compiled: the global Policy (or none) and the Higress `_rules_`, each rule
// with its own Policy (spec §5: a rule is parsed alone; it never inherits the global values).

import { PluginConfig } from "../config/types";
import { Policy } from "./policy";
import { compilePolicy } from "./compile";

export class CompiledRule {
  constructor(
    public policy: Policy,
    /** null = that match key is absent. */
    public routes: Array<string> | null,
    public domains: Array<string> | null,
    public services: Array<string> | null,
  ) {}
}

export class CompiledPlugin {
  /** null: the configuration holds only `_rules_` — unmatched requests are not touched (spec §5). */
  global: Policy | null = null;
  rules: Array<CompiledRule> = new Array<CompiledRule>();
}

export function compilePlugin(config: PluginConfig): CompiledPlugin {
  const out = new CompiledPlugin();
  const g = config.global;
  if (g !== null) out.global = compilePolicy(g);
  const rules = config.rules;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    const c = new CompiledRule(compilePolicy(r.config), r.routes, r.domains, r.services);
    // Higress's framework (host-facts.md §6.3): `_match_route_` makes a route rule (AND `_match_service_` when
    // present; a domain beside it is ignored); else `_match_domain_` a domain rule (services ignored);
    // else a service rule.
    if (c.routes !== null) c.domains = null;
    else if (c.domains !== null) c.services = null;
    out.rules.push(c);
  }
  return out;
}
