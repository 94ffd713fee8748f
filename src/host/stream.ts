// One HTTP stream through the filter, with Envoy's order and map windows (host-facts.md §2.3, §4.1–4.3):
// proxy_on_context_create(ctx, root) → proxy_on_request_headers → (local reply: deferred until the callback
// returns, the callback's result forced to Stop, the reply encoded through the SAME filter's
// proxy_on_response_headers) → proxy_on_response_headers → proxy_on_log → proxy_on_done → proxy_on_delete.
// Request headers are unreadable (BAD_ARGUMENT) once proxy_on_request_headers returned Continue, response
// headers once proxy_on_response_headers returned Continue; both are readable again in proxy_on_log.

import type { ContextState, PendingLocalReply } from "./context.js";
import { HeaderMap, INLINE_RESPONSE_HEADERS } from "./headers.js";
import { failStreamReply, localReplyMap, statusOf } from "./local-reply.js";
import type { HeaderList, LocalReply, RequestOutcome, ResponseOutcome } from "./types.js";
import type { Vm } from "./vm.js";

export class Stream {
  constructor(
    private readonly vm: Vm,
    private readonly ctx: ContextState,
    /** The root context (plugin) the stream belongs to. */
    private readonly root: ContextState,
    private readonly failOpen: boolean,
  ) {}

  /** The context id the module sees. */
  get id(): number {
    return this.ctx.id;
  }

  requestHeaders(headers: HeaderList, endOfStream = true): RequestOutcome {
    const vm = this.vm;
    const c = this.ctx;
    if (c.created || c.localReplySent) throw new Error("requestHeaders: already called on this stream");
    const map = HeaderMap.fromWire(headers);
    c.originalRequest = map;
    c.lastRequest = map;
    if (vm.failed) return this.failedRequest(map);
    c.created = true;
    c.phase = "create";
    vm.call(c, "proxy_on_context_create", vm.onContextCreate, c.id, this.root.id);
    if (vm.failed) return this.trappedRequest(map);
    // A reply sent from proxy_on_context_create stays pending: Envoy defers it until after the next callback it
    // wraps in its after-call actions, so proxy_on_request_headers still runs first (Envoy 1.40 measured).
    c.phase = "request";
    c.requestMap = map;
    let nested: LocalReply | null = null;
    if (vm.options.nestedLocalReply) {
      c.encodeLocalNow = (reply) => {
        c.encodeLocalNow = null;
        c.pending = null;
        nested = this.sendLocalViaFilterChain(reply);
        c.phase = "request"; // back inside proxy_on_request_headers
      };
    }
    const r = vm.call(c, "proxy_on_request_headers", vm.onRequestHeaders, c.id, map.size, endOfStream ? 1 : 0);
    c.encodeLocalNow = null;
    c.phase = "idle";
    if (vm.failed) {
      c.pending = null;
      return this.trappedRequest(map);
    }
    if (nested !== null) return { kind: "local", ...(nested as LocalReply), action: r };
    const pending = c.pending;
    if (pending !== null) {
      // stopNextIteration: the result is forced to StopAllIterationAndWatermark, request_headers_ stays set.
      c.pending = null;
      return { kind: "local", ...this.sendLocalViaFilterChain(pending), action: r };
    }
    if (r === undefined || r === 0) {
      c.requestMap = null; // decodeHeaders: Continue → request_headers_ = nullptr
      return { kind: "continue", headers: map.list(), action: r };
    }
    // 2 = ContinueAndDontEndStream: continues, but only Continue nulls the map. 1, 3, 4, >4: stop.
    if (r === 2) return { kind: "continue", headers: map.list(), action: r };
    return { kind: "stop", headers: map.list(), action: r };
  }

  responseHeaders(headers: HeaderList, endOfStream = false): ResponseOutcome {
    const vm = this.vm;
    const c = this.ctx;
    if (c.localReplySent) throw new Error("responseHeaders: the stream was answered by a local reply");
    if (c.responseSent) throw new Error("responseHeaders: already called on this stream");
    const map = HeaderMap.fromWire(headers, INLINE_RESPONSE_HEADERS);
    if (map.get(":status") === null) throw new TypeError("responseHeaders: the header list needs a :status line");
    c.lastResponse = map;
    if (vm.failed || !c.created) return this.failedResponse(map);
    c.phase = "response";
    c.responseMap = map;
    const r = vm.call(c, "proxy_on_response_headers", vm.onResponseHeaders, c.id, map.size, endOfStream ? 1 : 0);
    c.phase = "idle";
    if (vm.failed) {
      c.pending = null;
      c.responseMap = null;
      return this.trappedResponse(map);
    }
    const pending = c.pending;
    if (pending !== null) {
      // The response headers exist but were not sent downstream: Envoy sends the local reply directly,
      // bypassing the filter chain (FilterManager::sendDirectLocalReply).
      c.pending = null;
      c.responseMap = null;
      const reply = this.directLocal(pending);
      return { headers: reply.map.list(), status: reply.local.status, localReply: reply.local };
    }
    c.responseSent = true;
    if (r === undefined || r === 0 || r === 2) {
      if (r !== 2) c.responseMap = null;
      return { headers: map.list(), status: statusOf(map) };
    }
    return { headers: map.list(), status: statusOf(map), stopped: true };
  }

