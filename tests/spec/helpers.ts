// Shared helpers of the spec-clause tests (tests/spec/*.test.ts): every test runs the REAL build/cors.wasm
// (or $CORS_WASM) through the Envoy-faithful host in src/host, a fresh VM per configuration.
// The contract is docs/behaviour.md; docs/spec-coverage.md maps each clause to its test.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ProxyWasmHost } from "../../src/host/index.js";
import type { HeaderInput, HeaderList, HostOptions, LogLine, SimResult } from "../../src/host/index.js";

export const WASM_PATH = process.env.CORS_WASM ?? new URL("../../../build/cors.wasm", import.meta.url).pathname;
let wasmBytes: Uint8Array | null = null;
export function wasm(): Uint8Array {
  if (wasmBytes === null) wasmBytes = readFileSync(WASM_PATH);
  return wasmBytes;
}

export const WARN = 3;
export const ERROR = 4;
export const INFO = 2;

export type Config = string | Record<string, unknown> | unknown[];

function text(config: Config): string {
  return typeof config === "string" ? config : JSON.stringify(config);
}

/** A fresh VM loaded with build/cors.wasm. */
export async function load(options: HostOptions = {}): Promise<ProxyWasmHost> {
  return ProxyWasmHost.load(wasm(), { profile: "envoy", ...options });
}

/** A fresh VM configured with `config`; the configuration must be accepted. */
export async function host(config: Config, options: HostOptions = {}): Promise<ProxyWasmHost> {
  const h = await load(options);
  const ok = h.configure(text(config));
  assert.equal(h.failed, false, `the VM trapped during configure: ${h.failure}`);
  assert.equal(ok, true, `configuration rejected: ${JSON.stringify(errorLines(h.logs))}`);
  return h;
}

export interface ConfigOutcome {
  ok: boolean;
  errors: string[];
  warnings: string[];
  logs: LogLine[];
}

/** Configure a fresh VM and report the verdict with its error / warning lines. */
export async function configure(config: Config, options: HostOptions = {}): Promise<ConfigOutcome> {
  const h = await load(options);
  const ok = h.configure(text(config));
  assert.equal(h.failed, false, `the VM trapped during configure: ${h.failure}`);
  return { ok, errors: errorLines(h.logs), warnings: warnLines(h.logs), logs: [...h.logs] };
}

export function errorLines(logs: LogLine[]): string[] {
  return logs.filter((l) => l.level === ERROR).map((l) => l.message);
}
export function warnLines(logs: LogLine[]): string[] {
  return logs.filter((l) => l.level === WARN).map((l) => l.message);
}

export interface Req {
  method?: string; // default GET
  scheme?: string; // default https
  host?: string; // :authority, default api.example.com
  headers?: Record<string, string | string[]> | HeaderList;
  properties?: Record<string, string>;
}
export interface Up {
  status?: number;
  headers?: HeaderInput;
}

/** One exchange through an already configured VM. */
export function exchange(h: ProxyWasmHost, req: Req, up: Up = {}): SimResult {
  let headers: HeaderList;
  if (Array.isArray(req.headers)) headers = [["host", req.host ?? "api.example.com"], ...req.headers];
  else {
    headers = [["host", req.host ?? "api.example.com"]];
    for (const [n, v] of Object.entries(req.headers ?? {})) {
      if (Array.isArray(v)) for (const x of v) headers.push([n, x]);
      else headers.push([n, v]);
    }
  }
  const r = h.simulate(
    { method: req.method ?? "GET", scheme: req.scheme ?? "https", path: "/", headers, properties: req.properties },
    { status: up.status ?? 200, headers: up.headers ?? {} },
  );
  assert.equal(h.failed, false, `the VM trapped: ${h.failure}`);
  assert.deepEqual(h.errors, [], "host-detected ABI misuse");
  return r;
}

/** Configure a fresh VM with `config` and run one exchange. */
export async function run(config: Config, req: Req, up: Up = {}, options: HostOptions = {}): Promise<SimResult> {
  const h = await host(config, options);
  return exchange(h, req, up);
}

/** The combined field value (lines joined with ", "), or null when absent. */
export function hdr(r: SimResult | HeaderList, name: string): string | null {
  const list = Array.isArray(r) ? r : r.headers;
  const values = list.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  return values.length === 0 ? null : values.join(", ");
}
/** How many field lines of `name`. */
export function lines(r: SimResult | HeaderList, name: string): number {
  const list = Array.isArray(r) ? r : r.headers;
  return list.filter(([n]) => n.toLowerCase() === name.toLowerCase()).length;
}

export const ACAO = "access-control-allow-origin";
export const ACAC = "access-control-allow-credentials";
export const ACAM = "access-control-allow-methods";
export const ACAH = "access-control-allow-headers";
export const ACEH = "access-control-expose-headers";
export const ACMA = "access-control-max-age";
export const ACAPN = "access-control-allow-private-network";
export const TAO = "timing-allow-origin";
export const CORS_RESPONSE_HEADERS = [ACAO, ACAC, ACAM, ACAH, ACEH, ACMA, ACAPN];

export const PREFLIGHT_VARY = ["origin", "access-control-request-method", "access-control-request-headers"];

/** Vary tokens, trimmed, lower-cased, in order. */
export function varyTokens(r: SimResult | HeaderList): string[] {
  const v = hdr(r, "vary");
  if (v === null) return [];
  return v.split(",").map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0);
}

/** A preflight request from `origin` for `method` (and ACRH when given). */
export function preflight(origin: string, method = "PUT", acrh?: string, extra: Record<string, string | string[]> = {}): Req {
  const headers: Record<string, string | string[]> = { origin, "access-control-request-method": method, ...extra };
  if (acrh !== undefined) headers["access-control-request-headers"] = acrh;
  return { method: "OPTIONS", headers };
}
/** An actual request from `origin` (null = no Origin header). */
export function actual(origin: string | null, method = "GET", extra: Record<string, string | string[]> = {}): Req {
  const headers: Record<string, string | string[]> = { ...extra };
  if (origin !== null) headers.origin = origin;
  return { method, headers };
}

/** Asserts that no CORS grant (ACAO…ACAPN) is in the response. */
export function assertNoGrant(r: SimResult, what = ""): void {
  for (const n of CORS_RESPONSE_HEADERS) assert.equal(hdr(r, n), null, `${what}${n} must be absent, got ${JSON.stringify(hdr(r, n))}`);
}

/** Asserts a local 403 `Invalid CORS request` reply that never reached the upstream. */
export function assert403(r: SimResult): void {
  assert.equal(r.reachesUpstream, false, "must not reach the upstream");
  assert.notEqual(r.localReply, undefined, "a local reply expected");
  assert.equal(r.status, 403);
  assert.equal(r.body, "Invalid CORS request");
}

/** Debug decision lines (`decision …`) among `logs`. */
export function decisionLines(logs: LogLine[]): LogLine[] {
  return logs.filter((l) => l.message.startsWith("decision "));
}

export const COUNTERS = ["cors.preflight_allowed", "cors.preflight_rejected", "cors.actual_allowed", "cors.actual_rejected", "cors.not_cors"];
export function counters(h: ProxyWasmHost): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of COUNTERS) out[n] = Number(h.metric(n) ?? -1);
  return out;
}

/** A named table of cases, each turned into its own node:test test. */
export interface Case {
  name: string;
  fn: () => Promise<void> | void;
}
