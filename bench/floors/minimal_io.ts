// Benchmark floor F2: the host I/O any CORS filter must do, and nothing else: read `origin` and
// `:method` (and the ACRM of an OPTIONS) on the request, and on the response add ACAO and Vary when an
// Origin was present. The filter minus F2 is the cost of the CORS logic itself.
export * from "../../assembly/abi/exports";
export { malloc, malloc as proxy_on_memory_allocate } from "../../assembly/abi/memory";
import { setRootContextFactory, RootContext, HttpContext, Action, MapType, getHeader, addHeader } from "../../assembly/abi";

class MinimalHttp extends HttpContext {
  origin: string | null = null;
  onRequestHeaders(headerCount: u32, endOfStream: bool): Action {
    this.origin = getHeader(MapType.RequestHeaders, "origin");
    const method = getHeader(MapType.RequestHeaders, ":method");
    if (method !== null && method == "OPTIONS") getHeader(MapType.RequestHeaders, "access-control-request-method");
    return Action.Continue;
  }
  onResponseHeaders(headerCount: u32, endOfStream: bool): Action {
    const origin = this.origin;
    if (origin !== null) {
      addHeader(MapType.ResponseHeaders, "access-control-allow-origin", origin);
      addHeader(MapType.ResponseHeaders, "vary", "Origin");
    }
    return Action.Continue;
  }
}
class MinimalRoot extends RootContext {
  createHttpContext(id: u32): HttpContext { return new MinimalHttp(id, this); }
}
setRootContextFactory((id: u32): RootContext => new MinimalRoot(id));
