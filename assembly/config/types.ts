// The typed configuration: what assembly/config produces from JSON and assembly/compile consumes.
// Everything here is already validated and normalised (see ../../docs/ARCHITECTURE.md and the spec §1).

export const enum OnDisallowed { Reject = 0, Strip = 1 }
export const enum Mode { Enforce = 0, ReportOnly = 1 }

/** Ports part of an origin pattern (spec §3): absent = the scheme's default port only. */
export const enum PortRule { DefaultOnly = 0, Any = 1, List = 2 }

/** One parsed `allow_origin_patterns` entry, e.g. `https://*.example.com:[8080,9090]`. */
export class OriginPattern {
  /** The whole entry as configured (for messages and the canonical dump). */
  source: string = "";
  /** `"*"` alone: any origin except `null`. */
  matchesAll: bool = false;
  /** Lower-cased scheme, or `"*"` for any scheme. */
  scheme: string = "";
  /** `*` as the whole host (`https://*:[*]`). */
  anyHost: bool = false;
  /** `*.` prefix: one or more whole labels before `host`. */
  subdomains: bool = false;
  /** Lower-cased host (without the `*.` prefix), at least two labels when `subdomains`. */
  host: string = "";
  portRule: PortRule = PortRule.DefaultOnly;
  ports: Array<u32> = new Array<u32>();
}

export class CorsConfig {
  /** Normalised exact origins (`scheme://host[:port]`, lower-cased, default port dropped); may hold "null". */
  allowOrigins: Array<string> = new Array<string>();
  /** `"*"` was in allow_origins: literal `ACAO: *`, dominates the other entries. */
  allowAnyOriginLiteral: bool = false;
  allowOriginPatterns: Array<OriginPattern> = new Array<OriginPattern>();
  /** Regex sources as configured (compiled by assembly/compile through assembly/regex). */
  allowOriginRegexes: Array<string> = new Array<string>();
  /** Upper-cased tokens, or exactly ["*"]. */
  allowMethods: Array<string> = new Array<string>();
  /** Tokens as configured (compared case-insensitively), or exactly ["*"]. */
  allowHeaders: Array<string> = new Array<string>();
  exposeHeaders: Array<string> = new Array<string>();
  allowCredentials: bool = false;
  /** Seconds, 0..2147483647. */
  maxAge: i32 = 86400;
  allowPrivateNetwork: bool = false;
  /** Normalised origins, or containing "*". */
  timingAllowOrigins: Array<string> = new Array<string>();
  preflightContinue: bool = false;
  preflightStatus: u32 = 200;
  onDisallowed: OnDisallowed = OnDisallowed.Reject;
  rejectActual: bool = false;
  mode: Mode = Mode.Enforce;
  debug: bool = false;
}

/** One Higress `_rules_` entry (spec §5). A null list = that match key is absent. */
export class Rule {
  config: CorsConfig = new CorsConfig();
  routes: Array<string> | null = null;
  domains: Array<string> | null = null;
  services: Array<string> | null = null;
}

export class PluginConfig {
  /** The keys outside `_rules_`; null when the object holds only `_rules_` (and `_`-keys). */
  global: CorsConfig | null = null;
  rules: Array<Rule> = new Array<Rule>();
}

export class ConfigResult {
  config: PluginConfig | null = null;
  /** `key.path[i]: message`, every problem found. Non-empty ⇒ config is null. */
  errors: Array<string> = new Array<string>();
  warnings: Array<string> = new Array<string>();
}
