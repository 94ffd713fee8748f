// Shared helpers for the host tests: fixture loading and log queries.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ProxyWasmHost, type HostOptions } from "../../src/host/index.js";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const cache = new Map<string, Uint8Array>();

/** build/fixtures/NAME.wasm (built by `make fixtures` / tests/fixtures/build.mjs). */
export function fixture(name: string): Uint8Array {
  let b = cache.get(name);
  if (!b) {
    const path = `${ROOT}build/fixtures/${name}.wasm`;
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`make fixtures\``);
    b = readFileSync(path);
    cache.set(name, b);
  }
  return b;
}

export async function load(name: string, options: HostOptions = {}): Promise<ProxyWasmHost> {
  return ProxyWasmHost.load(fixture(name), options);
}

/** The probe, configured with `script` (and `vmScript` as the VM configuration). */
export async function probe(script: string, options: HostOptions = {}): Promise<ProxyWasmHost> {
  const host = await load("probe", options);
  const ok = host.configure(script);
  if (!ok) throw new Error(`probe configuration rejected: ${script}`);
  return host;
}

/** The probe's result lines for one op, e.g. results(host, "request get req origin") → ["0 a,b"]. */
export function results(host: ProxyWasmHost, prefix: string): string[] {
  const p = prefix + " -> ";
  return host.logs.filter((l) => l.message.startsWith(p)).map((l) => l.message.slice(p.length));
}

/** The single result of an op (asserts there is exactly one). */
export function result(host: ProxyWasmHost, prefix: string): string {
  const r = results(host, prefix);
  if (r.length !== 1) throw new Error(`expected one "${prefix}" result, got ${JSON.stringify(r)}\n${messages(host).join("\n")}`);
  return r[0];
}

/** Callback trace lines ("cb proxy_on_… args"). */
export function callbacks(host: ProxyWasmHost): string[] {
  return host.logs.filter((l) => l.message.startsWith("cb ")).map((l) => l.message.slice(3));
}

export function messages(host: ProxyWasmHost): string[] {
  return host.logs.map((l) => l.message);
}

export async function loadError(name: string, options: HostOptions = {}): Promise<string> {
  try {
    await load(name, options);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${name} loaded under ${options.profile ?? "envoy"} but should not`);
}

export const GET = { method: "GET", scheme: "http", path: "/", headers: { host: "api.example.com" } };
