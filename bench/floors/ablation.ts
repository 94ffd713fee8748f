// Benchmark floor for the host-call ablations (bench/envoy/ablation.ts): floor F2 (bench/floors/minimal_io.ts: read
// `origin` and `:method`, add ACAO and Vary) plus the host calls named in its plugin configuration, one word each,
// comma-separated, so each setup costs exactly one host call (or one piece of work) more than F2:
//   sfs        read `sec-fetch-site`                    authority  read `:authority`
//   metric     increment a counter (defined at configure) property   read the property xds.route_name
//   pairs      list the response headers (proxy_get_header_map_pairs, scanned as the filter does)
//   replace    replace ACAO instead of adding it        remove     remove `access-control-max-age` (absent)
//   local      answer every request with a local 200 carrying ACAO and Vary (the allowed-preflight reply)
//   reqpairs   read origin, :method, sec-fetch-site and :authority with one listing (getHeaderValues) instead of
//              a get each (compare with "sfs,authority")
//   preflightio  every host call the filter makes for an allowed preflight and nothing else: list the request
//              headers (the filter's ten names), increment a counter, a local 200 with the headers of the filter's
//              reply (prebuilt); the filter minus this is its own logic
export * from "../../assembly/abi/exports";
export { malloc, malloc as proxy_on_memory_allocate } from "../../assembly/abi/memory";
import {
  setRootContextFactory, RootContext, HttpContext, Action, MapType, BufferType, HeaderPair, getHeader, getHeaderValues, addHeader,
  replaceHeader, removeHeader, scanHeaders, getProperty, getBufferBytes, sendLocalResponse, defineCounter,
  incrementCounter,
} from "../../assembly/abi";

const SFS = 1, AUTHORITY = 2, METRIC = 4, PROPERTY = 8, PAIRS = 16, REPLACE = 32, REMOVE = 64, LOCAL = 128, REQPAIRS = 256, PREFLIGHTIO = 512;
const WORDS = ["sfs", "authority", "metric", "property", "pairs", "replace", "remove", "local", "reqpairs", "preflightio"];
const FILTER_NAMES: Array<string> = [
  "origin", "sec-fetch-site", ":authority", ":method", "access-control-request-method",
  "access-control-request-headers", "access-control-request-private-network", "sec-fetch-mode",
  "x-forwarded-proto", ":scheme",
];
const filterValues = new Array<string | null>(10);
const PREFLIGHT_REPLY: Array<HeaderPair> = [
  new HeaderPair("access-control-allow-origin", "https://app.example.com"),
  new HeaderPair("access-control-allow-methods", "GET,PUT,POST,DELETE,PATCH"),
  new HeaderPair("access-control-allow-headers", "Content-Type,Authorization,X-Requested-With"),
  new HeaderPair("access-control-max-age", "600"),
  new HeaderPair("vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
];
const REQUEST_NAMES: Array<string> = ["origin", ":method", "sec-fetch-site", ":authority"];
const requestValues = new Array<string | null>(4);

const CORS_NAMES: Array<string> = ["access-control-allow-origin", "access-control-allow-credentials"];
const varyLines = new Array<string>();

class AblationHttp extends HttpContext {
  origin: string | null = null;
  onRequestHeaders(headerCount: u32, endOfStream: bool): Action {
    const root = changetype<AblationRoot>(this.root);
    const calls = root.calls;
    if (calls & PREFLIGHTIO) {
      getHeaderValues(MapType.RequestHeaders, FILTER_NAMES, filterValues);
      incrementCounter(root.counter, 1);
      sendLocalResponse(200, "cors_preflight", "", PREFLIGHT_REPLY);
      return Action.Pause;
    }
    let origin: string | null;
    let method: string | null;
    if (calls & REQPAIRS) {
      getHeaderValues(MapType.RequestHeaders, REQUEST_NAMES, requestValues);
      origin = unchecked(requestValues[0]);
      method = unchecked(requestValues[1]);
    } else {
      origin = getHeader(MapType.RequestHeaders, "origin");
      method = getHeader(MapType.RequestHeaders, ":method");
    }
    this.origin = origin;
    if (method !== null && method == "OPTIONS") getHeader(MapType.RequestHeaders, "access-control-request-method");
    if (calls & SFS) getHeader(MapType.RequestHeaders, "sec-fetch-site");
    if (calls & AUTHORITY) getHeader(MapType.RequestHeaders, ":authority");
    if (calls & PROPERTY) getProperty(["xds", "route_name"]);
    if (calls & METRIC) incrementCounter(root.counter, 1);
    if (calls & LOCAL) {
      const h = new Array<HeaderPair>();
      h.push(new HeaderPair("access-control-allow-origin", origin === null ? "*" : origin));
      h.push(new HeaderPair("vary", "Origin"));
      sendLocalResponse(200, "ablation", "", h);
      return Action.Pause;
    }
    return Action.Continue;
  }
  onResponseHeaders(headerCount: u32, endOfStream: bool): Action {
    const calls = changetype<AblationRoot>(this.root).calls;
    if (calls & (LOCAL | PREFLIGHTIO)) return Action.Continue;
    if (calls & PAIRS) {
      varyLines.length = 0;
      scanHeaders(MapType.ResponseHeaders, CORS_NAMES, "vary", varyLines);
    }
    if (calls & REMOVE) removeHeader(MapType.ResponseHeaders, "access-control-max-age");
    const origin = this.origin;
    if (origin !== null) {
      if (calls & REPLACE) replaceHeader(MapType.ResponseHeaders, "access-control-allow-origin", origin);
      else addHeader(MapType.ResponseHeaders, "access-control-allow-origin", origin);
      addHeader(MapType.ResponseHeaders, "vary", "Origin");
    }
    return Action.Continue;
  }
}

class AblationRoot extends RootContext {
  calls: i32 = 0;
  counter: u32 = 0;
  onConfigure(size: u32): bool {
    const bytes = getBufferBytes(BufferType.PluginConfiguration, 0, size);
    const text = bytes === null ? "" : String.UTF8.decode(bytes);
    this.calls = 0;
    for (let i = 0; i < WORDS.length; i++) if (text.includes(WORDS[i])) this.calls |= 1 << i;
    if (this.calls & (METRIC | PREFLIGHTIO)) this.counter = defineCounter("ablation.requests");
    return true;
  }
  createHttpContext(id: u32): HttpContext { return new AblationHttp(id, this); }
}
setRootContextFactory((id: u32): RootContext => new AblationRoot(id));
