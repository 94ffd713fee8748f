// Every converted configuration goes through the filter's own proxy_on_configure (the real build/cors.wasm in
// the Envoy-faithful host, src/host), in-process: the same validation `check` does.
import { ProxyWasmHost } from "../host/index.js";
import type { OurConfig } from "./types.js";

export interface Validation {
  accepted: boolean;
  errors: string[];
  warnings: string[];
}

const LEVEL_WARN = 3;
const LEVEL_ERROR = 4;

export async function validateConfig(wasm: Uint8Array, config: OurConfig): Promise<Validation> {
  const host = await ProxyWasmHost.load(wasm, { profile: "envoy", legacyProperties: true });
  const accepted = host.configure(JSON.stringify(config));
  const errors = host.logs.filter((l) => l.level >= LEVEL_ERROR).map((l) => l.message);
  const warnings = host.logs.filter((l) => l.level === LEVEL_WARN).map((l) => l.message);
  if (host.failed) errors.push(`the filter trapped: ${String(host.failure)}`);
  return { accepted: accepted && !host.failed, errors, warnings };
}
