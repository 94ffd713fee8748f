// Public types and proxy-wasm enums of the host (host-facts.md §1.3).

/** Header lines in order: [name, value]. Names as given; the host lower-cases them. */
export type HeaderList = Array<[string, string]>;

export type Profile = "envoy" | "kong" | "apisix";
export type FailurePolicy = "FAIL_CLOSED" | "FAIL_OPEN";

export interface HostOptions {
  /** Import table used to link, and the host's quirks (default envoy). */
  profile?: Profile;
  /** What a failed VM does to requests (default FAIL_CLOSED). */
  failurePolicy?: FailurePolicy;
  /** Envoy PluginConfig.name → property `plugin_name`; Kong metric prefix `pw.<pluginName>.`. */
  pluginName?: string;
  /** Envoy PluginConfig.root_id → property `plugin_root_id`. */
  rootId?: string;
  /** Envoy VmConfig.vm_id → property `plugin_vm_id`. */
  vmId?: string;
  /** VmConfig.configuration: the VM_CONFIGURATION buffer, size passed to proxy_on_vm_start. */
  vmConfig?: string | Uint8Array;
  /** VM-wide property defaults by dotted path, e.g. {"xds.route_name": "r1"}.
   *  "route_name" / "cluster_name" given here mean xds.route_name / xds.cluster_name. */
  properties?: Record<string, string>;
  /** Also serve top-level route_name / cluster_name (Higress' Envoy fork; upstream Envoy ≥1.33 does not). */
  legacyProperties?: boolean;
  /** Called for every proxy_log line (and host diagnostics) besides recording it in `logs`; `prefix` is Envoy's
   *  log prefix of a module's line (src/proxy/filter.ts envoyLogText prints it), undefined for the host's own lines. */
  logger?: (level: number, message: string, prefix?: string) => void;
  /** Keep at most this many log lines in `logs` (oldest dropped). Default 10000. */
  maxLogs?: number;
  /** Let `host.faults` make any env.proxy_* function fail (src/host/faults.ts); off: host calls run unwrapped. */
  faultInjection?: boolean;
  /** Run the stream's proxy_on_response_headers on a local reply inside proxy_send_local_response, before it
   *  returns. Not Envoy (which runs it after the request callback returned, host-facts.md §4.3): a host may, and
   *  the module must then not free anything the outer callback still uses (assembly/abi/collect.ts). */
  nestedLocalReply?: boolean;
}

export interface LogLine {
  level: number;
  /** As the module logged it. */
  message: string;
  /** A module's line: Envoy's log prefix (plugin name, root id, vm id of a stream; root id, vm id of a root); absent when empty. */
  prefix?: string;
}

export interface LocalReply {
  status: number;
  /** What the client receives (no pseudo-headers), after the filter's own response callback. */
  headers: HeaderList;
  /** Body, one char per byte (Latin-1). */
  body: string;
  details: string;
  /** grpc_status given to proxy_send_local_response, or null when outside 0..16 (e.g. -1). */
  grpcStatus: number | null;
}

/** What proxy_on_request_headers returned (0 Continue, 1 Pause, …); absent when it was not called or trapped. */
interface Returned {
  action?: number;
}

export type RequestOutcome =
  | ({ kind: "continue"; headers: HeaderList } & Returned)
  | ({ kind: "local" } & LocalReply & Returned)
  /** The filter returned Pause without a local reply: Envoy would hold the request. */
  | ({ kind: "stop"; headers: HeaderList } & Returned);

export interface ResponseOutcome {
  /** Response headers as the filter left them, including ":status". */
  headers: HeaderList;
  status: number;
  /** Set when the response was replaced by a local reply (sent from the response phase or fail-closed). */
  localReply?: LocalReply;
  /** The filter returned Pause without a local reply: Envoy would hold the response. */
  stopped?: boolean;
}

export type HeaderInput = Record<string, string | string[]> | HeaderList;

export interface SimRequest {
  method: string;
  scheme?: string; // default "http"
  path?: string; // default "/"
  /** name → value; an array = several field lines. `host` becomes :authority. */
  headers?: HeaderInput;
  /** Per-stream properties (dotted paths; route_name/cluster_name mean xds.*). */
  properties?: Record<string, string>;
  endOfStream?: boolean; // default true (no request body)
}

export interface SimResponse {
  status: number;
  headers?: HeaderInput;
  body?: string;
}

export interface SimResult {
  reachesUpstream: boolean;
  /** Status the client receives (local reply or upstream); 0 when the filter stalled the request. */
  status: number;
  /** Headers the client receives, no pseudo-headers. */
  headers: HeaderList;
  body: string;
  localReply?: LocalReply;
  /** The request as forwarded upstream (with pseudo-headers), when it was. */
  upstreamRequest?: HeaderList;
  /** True when the filter paused without replying (Envoy would hang the stream). */
  stalled?: boolean;
  /** Log lines produced during this exchange. */
  logs: LogLine[];
}

export const enum Status {
  Ok = 0,
  NotFound = 1,
  BadArgument = 2,
  SerializationFailure = 3,
  ParseFailure = 4,
  InvalidMemoryAccess = 6,
  Empty = 7,
  CasMismatch = 8,
  InternalFailure = 10,
  Unimplemented = 12,
}

export const enum MapType {
  RequestHeaders = 0,
  RequestTrailers = 1,
  ResponseHeaders = 2,
  ResponseTrailers = 3,
  GrpcInitialMetadata = 4,
  GrpcTrailingMetadata = 5,
  HttpCallResponseHeaders = 6,
  HttpCallResponseTrailers = 7,
}

export const enum BufferType {
  HttpRequestBody = 0,
  HttpResponseBody = 1,
  DownstreamData = 2,
  UpstreamData = 3,
  HttpCallResponseBody = 4,
  GrpcReceiveBuffer = 5,
  VmConfiguration = 6,
  PluginConfiguration = 7,
  CallData = 8,
}

export const enum MetricType {
  Counter = 0,
  Gauge = 1,
  Histogram = 2,
}

export const LogLevelNames = ["trace", "debug", "info", "warn", "error", "critical"] as const;
