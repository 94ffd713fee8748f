// Envoy bootstrap generator for the Envoy benchmark (bench/envoy/run.ts). One Envoy per setup, one listener per
// scenario (each with its own policy), so a setup's Envoy starts once and the rounds interleave setups and
// scenarios without restarts. Output is JSON, which Envoy reads as YAML. Kept separate from src/envoy (the
// user-facing CLI) on purpose: the bench needs floors, the native filter and an upstream that the CLI has no use for.

import { wasmFilter } from "../../src/envoy/bootstrap.js";

export type SetupName = "none" | "native" | "F1" | "F2" | "filter";
export const SETUPS: SetupName[] = ["none", "native", "F1", "F2", "filter"];
export const SETUP_LABEL: Record<SetupName, string> = {
  none: "no filter", native: "Envoy native CORS", F1: "no-op wasm (F1)", F2: "minimal I/O (F2)", filter: "this filter",
};

export interface Policy {
  name: string;
  /** The filter's JSON configuration. */
  filter: Record<string, unknown>;
  /** Envoy's route CorsPolicy with the same meaning, or null when Envoy cannot express it (then "—"). */
  native: Record<string, unknown> | null;
}

const methods = ["GET", "PUT", "POST", "DELETE", "PATCH"];
const headers = ["Content-Type", "Authorization", "X-Requested-With"];
const base = { allow_methods: methods, allow_headers: headers, max_age: 600 };
const nativeBase = { allow_methods: methods.join(","), allow_headers: headers.join(","), max_age: "600" };
const exact = (o: string) => ({ exact: o });
// Envoy has no "*.example.com" pattern: the equivalent is an anchored RE2 regex (safe_regex matches the whole string).
const patternRegex = (host: string) => ({ safe_regex: { regex: `https://[^./]+\\.${host.replace(/\./g, "\\.")}` } });

const bigOrigins = Array.from({ length: 10_000 }, (_, i) => `https://app${i}.example.com`);
const bigPatterns = Array.from({ length: 1_000 }, (_, i) => `tenant${i}.example.com`);
const regexes = Array.from({ length: 10 }, (_, i) => `https://[a-z0-9-]+\\.r${i}\\.example\\.com`);

export const POLICIES: Record<string, Policy> = {
  one: {
    name: "one",
    filter: { allow_origins: ["https://app.example.com"], ...base },
    native: { allow_origin_string_match: [exact("https://app.example.com")], ...nativeBase },
  },
  big: {
    name: "big",
    // The allowed origin of the scenario is the last exact entry, so a linear scan would show.
    filter: { allow_origins: [...bigOrigins, "https://app.example.com"], allow_origin_patterns: bigPatterns.map((h) => `https://*.${h}`), ...base },
    native: { allow_origin_string_match: [...bigOrigins, "https://app.example.com"].map(exact).concat(bigPatterns.map(patternRegex) as never[]), ...nativeBase },
  },
  regex: {
    name: "regex",
    filter: { allow_origin_regexes: regexes, ...base },
    native: { allow_origin_string_match: regexes.map((r) => ({ safe_regex: { regex: r } })), ...nativeBase },
  },
  rules: {
    name: "rules",
    // 20 domain rules; the request's Host matches the last one. Envoy's native filter has no per-domain rule list
    // inside one route (it would take 20 virtual hosts), so "—".
    filter: {
      _rules_: Array.from({ length: 20 }, (_, i) => ({ _match_domain_: [`api${i}.example.com`], allow_origins: [`https://app${i}.example.com`], ...base })),
    },
    native: null,
  },
};

export interface Scenario {
  name: string;
  label: string;
  policy: keyof typeof POLICIES;
  method: "GET" | "OPTIONS";
  headers: Record<string, string>;
  /** Status the client must get from this filter (the bench checks it before measuring). */
  expectStatus: number;
  /** Expected access-control-allow-origin from this filter (null = absent). */
  expectAcao: string | null;
  /** Upstream listener: "plain" or "vary" (sends its own Vary and CORS headers). */
  upstream: "plain" | "vary";
  /** Setups that run it: the floors ignore policies, so they run only the scenarios that differ in I/O. */
  setups: SetupName[];
}

