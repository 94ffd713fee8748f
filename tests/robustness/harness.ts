// Shared pieces of the robustness tests (docs/robustness.md): a seeded PRNG, the real build/cors.wasm
// through src/host, the invariants every exchange must keep, and byte-string generators.
//
// Reproducing a failure: every failure message names ROBUST_SEED=<seed> and the case index; run
//   ROBUST_SEED=<seed> ROBUST_CASE=<index> node --test dist/tests/robustness/<file>.test.js
// to replay that one case (the case's own PRNG is derived from the seed and the index only).

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ProxyWasmHost, Stream, HeaderMap, INLINE_RESPONSE_HEADERS, type HeaderList, type HostOptions } from "../../src/host/index.js";
import { localReplyMap } from "../../src/host/local-reply.js";
import type { PendingLocalReply } from "../../src/host/context.js";
import { Rng } from "../cases/prng.js";

export { Rng };

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The module under test: build/cors.wasm (CORS_WASM overrides it, as in tests/deploy). */
export const WASM_PATH = process.env.CORS_WASM ?? `${ROOT}build/cors.wasm`;

let wasmBytes: Uint8Array | null = null;
export function wasm(): Uint8Array {
  if (wasmBytes === null) wasmBytes = readFileSync(WASM_PATH);
  return wasmBytes;
}

/** Base seed: ROBUST_SEED (decimal or 0x hex) or the fixed default, so runs are reproducible. */
export const SEED: number = (() => {
  const s = process.env.ROBUST_SEED;
  if (s === undefined || s === "") return 0x5eed2026;
  const n = s.startsWith("0x") ? parseInt(s.slice(2), 16) : Number(s);
  if (!Number.isFinite(n)) throw new Error(`ROBUST_SEED=${s} is not a number`);
  return n >>> 0;
})();

/** ROBUST_CASE: replay only this case index (every generated loop honours it through `cases`). */
export const ONLY_CASE: number | null = process.env.ROBUST_CASE ? Number(process.env.ROBUST_CASE) : null;

/** Multiplies every case count (ROBUST_SCALE=10 for a long local run). */
export const SCALE: number = Number(process.env.ROBUST_SCALE ?? 1);

/** Case indices 0..n-1 (scaled), or only ROBUST_CASE. */
export function cases(n: number): number[] {
  if (ONLY_CASE !== null) return ONLY_CASE < Math.round(n * SCALE) ? [ONLY_CASE] : [];
  const out: number[] = [];
  for (let i = 0; i < Math.round(n * SCALE); i++) out.push(i);
  return out;
}

/** The hint appended to every failure message. */
export function repro(stream: string, i: number): string {
  return `[reproduce: ROBUST_SEED=0x${SEED.toString(16)} ROBUST_CASE=${i} (generator "${stream}")]`;
}

/** The PRNG of case `i` of generator `stream` under the base seed (ROBUST_SEED). */
export function caseRng(stream: string, i: number): Rng {
  return Rng.derive(SEED, stream, i);
}

/** Bytes that break parsers: separators, controls (CR, LF, NUL), non-ASCII, and origin syntax. */
export const NASTY = ",;: \t\r\n\0\x01\x0b\x0c\x1f\x7f\x80\xa0\xff\"'\\/[]@?#%*.=-_+aAzZ09";

/** One header value: random bytes, nasty bytes, a pool value, or a mutation of one. */
export function fuzzValue(r: Rng, pool: readonly string[]): string {
  switch (r.int(10)) {
    case 0:
    case 1:
    case 2:
      return r.pick(pool);
    case 3:
      return r.bytes(r.len(40));
    case 4:
      return r.from(NASTY, r.len(60));
    case 5:
      return mutate(r, r.pick(pool));
    case 6:
      return r.pick(pool) + r.pick([",", ", ", " , ", ",,", "\t,"]) + r.pick(pool);
    case 7:
      return "";
    case 8:
      return mutate(r, mutate(r, r.pick(pool)));
    default:
      return r.bytes(r.len(3000));
  }
}

