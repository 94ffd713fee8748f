// The per-request context: decide in proxy_on_request_headers (the only time request headers are readable
// in Envoy, host-facts.md §4.1), keep the Decision, apply it in proxy_on_response_headers.

import {
  HttpContext, RootContext, Action, MapType, LogLevel, getHeader, getHeaderValues, getProperty, sendLocalResponse, log,
} from "../abi";
import { Policy, FORBIDDEN_BODY } from "../compile/policy";
import { RequestView } from "./request";
import { Decision, Kind, Reply } from "./decision";
import { decide } from "./decide";
import { selectPolicy } from "./select";
import { sendPreflightReply, applyResponse } from "./response";
import { decisionLine } from "./debuglog";
import { Active } from "./active";

/** Every request header the decision reads (decide.ts, sameorigin.ts), fetched with one listing of the request
 *  headers the first time one is read. Measured in Envoy (instructions per request, docs/perf.md "Host calls in
 *  Envoy"): an allowed actual request 177,000 → 151,000 (four gets become one listing), a preflight 226,000 →
 *  180,000; a request without Origin, which needs only `origin`, 120,000 → 139,000 (the listing costs more than its
 *  one get). Reading `origin` alone first would give that back but cost every CORS request 12,000 more. Each
 *  value is what a get answers on every host (abi getHeaderValues). */
const REQUEST_NAMES: Array<string> = [
  "origin", "sec-fetch-site", ":authority", ":method", "access-control-request-method",
  "access-control-request-headers", "access-control-request-private-network", "sec-fetch-mode",
  "x-forwarded-proto", ":scheme",
];
const requestValues = new Array<string | null>(REQUEST_NAMES.length);
/** Property paths, built once. */
const XDS_ROUTE_NAME: Array<string> = ["xds", "route_name"];
const ROUTE_NAME: Array<string> = ["route_name"];
const XDS_CLUSTER_NAME: Array<string> = ["xds", "cluster_name"];
const CLUSTER_NAME: Array<string> = ["cluster_name"];

/** Request headers and properties straight from the host; the headers listed once, each property read at most
 *  once per request. One instance serves every request: request-phase callbacks never interleave. */
class HostRequest extends RequestView {
  /** 0: not listed yet; 1: listed (requestValues); -1: the host refused the listing, so each header is a get. */
  private listed: i32 = 0;
  private routeRead: bool = false;
  private route: string | null = null;
  private clusterRead: bool = false;
  private cluster: string | null = null;

  /** Forgets the request (its values are not kept alive until the next collection). */
  reset(): void {
    if (this.listed > 0) for (let k = 0, n = requestValues.length; k < n; k++) unchecked(requestValues[k] = null);
    this.listed = 0;
    this.routeRead = false; this.route = null;
    this.clusterRead = false; this.cluster = null;
  }

  header(name: string): string | null {
    if (this.listed == 0) this.listed = getHeaderValues(MapType.RequestHeaders, REQUEST_NAMES, requestValues) ? 1 : -1;
    if (this.listed > 0) {
      for (let k = 0, n = REQUEST_NAMES.length; k < n; k++) {
        if (unchecked(REQUEST_NAMES[k]) == name) return unchecked(requestValues[k]);
      }
    }
    return getHeader(MapType.RequestHeaders, name);
  }

  routeName(): string | null {
    if (!this.routeRead) {
      this.routeRead = true;
      let v = getProperty(XDS_ROUTE_NAME);
      if (v === null) v = getProperty(ROUTE_NAME); // Higress's Envoy fork (Envoy ≥1.33 dropped it)
      this.route = v;
    }
    return this.route;
  }

  clusterName(): string | null {
    if (!this.clusterRead) {
      this.clusterRead = true;
      let v = getProperty(XDS_CLUSTER_NAME);
      if (v === null) v = getProperty(CLUSTER_NAME);
      this.cluster = v;
    }
    return this.cluster;
  }
}

const hostRequest = new HostRequest();

export class CorsHttp extends HttpContext {
  /** The policy that applied to this request (null: none — the filter does nothing). */
  private policy: Policy | null = null;
  private decision: Decision | null = null;
  /** The filter answered this request itself: its own response callback must change nothing. */
  private localReply: bool = false;

  constructor(id: u32, root: RootContext, private readonly active: Active) { super(id, root); }

  onRequestHeaders(headerCount: u32, endOfStream: bool): Action {
    const active = this.active;
    const plugin = active.plugin;
    if (plugin === null) return Action.Continue;
    const req = hostRequest;
    req.reset();
    // spec §2 step 1: no policy applies → nothing at all, on request or response
    const policy = plugin.rules.length > 0 ? selectPolicy(plugin, req) : plugin.global;
    if (policy === null) return Action.Continue;

    const d = decide(policy, req);
    req.reset();
    this.policy = policy;
    this.decision = d;
    const counters = active.counters;
    if (counters !== null) counters.count(d);
    if (policy.debug) log(LogLevel.Info, decisionLine(d, policy.reportOnly));
    // report_only: decide, count and log — change nothing
    if (policy.reportOnly) return Action.Continue;

    switch (d.reply) {
      case Reply.Forbidden: {
        this.localReply = true;
        sendLocalResponse(403, "cors_forbidden", FORBIDDEN_BODY,
          d.kind == Kind.Preflight ? policy.forbiddenPreflightHeaders : policy.forbiddenActualHeaders);
        return Action.Pause;
      }
      case Reply.Preflight: {
        this.localReply = true;
        sendPreflightReply(policy.preflightStatus, d);
        return Action.Pause;
      }
      case Reply.Stripped: {
        this.localReply = true;
        sendLocalResponse(policy.preflightStatus, "cors_preflight", "", policy.strippedPreflightHeaders);
        return Action.Pause;
      }
    }
    return Action.Continue;
  }

  onResponseHeaders(headerCount: u32, endOfStream: bool): Action {
    // Envoy runs this callback for the filter's own local reply too (host-facts.md §4.2): it already carries
    // every header, so change nothing (no duplicated ACAO, no second local reply).
    if (this.localReply) return Action.Continue;
    const policy = this.policy;
    const d = this.decision;
    if (policy === null || d === null || policy.reportOnly) return Action.Continue;
    applyResponse(d);
    return Action.Continue;
  }
}