  /**
   * proxy_on_log (request/response headers readable again: Envoy's access-log pass), then proxy_on_done and
   * proxy_on_delete (filter destruction) — the order Envoy 1.40 calls them (tests/envoy/host-facts.test.ts).
   */
  finish(): void {
    const vm = this.vm;
    const c = this.ctx;
    if (c.finished) return;
    c.finished = true;
    if (c.created && !vm.failed) {
      c.phase = "log";
      c.requestMap = c.lastRequest;
      c.responseMap = c.lastResponse;
      vm.call(c, "proxy_on_log", vm.onLog, c.id);
      c.requestMap = null;
      c.responseMap = null;
      c.phase = "done";
      vm.call(c, "proxy_on_done", vm.onDone, c.id);
      c.phase = "delete";
      vm.call(c, "proxy_on_delete", vm.onDelete, c.id);
    }
    c.phase = "idle";
    c.requestMap = c.responseMap = c.lastRequest = c.lastResponse = c.originalRequest = null;
    vm.contexts.delete(c.id);
  }

  /** The VM had failed before this stream: FAIL_OPEN passes it untouched, FAIL_CLOSED answers the 503. */
  private failedRequest(map: HeaderMap): RequestOutcome {
    this.ctx.requestMap = null;
    if (this.failOpen) return { kind: "continue", headers: map.list() };
    return this.trappedRequest(map);
  }

  /** The VM failed in this stream's own callback: the stream gets the 503 whatever the policy (Envoy failStream). */
  private trappedRequest(_map: HeaderMap): RequestOutcome {
    this.ctx.requestMap = null;
    return { kind: "local", ...this.directLocal(failStreamReply()).local };
  }

  private failedResponse(map: HeaderMap): ResponseOutcome {
    this.ctx.responseSent = true;
    if (this.failOpen || !this.ctx.created) return { headers: map.list(), status: statusOf(map) };
    return this.trappedResponse(map);
  }

  private trappedResponse(_map: HeaderMap): ResponseOutcome {
    this.ctx.responseSent = true;
    const reply = this.directLocal(failStreamReply());
    return { headers: reply.map.list(), status: reply.local.status, localReply: reply.local };
  }

  /** A reply that does not pass through this filter (fail-closed 503, or sent from the response phase). */
  private directLocal(p: PendingLocalReply): { map: HeaderMap; local: LocalReply } {
    const c = this.ctx;
    const m = localReplyMap(p);
    c.localReplySent = true;
    c.responseSent = true;
    c.lastResponse = m;
    return { map: m, local: toLocal(m, p) };
  }

  /** sendLocalReplyViaFilterChain: the reply is encoded through this filter's proxy_on_response_headers. */
  private sendLocalViaFilterChain(p: PendingLocalReply): LocalReply {
    const vm = this.vm;
    const c = this.ctx;
    const m = localReplyMap(p);
    c.localReplySent = true;
    c.lastResponse = m;
    c.phase = "local_response";
    c.responseMap = m;
    vm.call(c, "proxy_on_response_headers", vm.onResponseHeaders, c.id, m.size, p.body.length === 0 ? 1 : 0);
    c.phase = "idle";
    c.responseMap = null;
    c.pending = null;
    if (vm.failed) return this.directLocal(failStreamReply()).local; // trapped in this stream: 503 whatever the policy
    if (c.replacement !== null) {
      // a second local reply from this callback: Envoy 1.40 sends it instead, without re-entering the filter
      const second = c.replacement;
      c.replacement = null;
      return this.directLocal(second).local;
    }
    c.responseSent = true;
    return toLocal(m, p);
  }
}

function toLocal(m: HeaderMap, p: PendingLocalReply): LocalReply {
  return { status: statusOf(m), headers: m.list(false), body: p.body, details: p.details, grpcStatus: p.grpcStatus };
}