/** Inserts, replaces, deletes or duplicates a few bytes of `s`. */
export function mutate(r: Rng, s: string): string {
  const n = r.range(1, 3);
  for (let k = 0; k < n; k++) {
    const at = r.int(s.length + 1);
    const ch = r.chance(0.5) ? NASTY[r.int(NASTY.length)] : String.fromCharCode(r.int(256));
    switch (r.int(5)) {
      case 0: s = s.slice(0, at) + ch + s.slice(at); break;
      case 1: s = s.slice(0, at) + ch + s.slice(at + 1); break;
      case 2: s = s.slice(0, at) + s.slice(at + 1); break;
      case 3: s = s.toUpperCase(); break;
      default: s = s.slice(0, at) + s.slice(at, at + 8) + s.slice(at); break;
    }
  }
  return s;
}

export { originOfLength, acrhOf } from "../cases/values.js";

// ---------------------------------------------------------------------------------------------------------
// The host

/** Log lines of the filter that hold CR, LF or NUL (a forged log line); checked by `violations`. */
export const badLogLines: string[] = [];

export async function loadHost(config: string | Uint8Array | null, options: HostOptions = {}): Promise<ProxyWasmHost> {
  const host = await ProxyWasmHost.load(wasm(), {
    maxLogs: 2000,
    ...options,
    logger: (level, message, prefix) => {
      if (!message.startsWith("host: ") && hasCrLfNul(message)) badLogLines.push(message);
      options.logger?.(level, message, prefix);
    },
  });
  if (config !== null && !host.configure(config)) {
    throw new Error(`configuration rejected: ${typeof config === "string" ? config.slice(0, 300) : `${config.length} bytes`}\n` +
      host.logs.map((l) => `  [${l.level}] ${l.message}`).join("\n"));
  }
  return host;
}

export function pages(host: ProxyWasmHost): number {
  return (host.exports.memory as WebAssembly.Memory).buffer.byteLength / 65536;
}

// The local reply as the filter asked for it, BEFORE its own proxy_on_response_headers ran on it: the host
// builds the map with localReplyMap(pending) and then runs the callback (Stream.sendLocalViaFilterChain), so
// wrapping that method lets the tests compare before/after (spec §4: the callback must change nothing).
let localBefore: HeaderList | null = null;
{
  const proto = Stream.prototype as unknown as Record<string, unknown> & { __robustnessPatched?: boolean };
  if (!proto.__robustnessPatched) {
    const orig = proto.sendLocalViaFilterChain;
    if (typeof orig !== "function") {
      throw new Error("tests/robustness: src/host Stream has no sendLocalViaFilterChain any more; update harness.ts");
    }
    proto.sendLocalViaFilterChain = function (this: Stream, p: PendingLocalReply) {
      localBefore = localReplyMap(p).list(false);
      return (orig as (p: PendingLocalReply) => unknown).call(this, p);
    };
    proto.__robustnessPatched = true;
  }
}

export interface Exchange {
  request: HeaderList;
  /** Per-stream properties (xds.route_name, xds.cluster_name). */
  properties?: Record<string, string>;
  upstream: HeaderList; // with ":status"
}

export interface ExchangeResult {
  /** What the filter saw: the request map as the host built it (joined inline headers, trimmed values). */
  seen: HeaderMap;
  kind: "continue" | "local" | "stop";
  /** Client-visible headers (no pseudo-headers). */
  headers: HeaderList;
  status: number;
  /** Local reply: the headers before the filter's response callback ran on it. */
  localBefore?: HeaderList;
  /** Forwarded request headers. */
  forwarded?: HeaderList;
  /** The upstream response as the host built it (trimmed), without pseudo-headers. */
  upstreamSeen?: HeaderList;
  body?: string;
}

export function runExchange(host: ProxyWasmHost, ex: Exchange): ExchangeResult {
  const seen = HeaderMap.fromWire(ex.request);
  const stream = host.newStream(ex.properties ? { properties: ex.properties } : undefined);
  try {
    localBefore = null;
    const out = stream.requestHeaders(ex.request, true);
    if (out.kind === "local") {
      const before = localBefore ?? undefined;
      localBefore = null;
      return { seen, kind: "local", headers: out.headers, status: out.status, localBefore: before, body: out.body };
    }
    if (out.kind === "stop") return { seen, kind: "stop", headers: [], status: 0, forwarded: out.headers };
    const upMap = HeaderMap.fromWire(ex.upstream, INLINE_RESPONSE_HEADERS);
    const resp = stream.responseHeaders(ex.upstream, false);
    if (resp.localReply) {
      return { seen, kind: "local", headers: resp.localReply.headers, status: resp.status, body: resp.localReply.body, forwarded: out.headers };
    }
    return {
      seen,
      kind: "continue",
      headers: resp.headers.filter(([n]) => !n.startsWith(":")),
      status: resp.status,
      forwarded: out.headers,
      upstreamSeen: upMap.list(false),
    };
  } finally {
    stream.finish();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Invariants (spec §2–§4, §6)

/** RFC 9110 §5.6.2 tchar. */
export function isTchar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c));
}
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTchar(s.charCodeAt(i))) return false;
  return true;
}

