// Every converted configuration goes through the filter's own proxy_on_configure (the real build/cors.wasm in
// the Envoy-faithful host, src/host), in-process: the same validation `check` does (src/proxy/filter.ts).
import { configureModule } from "../proxy/filter.js";
import type { OurConfig } from "./types.js";

export interface Validation {
  accepted: boolean;
  errors: string[];
  warnings: string[];
}

export async function validateConfig(wasm: Uint8Array, config: OurConfig): Promise<Validation> {
  const { accepted, errors, warnings } = await configureModule(wasm, { config: JSON.stringify(config) });
  return { accepted, errors, warnings };
}