const ALL: SetupName[] = SETUPS;
const POLICY_SETUPS: SetupName[] = ["none", "native", "filter"];
const O = "https://app.example.com";
export const SCENARIOS: Scenario[] = [
  { name: "actual", label: "actual GET, allowed origin", policy: "one", method: "GET", headers: { origin: O }, expectStatus: 200, expectAcao: O, upstream: "plain", setups: ALL },
  { name: "no-origin", label: "request without Origin", policy: "one", method: "GET", headers: {}, expectStatus: 200, expectAcao: null, upstream: "plain", setups: ALL },
  { name: "preflight", label: "preflight, allowed (answered locally)", policy: "one", method: "OPTIONS", headers: { origin: O, "access-control-request-method": "PUT", "access-control-request-headers": "content-type" }, expectStatus: 200, expectAcao: O, upstream: "plain", setups: ALL },
  { name: "preflight-rejected", label: "preflight, rejected (403)", policy: "one", method: "OPTIONS", headers: { origin: "https://evil.example.org", "access-control-request-method": "PUT" }, expectStatus: 403, expectAcao: null, upstream: "plain", setups: ALL },
  { name: "big", label: "10,000 origins + 1,000 patterns (actual)", policy: "big", method: "GET", headers: { origin: O }, expectStatus: 200, expectAcao: O, upstream: "plain", setups: POLICY_SETUPS },
  { name: "regex", label: "regex policy (actual)", policy: "regex", method: "GET", headers: { origin: "https://x-1.r9.example.com" }, expectStatus: 200, expectAcao: "https://x-1.r9.example.com", upstream: "plain", setups: POLICY_SETUPS },
  { name: "rules", label: "_rules_, 20 domain rules (actual)", policy: "rules", method: "GET", headers: { origin: "https://app19.example.com", host: "api19.example.com" }, expectStatus: 200, expectAcao: "https://app19.example.com", upstream: "plain", setups: POLICY_SETUPS },
  { name: "vary", label: "upstream sends its own Vary and CORS headers", policy: "one", method: "GET", headers: { origin: O }, expectStatus: 200, expectAcao: O, upstream: "vary", setups: ALL },
];

export interface Ports { admin: number; listeners: Record<string, number> }
export interface Paths { filter: string; F1: string; F2: string }

export const UPSTREAM_PORTS = { admin: 20090, plain: 20091, vary: 20092 };
/** Ports of one setup's Envoy: admin 20100 + 20·i, listeners after it. */
export function portsFor(setup: SetupName): Ports {
  const b = 20100 + 20 * SETUPS.indexOf(setup);
  const listeners: Record<string, number> = {};
  SCENARIOS.forEach((s, i) => { listeners[s.name] = b + 1 + i; });
  return { admin: b, listeners };
}

/** Whether a setup can express a scenario (else the cell is "—"). */
export function runs(setup: SetupName, s: Scenario): boolean {
  if (!s.setups.includes(setup)) return false;
  if (setup === "native" && POLICIES[s.policy].native === null) return false;
  return true;
}

const addr = (port: number) => ({ socket_address: { address: "127.0.0.1", port_value: port } });
const HCM = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const ROUTER = { name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } };

function listener(name: string, port: number, routeExtra: Record<string, unknown>, filters: unknown[], cluster: string) {
  return {
    name, address: addr(port),
    filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: {
      "@type": HCM, stat_prefix: name, codec_type: "AUTO",
      route_config: { name, virtual_hosts: [{ name, domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster }, ...routeExtra }] }] },
      http_filters: [...filters, ROUTER],
    } }] }],
  };
}

const cluster = (name: string, port: number) => ({
  name, type: "STATIC", connect_timeout: "1s",
  load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: addr(port) } }] }] },
});

/** The bootstrap of one setup's Envoy: a listener per scenario it runs. */
export function setupConfig(setup: SetupName, paths: Paths): Record<string, unknown> {
  const ports = portsFor(setup);
  const listeners = SCENARIOS.filter((s) => runs(setup, s)).map((s) => {
    const p = POLICIES[s.policy];
    let filters: unknown[] = [];
    let routeExtra: Record<string, unknown> = {};
    if (setup === "native") {
      filters = [{ name: "envoy.filters.http.cors", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors" } }];
      routeExtra = { typed_per_filter_config: { "envoy.filters.http.cors": { "@type": "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy", ...p.native } } };
    } else if (setup !== "none") {
      // one plugin (root context) per listener, all in one VM per module, as a gateway with many routes would
      filters = [wasmFilter({ name: s.name, vmId: "bench", wasm: paths[setup], configuration: JSON.stringify(p.filter) })];
    }
    return listener(s.name, ports.listeners[s.name], routeExtra, filters, `upstream_${s.upstream}`);
  });
  return {
    admin: { address: addr(ports.admin) },
    static_resources: { listeners, clusters: [cluster("upstream_plain", UPSTREAM_PORTS.plain), cluster("upstream_vary", UPSTREAM_PORTS.vary)] },
  };
}

/** The upstream: a second Envoy answering with direct_response (cheaper than a Node server, and a C++ path like
 *  a real backend's proxy). "vary" sends its own Vary and CORS headers, which the filter must merge / replace. */
export function upstreamConfig(): Record<string, unknown> {
  const up = (name: string, port: number, hdrs: Record<string, string>) => ({
    name, address: addr(port),
    filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: {
      "@type": HCM, stat_prefix: name, codec_type: "AUTO",
      route_config: { name, virtual_hosts: [{ name, domains: ["*"],
        response_headers_to_add: Object.entries(hdrs).map(([key, value]) => ({ header: { key, value }, append_action: "APPEND_IF_EXISTS_OR_ADD" })),
        routes: [{ match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: "ok\n" } } }] }] },
      http_filters: [ROUTER],
    } }] }],
  });
  return {
    admin: { address: addr(UPSTREAM_PORTS.admin) },
    static_resources: { listeners: [
      up("plain", UPSTREAM_PORTS.plain, {}),
      up("vary", UPSTREAM_PORTS.vary, { vary: "Accept-Encoding", "access-control-allow-origin": "*", "access-control-allow-credentials": "true", "access-control-expose-headers": "X-Upstream" }),
    ] },
  };
}
