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
import { isIP } from "node:net";

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
  /** vm_config.configuration (the VM_CONFIGURATION buffer; its size is passed to proxy_on_vm_start). */
  vmConfiguration?: string;
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
  /** Prepended to every request path on its way upstream (the Route's prefix_rewrite of "/"), e.g. "/base/". */
  pathPrefix?: string;
  /** The upstream cluster (its name is xds.cluster_name). */
  cluster: string;
  /** Host names of the virtual host (default ["*"]). */
  domains?: string[];
  /** Terminate TLS with this certificate and key (PEM text): requests then reach the filter with :scheme https. */
  tls?: { certificateChain: string; privateKey: string };
  /** An access log line per request on Envoy's stderr, in Envoy's format language (e.g. "%RESPONSE_CODE_DETAILS%\n");
   *  Envoy flushes it every --file-flush-interval-msec. */
  accessLog?: string;
}

export interface Cluster {
  name: string;
  /** An IP address (a STATIC cluster) or a DNS name (LOGICAL_DNS, IPv4 preferred). */
  host: string;
  port: number;
  /** TLS to the upstream, SNI = host. */
  tls?: boolean;
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
export const WASM_FILTER_TYPE = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";
const ROUTER = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";
const STRING = "type.googleapis.com/google.protobuf.StringValue";
const STDERR_LOG = "type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StderrAccessLog";
const TLS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";
const LISTENER = "type.googleapis.com/envoy.config.listener.v3.Listener";

const socket = (host: string, port: number) => ({ socket_address: { address: host, port_value: port } });

export function wasmFilter(plugin: WasmPlugin): Record<string, unknown> {
  return {
    name: "envoy.filters.http.wasm",
    typed_config: {
      "@type": WASM_FILTER_TYPE,
      config: {
        name: plugin.name ?? "cors",
        ...(plugin.rootId === undefined ? {} : { root_id: plugin.rootId }), // Envoy's default: ""
        vm_config: {
          vm_id: plugin.vmId ?? "cors",
          runtime: "envoy.wasm.runtime.v8",
          code: { local: { filename: plugin.wasm } },
          ...(plugin.vmConfiguration === undefined ? {} : { configuration: { "@type": STRING, value: plugin.vmConfiguration } }),
        },
        configuration: { "@type": STRING, value: plugin.configuration },
        failure_policy: plugin.failurePolicy ?? "FAIL_CLOSED",
      },
    },
  };
}

export function listener(l: Listener): Record<string, unknown> {
  const filters: unknown[] = l.plugin ? [wasmFilter(l.plugin)] : [];
  const tls = l.tls === undefined ? {} : {
    transport_socket: {
      name: "envoy.transport_sockets.tls",
      typed_config: {
        "@type": TLS,
        common_tls_context: {
          tls_certificates: [{ certificate_chain: { inline_string: l.tls.certificateChain }, private_key: { inline_string: l.tls.privateKey } }],
        },
      },
    },
  };
  return {
    name: l.name,
    address: socket(l.host ?? "127.0.0.1", l.port),
    filter_chains: [{
      ...tls,
      filters: [{
        name: "envoy.filters.network.http_connection_manager",
        typed_config: {
          "@type": HCM,
          stat_prefix: l.name,
          codec_type: "AUTO",
          ...(l.accessLog === undefined ? {} : {
            access_log: [{ name: "envoy.access_loggers.stderr", typed_config: { "@type": STDERR_LOG, log_format: { text_format_source: { inline_string: l.accessLog } } } }],
          }),
          route_config: {
            name: l.name,
            virtual_hosts: [{
              name: l.name,
              domains: l.domains ?? ["*"],
              routes: [{
                name: l.routeName ?? l.name,
                match: { prefix: "/" },
                route: { cluster: l.cluster, ...(l.pathPrefix ? { prefix_rewrite: l.pathPrefix } : {}) },
              }],
            }],
          },
          http_filters: [...filters, { name: "envoy.filters.http.router", typed_config: { "@type": ROUTER } }],
        },
      }],
    }],
  };
}

const UPSTREAM_TLS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";

export function cluster(c: Cluster): Record<string, unknown> {
  const ip = isIP(c.host) !== 0;
  return {
    name: c.name,
    type: ip ? "STATIC" : "LOGICAL_DNS",
    ...(ip ? {} : { dns_lookup_family: "V4_PREFERRED" }),
    connect_timeout: "1s",
    load_assignment: { cluster_name: c.name, endpoints: [{ lb_endpoints: [{ endpoint: { address: socket(c.host, c.port) } }] }] },
    ...(c.tls
      ? { transport_socket: { name: "envoy.transport_sockets.tls", typed_config: { "@type": UPSTREAM_TLS, sni: c.host } } }
      : {}),
  };
}

export function bootstrap(b: Bootstrap): Record<string, unknown> {
  const out: Record<string, unknown> = {
    admin: { address: socket(b.admin.host ?? "127.0.0.1", b.admin.port) },
    static_resources: { listeners: (b.listeners ?? []).map(listener), clusters: b.clusters.map(cluster) },
  };
  if (b.ldsPath !== undefined) {
    const dir = b.ldsPath.slice(0, b.ldsPath.lastIndexOf("/")) || "/";
    // xDS (file-based included) needs a node id and cluster, or Envoy refuses to start
    out.node = { id: "cors-proxy-wasm", cluster: "cors-proxy-wasm" };
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
