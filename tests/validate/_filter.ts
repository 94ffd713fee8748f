// The filter's own verdict: build/cors.wasm loaded in our Node proxy-wasm host (src/host), proxy_on_configure.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./_util.js";
import { ProxyWasmHost } from "../../src/host/index.js";

export const WASM = join(ROOT, "build", "cors.wasm");

export interface FilterVerdict { accepted: boolean; errors: string[]; warnings: string[]; trapped: boolean }

let bytes: Uint8Array | undefined;

/** One fresh host per configuration (a rejected configuration must not influence the next one). */
export async function filterVerdict(text: string): Promise<FilterVerdict> {
  if (!bytes) {
    if (!existsSync(WASM)) throw new Error("build/cors.wasm is missing (run `make build`): the filter side cannot run");
    bytes = new Uint8Array(readFileSync(WASM));
  }
  const host = await ProxyWasmHost.load(bytes, {});
  const accepted = host.configure(text);
  return {
    accepted,
    errors: host.logs.filter((l) => l.level >= 4).map((l) => l.message),
    warnings: host.logs.filter((l) => l.level === 3).map((l) => l.message),
    trapped: host.failed,
  };
}