const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
/** Spec §3, written independently of the filter: scheme "://" host [":" port], ≤ 2048 bytes, or "null". */
export function isSyntacticOrigin(v: string): boolean {
  if (v === "null") return true;
  if (v.length > 2048) return false;
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(\[[^\]]*\]|[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?)(?::([1-9][0-9]{0,4}))?$/.exec(v);
  if (m === null) return false;
  if (m[1].startsWith("[") && !IPV6.test(m[1])) return false;
  if (m[2] !== undefined && Number(m[2]) > 65535) return false;
  return true;
}

/** CR, LF or NUL anywhere. */
export function hasCrLfNul(s: string): boolean {
  return /[\r\n\0]/.test(s);
}

export interface PolicyFacts {
  /** Some policy of the configuration has "*" in allow_origins (literal ACAO "*"). */
  mayStar: boolean;
  /** Every policy is report_only: nothing may change. */
  reportOnly: boolean;
  /** Some requests may match no policy (`_rules_` without global keys): the filter then changes nothing. */
  mayHaveNoPolicy?: boolean;
}

/** The CORS headers the filter owns on every response of a request its policy applies to (spec §4). */
const CORS_NAMES = [
  "access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-methods",
  "access-control-allow-headers", "access-control-expose-headers", "access-control-max-age",
  "access-control-allow-private-network",
];

