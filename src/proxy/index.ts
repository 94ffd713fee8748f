export { startProxy, type ProxyOptions, type RunningProxy } from "./server.js";
export { startEchoUpstream, echoHandler, type EchoBody, type EchoUpstream } from "./echo.js";
export {
  loadFilter,
  routeProperties,
  readWasm,
  FilterLoadError,
  envoyLogText,
  type FilterLike,
  type StreamLike,
  type HeaderList,
  type RequestOutcome,
  type LoadedFilter,
  type LoadOptions,
} from "./filter.js";
export { stripHopByHop, toEnvoyRequest, fromRaw, toFlat } from "./headers.js";
export { startAdmin, renderStats, prometheusName, type RunningAdmin, type StatLike } from "./admin.js";
