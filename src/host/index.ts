// A proxy-wasm (ABI 0.2.1) host in Node that behaves like Envoy (+ Kong / APISIX link profiles).
// Contract: docs/ARCHITECTURE.md "The host API"; what it reproduces: docs/host.md.

export { ProxyWasmHost } from "./host.js";
export { Stream } from "./stream.js";
export { Plugin } from "./plugin.js";
export type { HostFault } from "./faults.js";
export { LoadError, HostTrap } from "./errors.js";
export { HeaderMap, INLINE_REQUEST_HEADERS, INLINE_RESPONSE_HEADERS, toHeaderList } from "./headers.js";
export { ENVOY_INLINE_HEADERS_VERSION } from "./inline-headers.js";
export { requestLines } from "./simulate.js";
export { importTable, PORTABLE_IMPORTS } from "./profiles.js";
export { ENVOY_STAT_NAMESPACE, type Stat } from "./metrics.js";
export { LogLevelNames } from "./types.js";
export type {
  FailurePolicy,
  HeaderInput,
  HeaderList,
  HostOptions,
  LocalReply,
  LogLine,
  Profile,
  RequestOutcome,
  ResponseOutcome,
  SimRequest,
  SimResponse,
  SimResult,
} from "./types.js";