function multiset(list: HeaderList): Map<string, number> {
  const m = new Map<string, number>();
  for (const [n, v] of list) {
    const k = `${n}\0${v}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** Lines of `after` not in `before` (as a multiset): what the filter added or changed. */
export function addedLines(before: HeaderList, after: HeaderList): HeaderList {
  const m = multiset(before);
  const out: HeaderList = [];
  for (const [n, v] of after) {
    const k = `${n}\0${v}`;
    const c = m.get(k) ?? 0;
    if (c > 0) m.set(k, c - 1);
    else out.push([n, v]);
  }
  return out;
}

const show = (s: string | null | undefined): string => (s == null ? String(s) : JSON.stringify(s.length > 300 ? s.slice(0, 300) + `…(${s.length})` : s));

/**
 * Every invariant of one exchange. Returns the list of violations (empty = fine).
 */
export function violations(host: ProxyWasmHost, ex: Exchange, res: ExchangeResult, facts: PolicyFacts): string[] {
  const v: string[] = [];
  if (host.failed) v.push(`VM trapped: ${host.failure}`);
  if (host.errors.length > 0) v.push(`host recorded errors: ${host.errors.join("; ")}`);
  if (badLogLines.length > 0) v.push(`log lines with CR/LF/NUL (log forging): ${badLogLines.splice(0).map((l) => show(l)).join(" | ")}`);
  if (res.kind === "stop") v.push("the filter paused the request without replying (Envoy would hang it)");

  // the filter never edits request headers
  if (res.forwarded !== undefined) {
    const want = res.seen.list();
    if (JSON.stringify(res.forwarded) !== JSON.stringify(want)) v.push("request headers were changed before forwarding");
  }

  if (facts.reportOnly) {
    if (res.kind !== "continue") v.push(`report_only answered locally (${res.status})`);
    else if (JSON.stringify(res.headers) !== JSON.stringify(res.upstreamSeen)) v.push("report_only changed the response headers");
    return v;
  }

  // no policy applied (spec §2 step 1): an untouched response is not checked further (upstream bytes)
  if (facts.mayHaveNoPolicy && res.kind === "continue" && JSON.stringify(res.headers) === JSON.stringify(res.upstreamSeen)) return v;

  const origin = res.seen.get("origin");
  const h = res.headers;
  const added = res.kind === "continue" && res.upstreamSeen !== undefined ? addedLines(res.upstreamSeen, h) : h;
  const lines = (name: string) => h.filter(([n]) => n === name).map(([, x]) => x);

  // ACAO: absent, "*", or the request's Origin byte for byte (and then a valid origin)
  const acao = lines("access-control-allow-origin");
  if (acao.length > 1) v.push(`${acao.length} ACAO lines: ${acao.map(show).join(" | ")}`);
  for (const a of acao) {
    if (a === "*") {
      if (!facts.mayStar) v.push("ACAO * from a policy without \"*\" in allow_origins");
    } else if (a !== origin) v.push(`ACAO ${show(a)} is not the request's Origin ${show(origin)}`);
    else if (!isSyntacticOrigin(a)) v.push(`ACAO echoes a malformed Origin ${show(a)}`);
  }
  const acac = lines("access-control-allow-credentials");
  if (acac.length > 1 || (acac.length === 1 && acac[0] !== "true")) v.push(`ACAC ${acac.map(show).join(" | ")}`);
  if (acac.length === 1 && acao.includes("*")) v.push("ACAC true with ACAO *");
  for (const name of ["access-control-allow-methods", "access-control-allow-headers", "access-control-expose-headers"]) {
    const ls = lines(name);
    if (ls.length > 1) v.push(`${ls.length} ${name} lines`);
    for (const l of ls) {
      for (const tok of l.split(",")) {
        const t = tok.replace(/^[ \t]+|[ \t]+$/g, "");
        if (!isToken(t)) v.push(`${name} element ${show(t)} is not an RFC 9110 token (value ${show(l)})`);
      }
    }
  }
  for (const a of lines("access-control-max-age")) if (!/^[0-9]+$/.test(a)) v.push(`ACMA ${show(a)}`);
  for (const a of lines("access-control-allow-private-network")) if (a !== "true") v.push(`ACAPN ${show(a)}`);
  // Timing-Allow-Origin is not a CORS header the filter owns (spec §4 lists 7): only the one it adds is checked
  for (const a of added.filter(([n]) => n === "timing-allow-origin").map(([, x]) => x)) {
    if (a !== "*" && (a !== origin || !isSyntacticOrigin(a))) v.push(`Timing-Allow-Origin ${show(a)} (Origin ${show(origin)})`);
  }

  if (res.kind === "local") {
    if (res.localBefore === undefined) v.push("local reply sent from the response phase");
    else if (JSON.stringify(res.localBefore) !== JSON.stringify(res.headers)) {
      v.push(`the filter's response callback changed its own local reply: before ${JSON.stringify(res.localBefore)} after ${JSON.stringify(res.headers)}`);
    }
    if (![200, 204, 403].includes(res.status)) v.push(`local reply status ${res.status}`);
    if (res.status === 403 && (acao.length > 0 || acac.length > 0)) v.push("a 403 carries a CORS grant");
    for (const [n, x] of h) if (hasCrLfNul(x) || hasCrLfNul(n)) v.push(`local reply header ${n}: ${show(x)} has CR/LF/NUL`);
  } else if (res.kind === "continue" && res.upstreamSeen !== undefined) {
    // what the filter added or changed carries no CR, LF or NUL
    for (const [n, x] of added) {
      if (hasCrLfNul(x) || hasCrLfNul(n)) v.push(`added/changed response header ${n}: ${show(x)} has CR/LF/NUL`);
    }
    // the filter owns CORS: no upstream CORS line survives unless it is the filter's own value
    for (const n of CORS_NAMES) if (lines(n).length > 1) v.push(`several ${n} lines after the filter`);
  }
  return v;
}

/** A failure message with everything needed to replay the case. */
export function describeCase(title: string, stream: string, i: number, ex: Exchange | null, extra: string[]): string {
  const parts = [`${title} ${repro(stream, i)}`, ...extra.map((e) => `  - ${e}`)];
  if (ex !== null) {
    parts.push(`  request: ${JSON.stringify(ex.request.map(([n, x]) => [n, x.length > 200 ? x.slice(0, 200) + `…(${x.length} bytes)` : x]))}`);
    if (ex.properties) parts.push(`  properties: ${JSON.stringify(ex.properties)}`);
    parts.push(`  upstream: ${JSON.stringify(ex.upstream.slice(0, 40).map(([n, x]) => [n, x.length > 200 ? x.slice(0, 200) + "…" : x]))}${ex.upstream.length > 40 ? ` …(${ex.upstream.length} lines)` : ""}`);
  }
  return parts.join("\n");
}
