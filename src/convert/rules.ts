// Several scoped entries → one configuration with `_rules_` (docs/config.md "_rules_"), in the order that keeps
// the peer's precedence: the most specific scope first, since our rules are tried in order and the first wins.
import type { OurConfig } from "./types.js";

export interface Scoped {
  config: OurConfig;
  /** Where it came from, for the notes. */
  label: string;
  route?: string[];
  domain?: string[];
  service?: string[];
}

/** `global` with `scoped` as its `_rules_`: entries with a route first (a route's own policy wins over its
 *  virtual host's or domain's: Envoy's cors_filter.cc, Kong's route before service), otherwise in the order given
 *  (the sort is stable). */
export function assemble(global: OurConfig | undefined, scoped: Scoped[]): OurConfig {
  if (scoped.length === 0) return global ?? {};
  const routeFirst = [...scoped].sort((a, b) => (a.route !== undefined ? 0 : 1) - (b.route !== undefined ? 0 : 1));
  const rules = routeFirst.map((s) => {
    const rule: OurConfig = { ...s.config };
    if (s.route !== undefined) rule._match_route_ = s.route;
    if (s.domain !== undefined) rule._match_domain_ = s.domain;
    if (s.service !== undefined) rule._match_service_ = s.service;
    return rule;
  });
  if (global === undefined) return { _rules_: rules };
  const out: OurConfig = { ...global };
  // An object holding only _rules_ has no global configuration (docs/config.md): keep the defaults explicit.
  if (Object.keys(out).every((k) => k.startsWith("_"))) out.allow_origins = ["*"];
  out._rules_ = rules;
  return out;
}
