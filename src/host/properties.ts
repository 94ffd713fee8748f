// proxy_get_property path resolution per profile (host-facts.md §4.4, §3.1, §3.2).
// Envoy: path segments joined by \0; wasm-only plugin_name / plugin_root_id / plugin_vm_id; xds.* from the
// host's route/cluster; request.* from the request headers; top-level route_name / cluster_name only with
// `legacyProperties` (Higress fork; upstream Envoy ≥1.33 removed them). Anything unknown → NOT_FOUND.
// Kong: plugin_name, plugin_root_id, request.*, given properties; route_name/cluster_name/xds.* "Not supported".
// APISIX: plugin_root_id returns the plugin name; any other path is an nginx variable name (lower-cased).

import type { HeaderMap } from "./headers.js";
import type { Profile } from "./types.js";

export interface PropertyScope {
  profile: Profile;
  legacy: boolean;
  pluginName: string;
  rootId: string;
  vmId: string;
  vm: Map<string, string>;
  stream: Map<string, string> | null;
  /** values set by the module with proxy_set_property (per stream, or root) */
  set: Map<string, string> | null;
  request: HeaderMap | null; // the request as received (for request.*)
}

/** "route_name" / "cluster_name" given by a caller mean the xds.* attributes. */
export function normalizePropertyKey(key: string): string {
  if (key === "route_name") return "xds.route_name";
  if (key === "cluster_name") return "xds.cluster_name";
  return key;
}

export function toPropertyMap(rec: Record<string, string> | undefined): Map<string, string> {
  const m = new Map<string, string>();
  if (rec) for (const [k, v] of Object.entries(rec)) m.set(normalizePropertyKey(k), v);
  return m;
}

function lookup(scope: PropertyScope, key: string): string | undefined {
  const s = scope.stream?.get(key);
  if (s !== undefined) return s;
  return scope.vm.get(key);
}

function requestAttr(req: HeaderMap | null, attr: string): string | undefined {
  if (!req) return undefined;
  switch (attr) {
    case "path":
      return req.get(":path") ?? undefined;
    case "url_path": {
      const p = req.get(":path");
      if (p === null) return undefined;
      const q = p.indexOf("?");
      return q < 0 ? p : p.slice(0, q);
    }
    case "query": {
      const p = req.get(":path");
      if (p === null) return undefined;
      const q = p.indexOf("?");
      return q < 0 ? "" : p.slice(q + 1);
    }
    case "host":
      return req.get(":authority") ?? undefined;
    case "scheme":
      return req.get(":scheme") ?? undefined;
    case "method":
      return req.get(":method") ?? undefined;
    case "referer":
      return req.get("referer") ?? undefined;
    case "useragent":
      return req.get("user-agent") ?? undefined;
    case "id":
      return req.get("x-request-id") ?? undefined;
  }
  return undefined;
}

/** The property value (bytes as a Latin-1 string), or undefined → NOT_FOUND. */
export function resolveProperty(scope: PropertyScope, path: string): string | undefined {
  if (scope.profile === "apisix") {
    if (path === "plugin_root_id") return scope.pluginName;
    const v = scope.set?.get(path) ?? lookup(scope, path.toLowerCase());
    return v;
  }
  const segments = path.split("\0");
  if (segments.length > 1 && segments[segments.length - 1] === "") segments.pop();
  const key = segments.join(".");
  const fromSet = scope.set?.get(path);
  if (fromSet !== undefined) return fromSet;
  switch (key) {
    case "plugin_name":
      return scope.pluginName;
    case "plugin_root_id":
      return scope.rootId;
    case "plugin_vm_id":
      return scope.profile === "envoy" ? scope.vmId : undefined;
    case "route_name":
    case "cluster_name":
      if (scope.profile === "envoy" && scope.legacy) return lookup(scope, "xds." + key);
      return undefined;
  }
  if (segments[0] === "xds" && scope.profile !== "envoy") return undefined;
  if (segments[0] === "request" && segments.length === 2) {
    const given = lookup(scope, key);
    if (given !== undefined) return given;
    return requestAttr(scope.request, segments[1]);
  }
  return lookup(scope, key);
}
