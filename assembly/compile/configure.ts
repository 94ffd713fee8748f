// The configure-time pipeline in one call (spec §1, §5): the bytes handed to proxy_on_configure → the validated
// configuration (assembly/config) → the compiled plugin, or the problems that reject it. The filter's root context
// calls this and nothing of assembly/config (docs/ARCHITECTURE.md "Layers").

import { parsePluginConfig } from "../config";
import { CompiledPlugin, compilePlugin } from "./plugin";

export class Configured {
  /** The compiled plugin; null when the configuration is rejected (then `errors` says why). */
  plugin: CompiledPlugin | null = null;
  /** `key.path[i]: message` lines. */
  errors: Array<string> = new Array<string>();
  warnings: Array<string> = new Array<string>();
}

/** Parses, validates and compiles a plugin configuration (null or zero bytes: the defaults). */
export function compileConfiguration(json: ArrayBuffer | null): Configured {
  const out = new Configured();
  const result = parsePluginConfig(json);
  out.errors = result.errors;
  out.warnings = result.warnings;
  const config = result.config;
  if (result.errors.length == 0 && config !== null) out.plugin = compilePlugin(config);
  return out;
}
