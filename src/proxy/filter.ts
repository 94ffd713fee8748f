// Loads build/cors.wasm into the proxy-wasm host (src/host) and configures it, collecting the filter's
// log lines, as Envoy does when it loads a plugin (docs/host.md).
import { readFileSync } from "node:fs";
import { ProxyWasmHost, type HeaderList, type LogLine, type RequestOutcome, type Stream } from "../host/index.js";

export type { HeaderList, RequestOutcome };

/** What the dev proxy needs of one stream: the host's Stream (tests/proxy put a stand-in in its place). */
export type StreamLike = Pick<Stream, "requestHeaders" | "responseHeaders" | "finish">;

/** What the dev proxy needs of a filter: new streams (ProxyWasmHost, or a stand-in). */
export interface FilterLike {
  newStream(init?: { properties?: Record<string, string> }): StreamLike;
}

/** proxy-wasm log levels (host-facts.md §1.3): what counts as an error or a warning of the filter. */
const LOG_LEVEL = { warn: 3, error: 4 } as const;

/** A module's log line as Envoy prints it after its level: `wasm log cors cors: decision …` (the plugin name,
 *  root id and vm id of a stream; root id and vm id of a root context; the host adds them, not the filter). */
export function envoyLogText(message: string, prefix = ""): string {
  return `wasm log${prefix === "" ? "" : " " + prefix}: ${message}`;
}

export interface LoadOptions {
  wasmPath: string;
  /** Plugin configuration bytes (text); "" = zero bytes. */
  config: string;
  routeName?: string;
  clusterName?: string;
  pluginName?: string;
  rootId?: string;
  /** Default "cors", as in the project's Envoy bootstraps (src/envoy/bootstrap.ts): log lines then read as Envoy's. */
  vmId?: string;
  /** Live log sink besides the collected lines; `prefix`: Envoy's log prefix of a module's line (envoyLogText),
   *  undefined for the host's own lines. */
  logger?: (level: number, message: string, prefix?: string) => void;
}

export interface LoadedFilter {
  host: ProxyWasmHost | null;
  accepted: boolean;
  /** Lines logged at error level or above while loading/configuring (or the host's load error). */
  errors: string[];
  /** Lines logged at warn level while configuring. */
  warnings: string[];
  /** Every line logged during configure. */
  logs: LogLine[];
  /** Properties set on every stream (route / cluster names). */
  streamProperties: Record<string, string>;
}

export class FilterLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FilterLoadError";
  }
}

/** Properties a stream gets for --route-name / --cluster-name (both the xds.* names and Higress's). */
export function routeProperties(routeName?: string, clusterName?: string): Record<string, string> {
  const p: Record<string, string> = {};
  if (routeName !== undefined) {
    p["xds.route_name"] = routeName;
    p["route_name"] = routeName;
  }
  if (clusterName !== undefined) {
    p["xds.cluster_name"] = clusterName;
    p["cluster_name"] = clusterName;
  }
  return p;
}

export function readWasm(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FilterLoadError(
      code === "ENOENT" ? `${path} does not exist (run \`make build\` first)` : `cannot read ${path}: ${code ?? e}`,
    );
  }
}

/** Load the module, configure it once; never throws for a rejected configuration (accepted=false). */
export async function loadFilter(opts: LoadOptions): Promise<LoadedFilter> {
  return configureModule(readWasm(opts.wasmPath), opts);
}

/** loadFilter for a module already read: the configuration through the module's own proxy_on_configure, in the
 *  Envoy-faithful host (`check`, `serve`, `explain` and `convert` all validate so). */
export async function configureModule(wasm: Uint8Array, opts: Omit<LoadOptions, "wasmPath">): Promise<LoadedFilter> {
  const streamProperties = routeProperties(opts.routeName, opts.clusterName);
  const legacy = opts.routeName !== undefined || opts.clusterName !== undefined;
  let host: ProxyWasmHost;
  try {
    host = await ProxyWasmHost.load(wasm, {
      profile: "envoy",
      failurePolicy: "FAIL_CLOSED",
      pluginName: opts.pluginName ?? "cors",
      rootId: opts.rootId ?? "",
      vmId: opts.vmId ?? "cors",
      properties: { ...streamProperties },
      legacyProperties: legacy,
      logger: opts.logger,
    });
  } catch (e) {
    return {
      host: null,
      accepted: false,
      errors: [String((e as Error).message ?? e)],
      warnings: [],
      logs: [],
      streamProperties,
    };
  }
  const before = host.logs.length;
  let accepted: boolean;
  try {
    accepted = host.configure(opts.config);
  } catch (e) {
    accepted = false;
    const logs = host.logs.slice(before);
    return {
      host,
      accepted,
      errors: [...logs.filter((l) => l.level >= LOG_LEVEL.error).map((l) => l.message), `host: ${(e as Error).message}`],
      warnings: logs.filter((l) => l.level === LOG_LEVEL.warn).map((l) => l.message),
      logs,
      streamProperties,
    };
  }
  const logs = host.logs.slice(before);
  const errors = logs.filter((l) => l.level >= LOG_LEVEL.error).map((l) => l.message);
  if (!accepted && errors.length === 0) errors.push("the filter rejected the configuration (proxy_on_configure returned false)");
  if (!accepted && host.failed) errors.push("the filter trapped while configuring");
  return {
    host,
    accepted,
    errors,
    warnings: logs.filter((l) => l.level === LOG_LEVEL.warn).map((l) => l.message),
    logs,
    streamProperties,
  };
}
