// The CORS root context: parses, validates and compiles the configuration in proxy_on_configure and swaps
// the compiled plugin whole (jub0bs/cors: "start from scratch" on reconfiguration). A rejected configuration
// keeps the previous one (Envoy rejects the update when proxy_on_configure returns false, host-facts.md §4.3).

import { RootContext, HttpContext, BufferType, LogLevel, getBufferBytes, log } from "../abi";
import { parsePluginConfig } from "../config";
import { CompiledPlugin, compilePlugin } from "../compile/plugin";
import { Counters } from "./metrics";
import { CorsHttp } from "./http";

export class CorsRoot extends RootContext {
  /** null until the first successful configure: requests are then not touched. */
  plugin: CompiledPlugin | null = null;
  counters: Counters | null = null;

  onConfigure(configSize: u32): bool {
    // The plugin configuration buffer is readable only inside proxy_on_configure (host-facts.md §2.3); it may be
    // zero bytes (Istio's empty Any), which means the defaults.
    let bytes: ArrayBuffer | null = null;
    if (configSize > 0) {
      bytes = getBufferBytes(BufferType.PluginConfiguration, 0, configSize);
      if (bytes === null) {
        log(LogLevel.Error, "configuration: the host did not hand over the configuration bytes");
        return false;
      }
    }
    const result = parsePluginConfig(bytes);
    const warnings = result.warnings;
    for (let i = 0; i < warnings.length; i++) log(LogLevel.Warn, warnings[i]);
    const errors = result.errors;
    const config = result.config;
    if (errors.length > 0 || config === null) {
      for (let i = 0; i < errors.length; i++) log(LogLevel.Error, errors[i]);
      return false;
    }
    // counters: defined once per root (spec §8)
    if (this.counters === null) this.counters = new Counters();
    this.plugin = compilePlugin(config);
    return true;
  }

  createHttpContext(id: u32): HttpContext {
    return new CorsHttp(id, this);
  }
}

export function createCorsRoot(id: u32): RootContext {
  return new CorsRoot(id);
}
