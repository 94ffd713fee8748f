// The CORS root context: parses, validates and compiles the configuration in proxy_on_configure and swaps
// the compiled plugin whole (jub0bs/cors: "start from scratch" on reconfiguration). A rejected configuration
// keeps the previous one (Envoy rejects the update when proxy_on_configure returns false, host-facts.md §4.3).

import { RootContext, HttpContext, BufferType, LogLevel, getBufferBytes, log } from "../abi";
import { compileConfiguration } from "../compile/configure";
import { Counters } from "./metrics";
import { Active } from "./active";
import { CorsHttp } from "./http";

export class CorsRoot extends RootContext {
  /** The plugin in force and the counters, shared with every stream of this root. */
  readonly active: Active = new Active();

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
    const configured = compileConfiguration(bytes);
    const warnings = configured.warnings;
    for (let i = 0; i < warnings.length; i++) log(LogLevel.Warn, warnings[i]);
    const plugin = configured.plugin;
    if (plugin === null) {
      const errors = configured.errors;
      for (let i = 0; i < errors.length; i++) log(LogLevel.Error, errors[i]);
      return false;
    }
    const active = this.active;
    // counters: defined once per root (spec §8)
    if (active.counters === null) active.counters = new Counters();
    active.plugin = plugin;
    return true;
  }

  createHttpContext(id: u32): HttpContext {
    return new CorsHttp(id, this, this.active);
  }
}

export function createCorsRoot(id: u32): RootContext {
  return new CorsRoot(id);
}
