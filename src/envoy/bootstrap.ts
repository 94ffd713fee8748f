// Envoy bootstraps for running the filter locally: `cors-proxy-wasm envoy`, the Envoy test suite and anything
// else that needs a real Envoy in front of an upstream. Output is plain objects; Envoy reads them as JSON/YAML.
//
// Facts this relies on (host-facts.md §2, §3):
// - listeners whose wasm filters name the same vm_id and code share one VM; each filter is its own plugin
//   (root context) with its own configuration, as a gateway with many routes has;
// - `xds.route_name` is the matched Route's `name`, `xds.cluster_name` the upstream cluster's name (the
//   `_rules_` matchers read them, behaviour.md §5);
// - file-based LDS (`path_config_source` with `watched_directory`) reloads when a file is moved into the
//   watched directory; a listener update whose filter rejects its configuration is NACKed and the previous
//   listener keeps serving (listener_manager.lds.update_rejected).

export interface WasmPlugin {
  /** The bytes proxy_on_configure reads, as text (the filter's JSON). */
  configuration: string;
  /** The .wasm file (absolute path). */
  wasm: string;
  /** Plugin name: Envoy prefixes every log line of the plugin with it (default "cors"). */
  name?: string;
  rootId?: string;
  /** Listeners with the same vmId (and code) share one VM (default "cors"). */
  vmId?: string;
  failurePolicy?: "FAIL_CLOSED" | "FAIL_OPEN";
}

export interface Listener {
  name: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = any free port (read it back with RunningEnvoy.listeners()). */
  port: number;
  /** The CORS filter, or null for a listener without it. */
  plugin: WasmPlugin | null;
  /** The Route's `name` (what the filter reads as xds.route_name). Default: the listener's name. */
  routeName?: string;
  /** The upstream cluster (its name is xds.cluster_name). */
  cluster: string;
  /** Host names of the virtual host (default ["*"]). */
  domains?: string[];
}

export interface Cluster {
  name: string;
  host: string;
  port: number;
}

export interface Bootstrap {
  admin: { host?: string; port: number };
  /** Listeners in the bootstrap itself (static). */
  listeners?: Listener[];
  /** Listeners read from this file instead (file-based LDS, see ldsFile()); the file's directory is watched. */
  ldsPath?: string;
  clusters: Cluster[];
}

const HCM = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const WASM = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";
const ROUTER = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";
const LISTENER = "type.googleapis.com/envoy.config.listener.v3.Listener";

const socket = (host: string, port: number) => ({ socket_address: { address: host, port_value: port } });

export function wasmFilter(plugin: WasmPlugin): Record<string, unknown> {
  return {
    name: "envoy.filters.http.wasm",
    typed_config: {
      "@type": WASM,
      config: {
        name: plugin.name ?? "cors",
        root_id: plugin.rootId ?? "",
        vm_config: { vm_id: plugin.vmId ?? "cors", runtime: "envoy.wasm.runtime.v8", code: { local: { filename: plugin.wasm } } },
        configuration: { "@type": "type.googleapis.com/google.protobuf.StringValue", value: plugin.configuration },
        failure_policy: plugin.failurePolicy ?? "FAIL_CLOSED",
      },
    },
  };
}

export function listener(l: Listener): Record<string, unknown> {
  const filters: unknown[] = l.plugin ? [wasmFilter(l.plugin)] : [];
  return {
    name: l.name,
    address: socket(l.host ?? "127.0.0.1", l.port),
    filter_chains: [{
      filters: [{
        name: "envoy.filters.network.http_connection_manager",
        typed_config: {
          "@type": HCM,
          stat_prefix: l.name,
          codec_type: "AUTO",
          route_config: {
            name: l.name,
            virtual_hosts: [{
              name: l.name,
              domains: l.domains ?? ["*"],
              routes: [{ name: l.routeName ?? l.name, match: { prefix: "/" }, route: { cluster: l.cluster } }],
            }],
          },
          http_filters: [...filters, { name: "envoy.filters.http.router", typed_config: { "@type": ROUTER } }],
        },
      }],
    }],
  };
}

export function cluster(c: Cluster): Record<string, unknown> {
  return {
    name: c.name,
    type: "STATIC",
    connect_timeout: "1s",
    load_assignment: { cluster_name: c.name, endpoints: [{ lb_endpoints: [{ endpoint: { address: socket(c.host, c.port) } }] }] },
  };
}

export function bootstrap(b: Bootstrap): Record<string, unknown> {
  const out: Record<string, unknown> = {
    admin: { address: socket(b.admin.host ?? "127.0.0.1", b.admin.port) },
    static_resources: { listeners: (b.listeners ?? []).map(listener), clusters: b.clusters.map(cluster) },
  };
  if (b.ldsPath !== undefined) {
    const dir = b.ldsPath.slice(0, b.ldsPath.lastIndexOf("/")) || "/";
    out.dynamic_resources = {
      lds_config: { resource_api_version: "V3", path_config_source: { path: b.ldsPath, watched_directory: { path: dir } } },
    };
  }
  return out;
}

/** The content of a file-based LDS file: a DiscoveryResponse-shaped list of listeners. */
export function ldsFile(listeners: Listener[]): Record<string, unknown> {
  return { resources: listeners.map((l) => ({ "@type": LISTENER, ...listener(l) })) };
}
