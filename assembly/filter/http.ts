// The per-request context: decide in proxy_on_request_headers (the only time request headers are readable
// in Envoy, host-facts.md §4.1), keep the Decision, apply it in proxy_on_response_headers.

import {
  HttpContext, RootContext, Action, MapType, LogLevel, getHeader, getProperty, sendLocalResponse, log,
} from "../abi";
import { Policy, FORBIDDEN_BODY } from "../compile/policy";
import { RequestView } from "./request";
import { Decision, Kind, Reply } from "./decision";
import { decide } from "./decide";
import { selectPolicy } from "./select";
import { preflightReplyHeaders, applyResponse } from "./response";
import { decisionLine } from "./debuglog";
import { CorsRoot } from "./root";

/** Request headers and properties straight from the host; `:authority` and each property read at most once
 *  per request.
 *  One instance serves every request: request-phase callbacks never interleave. */
class HostRequest extends RequestView {
  private authorityRead: bool = false;
  private authorityValue: string | null = null;
  private routeRead: bool = false;
  private route: string | null = null;
  private clusterRead: bool = false;
  private cluster: string | null = null;

  reset(): void {
    this.authorityRead = false; this.authorityValue = null;
    this.routeRead = false; this.route = null;
    this.clusterRead = false; this.cluster = null;
  }

  header(name: string): string | null {
    return getHeader(MapType.RequestHeaders, name);
  }

  authority(): string | null {
    if (!this.authorityRead) {
      this.authorityRead = true;
      this.authorityValue = getHeader(MapType.RequestHeaders, ":authority");
    }
    return this.authorityValue;
  }

  routeName(): string | null {
    if (!this.routeRead) {
      this.routeRead = true;
      let v = getProperty(["xds", "route_name"]);
      if (v === null) v = getProperty(["route_name"]); // Higress's Envoy fork (Envoy ≥1.33 dropped it)
      this.route = v;
    }
    return this.route;
  }

  clusterName(): string | null {
    if (!this.clusterRead) {
      this.clusterRead = true;
      let v = getProperty(["xds", "cluster_name"]);
      if (v === null) v = getProperty(["cluster_name"]);
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

  constructor(id: u32, root: RootContext) { super(id, root); }

  onRequestHeaders(headerCount: u32, endOfStream: bool): Action {
    const root = changetype<CorsRoot>(this.root);
    const plugin = root.plugin;
    if (plugin === null) return Action.Continue;
    const req = hostRequest;
    req.reset();
    // spec §2 step 1: no policy applies → nothing at all, on request or response
    const policy = plugin.rules.length > 0 ? selectPolicy(plugin, req) : plugin.global;
    if (policy === null) return Action.Continue;

    const d = decide(policy, req);
    this.policy = policy;
    this.decision = d;
    const counters = root.counters;
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
        sendLocalResponse(policy.preflightStatus, "cors_preflight", "", preflightReplyHeaders(d));
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
