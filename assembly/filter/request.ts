// What the decision reads from a request, behind an interface so the decision logic can be unit tested
// without a host. The host's view (filter/http.ts) lists the request headers once, at the first read; properties
// are read only when a rule needs them (every host call costs ~150–200 ns in Envoy, docs/perf-anchors.md §a).

export abstract class RequestView {
  /** One request header (lower-case name), or null when absent. Envoy joins repeated `origin`, ACRM and ACRH
   *  lines with "," (spec §2); other repeated headers come back as their first line. */
  abstract header(name: string): string | null;
  /** `:authority`: read by both rule selection (domain rules) and the same-origin check. */
  authority(): string | null { return this.header(":authority"); }
  /** Property `xds.route_name`, falling back to `route_name` (host-facts.md §4.4); null when neither exists. */
  abstract routeName(): string | null;
  /** Property `xds.cluster_name`, falling back to `cluster_name`. */
  abstract clusterName(): string | null;
}

/** A RequestView over a plain map (unit tests, benchmarks). */
export class MapRequest extends RequestView {
  headers: Map<string, string> = new Map<string, string>();
  route: string | null = null;
  cluster: string | null = null;

  set(name: string, value: string): MapRequest { this.headers.set(name, value); return this; }

  header(name: string): string | null {
    return this.headers.has(name) ? this.headers.get(name) : null;
  }
  routeName(): string | null { return this.route; }
  clusterName(): string | null { return this.cluster; }
}
