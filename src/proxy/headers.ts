// Header plumbing between node:http and Envoy-style header maps.
import { randomUUID } from "node:crypto";
import type { HeaderList } from "./filter.js";

/** Hop-by-hop headers a proxy never forwards (RFC 9110 §7.6.1), plus every Proxy-* header. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"]);

/** The header names listed in Connection (all lines, comma-separated). */
export function connectionNamed(lines: HeaderList): Set<string> {
  const named = new Set<string>();
  for (const [k, v] of lines) {
    if (k.toLowerCase() !== "connection") continue;
    for (const t of v.split(",")) {
      const n = t.trim().toLowerCase();
      if (n !== "") named.add(n);
    }
  }
  return named;
}

export function isHopByHop(name: string, named: Set<string>): boolean {
  const n = name.toLowerCase();
  return HOP_BY_HOP.has(n) || n.startsWith("proxy-") || named.has(n);
}

/** Remove hop-by-hop headers (and those named in Connection), keeping order and repeated lines. */
export function stripHopByHop(lines: HeaderList): HeaderList {
  const named = connectionNamed(lines);
  return lines.filter(([k]) => !isHopByHop(k, named));
}

/** node's rawHeaders (flat [name, value, …]) → lines with lower-cased names, order and repeats kept. */
export function fromRaw(raw: string[]): HeaderList {
  const out: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i].toLowerCase(), raw[i + 1]]);
  return out;
}

/** Envoy-style request headers: pseudo-headers first, Host → :authority, other lines lower-cased. */
export function toEnvoyRequest(
  method: string,
  url: string,
  scheme: "http" | "https",
  raw: string[],
): HeaderList {
  const lines = stripHopByHop(fromRaw(raw));
  let authority = "";
  // absolute-form request target (a client configured to use this as an HTTP proxy): Envoy takes the
  // authority from it and keeps only path + query in :path
  const abs = /^https?:\/\/([^/?#]*)([^#]*)/i.exec(url);
  if (abs) {
    authority = abs[1];
    url = abs[2] === "" ? "/" : abs[2].startsWith("/") ? abs[2] : "/" + abs[2];
  }
  const rest: HeaderList = [];
  for (const [k, v] of lines) {
    if (k === "host") {
      if (authority === "") authority = v;
      continue;
    }
    rest.push([k, v]);
  }
  return [[":authority", authority], [":path", url], [":method", method], [":scheme", scheme], ...rest];
}

/**
 * What Envoy's connection manager adds to a request before any filter sees it (mutateRequestHeaders, measured
 * in Envoy 1.40 with the defaults the project's bootstraps use): `x-forwarded-proto` = the connection's scheme
 * when the client sent none, and a generated `x-request-id` when it sent none; both at the end of the map.
 */
export function addEnvoyRequestHeaders(lines: HeaderList, scheme: "http" | "https"): HeaderList {
  const out = lines.slice();
  if (!out.some(([k]) => k === "x-forwarded-proto")) out.push(["x-forwarded-proto", scheme]);
  if (!out.some(([k]) => k === "x-request-id")) out.push(["x-request-id", randomUUID()]);
  return out;
}

/** Pseudo-header value (first line) or undefined. */
export function pseudo(lines: HeaderList, name: string): string | undefined {
  for (const [k, v] of lines) if (k === name) return v;
  return undefined;
}

/** Lines without pseudo-headers, as a flat array for node (writeHead / request accept that form). */
export function toFlat(lines: HeaderList): string[] {
  const out: string[] = [];
  for (const [k, v] of lines) {
    if (k.startsWith(":")) continue;
    out.push(k, v);
  }
  return out;
}

/** Request body present? Envoy calls on_request_headers with end_of_stream=true for a bodiless request. */
export function requestHasBody(raw: HeaderList): boolean {
  let te = false;
  let cl: string | undefined;
  for (const [k, v] of raw) {
    if (k === "transfer-encoding") te = true;
    if (k === "content-length" && cl === undefined) cl = v.trim();
  }
  if (te) return true;
  return cl !== undefined && cl !== "0";
}
