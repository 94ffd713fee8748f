// Real Envoy and the dev proxy side by side, in front of one scripted upstream: one Envoy process with one
// listener per filter configuration (all sharing one VM, as a gateway with many routes does), and one dev proxy
// (src/proxy, running build/cors.wasm in src/host) per configuration. A request goes to both as the same bytes;
// the answers are compared by differences().
import { join } from "node:path";
import { bootstrap, startEnvoy, type Listener, type RunningEnvoy, type StartOptions } from "../../src/envoy/index.js";
import { loadFilter } from "../../src/proxy/filter.js";
import { startProxy, type RunningProxy } from "../../src/proxy/server.js";
import { ROOT } from "../host/helpers.js";
import { CERT, KEY } from "../proxy/tls-cert.js";
import { sendRaw, requestBytes, type Lines, type RawResponse, type Target } from "./raw-http.js";
import { CASE_HEADER, startScriptedUpstream, type ScriptedUpstream } from "./upstream.js";

export const WASM = join(ROOT, "build", "cors.wasm");
/** The cluster a listener uses when the case names none (a name no case's rules match). */
export const DEFAULT_CLUSTER = "conformance_upstream";

export interface FilterGroup {
  /** Listener name (unique). */
  name: string;
  /** The filter's configuration (text). */
  config: string;
  routeName?: string;
  clusterName?: string;
  tls?: boolean;
}

export interface Pair {
  envoy: RunningEnvoy;
  upstream: ScriptedUpstream;
  /** Per group name: where Envoy listens and where its dev proxy listens. */
  targets: Map<string, { envoy: Target; host: Target }>;
  proxies: RunningProxy[];
  close(): Promise<void>;
}

export function envoyListener(g: FilterGroup): Listener {
  return {
    name: g.name,
    port: 0,
    cluster: g.clusterName ?? DEFAULT_CLUSTER,
    routeName: g.routeName ?? g.name,
    plugin: { wasm: WASM, configuration: g.config },
    tls: g.tls ? { certificateChain: CERT, privateKey: KEY } : undefined,
  };
}

/** Starts the upstream, one Envoy with every group (plus `extra` listeners) and a dev proxy per group. */
export async function startPair(groups: FilterGroup[], opts: { extra?: Listener[]; ldsPath?: string; start?: StartOptions } = {}): Promise<Pair> {
  const upstream = await startScriptedUpstream();
  const clusterNames = new Set([DEFAULT_CLUSTER, ...groups.map((g) => g.clusterName ?? DEFAULT_CLUSTER), ...(opts.extra ?? []).map((l) => l.cluster)]);
  const proxies: RunningProxy[] = [];
  let envoy: RunningEnvoy | undefined;
  try {
    envoy = await startEnvoy(
      bootstrap({
        admin: { port: 0 },
        listeners: [...groups.map(envoyListener), ...(opts.extra ?? [])],
        ldsPath: opts.ldsPath,
        clusters: [...clusterNames].map((name) => ({ name, host: upstream.host, port: upstream.port })),
      }),
      opts.start,
    );
    const bound = await envoy.listeners();
    const targets = new Map<string, { envoy: Target; host: Target }>();
    for (const g of groups) {
      const loaded = await loadFilter({ wasmPath: WASM, config: g.config, routeName: g.routeName, clusterName: g.clusterName });
      if (!loaded.accepted || loaded.host === null) throw new Error(`${g.name}: the host rejected the configuration: ${loaded.errors.join(" | ")}`);
      const proxy = await startProxy({
        filter: loaded.host,
        port: 0,
        upstream: upstream.url,
        streamProperties: loaded.streamProperties,
        tls: g.tls ? { key: KEY, cert: CERT } : undefined,
        log: () => {},
      });
      proxies.push(proxy);
      const e = bound[g.name];
      if (!e) throw new Error(`Envoy has no listener ${g.name}`);
      targets.set(g.name, { envoy: { host: "127.0.0.1", port: e.port, tls: g.tls }, host: { host: "127.0.0.1", port: proxy.port, tls: g.tls } });
    }
    const env = envoy;
    return {
      envoy: env,
      upstream,
      targets,
      proxies,
      close: async () => {
        for (const p of proxies) await p.close();
        await env.stop();
        await upstream.close();
      },
    };
  } catch (e) {
    for (const p of proxies) await p.close();
    await envoy?.stop();
    await upstream.close();
    throw e;
  }
}

export interface Exchange extends RawResponse {
  reachesUpstream: boolean;
  /** The request's header lines as the upstream received them (when it did). */
  upstreamRequest?: Lines;
}

/**
 * Sends `METHOD path` with `lines` (plus the case tag line) and `body` as written to `target` and tells whether
 * the upstream saw it.
 * `tag` must be unique per target and request.
 */
export async function exchange(pair: Pair, target: Target, tag: string, method: string, path: string, lines: Lines, body = ""): Promise<Exchange> {
  const r = await sendRaw(target, requestBytes(method, path, [...lines, [CASE_HEADER, tag]], body), { head: method === "HEAD" });
  const seen = pair.upstream.seen.get(tag) ?? 0;
  return { ...r, reachesUpstream: seen > 0, upstreamRequest: pair.upstream.lastRequest.get(tag) };
}

/**
 * Response headers the two sides may legitimately disagree on; every other header must match exactly:
 * - `date`: the time each server answered;
 * - `server`: Envoy writes `server: envoy` on everything it sends (server_header_transformation OVERWRITE); the
 *   dev proxy does not pretend to be Envoy;
 * - `x-envoy-upstream-service-time`: Envoy's router timing;
 * - `connection`, `keep-alive`: each server's own connection management (Node: `keep-alive: timeout=5`;
 *   Envoy: `connection: close` after its 400), hop-by-hop, never part of what the filter decides;
 * - `transfer-encoding`: the framing each server chose;
 * - `content-length` when both bodies are empty: framing of "no body" (a length is compared whenever a body
 *   exists).
 */
export const IGNORED_HEADERS = new Set(["date", "server", "x-envoy-upstream-service-time", "connection", "keep-alive", "transfer-encoding"]);

function byName(lines: Lines, ignoreLength: boolean): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [n, v] of lines) {
    const name = n.toLowerCase();
    if (IGNORED_HEADERS.has(name) || name === CASE_HEADER || (ignoreLength && name === "content-length")) continue;
    const list = m.get(name) ?? [];
    list.push(v);
    m.set(name, list);
  }
  return m;
}

/** Where the dev proxy's answer differs from Envoy's (status, reaches-upstream, headers, body); [] = the same. */
export function differences(envoy: Exchange, host: Exchange): string[] {
  const out: string[] = [];
  if (envoy.status !== host.status) out.push(`status: Envoy ${envoy.status}, host ${host.status}`);
  if (envoy.reachesUpstream !== host.reachesUpstream) out.push(`reaches upstream: Envoy ${envoy.reachesUpstream}, host ${host.reachesUpstream}`);
  const noBody = envoy.body === "" && host.body === "";
  const e = byName(envoy.headers, noBody);
  const h = byName(host.headers, noBody);
  for (const name of new Set([...e.keys(), ...h.keys()])) {
    const ev = JSON.stringify(e.get(name) ?? null);
    const hv = JSON.stringify(h.get(name) ?? null);
    if (ev !== hv) out.push(`${name}: Envoy ${ev}, host ${hv}`);
  }
  if (envoy.body !== host.body) out.push(`body: Envoy ${JSON.stringify(envoy.body)}, host ${JSON.stringify(host.body)}`);
  return out;
}
