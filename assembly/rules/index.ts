// Higress `_rules_` matchers (spec §5, host-facts.md §6.3): pure functions, no host calls, never trap.
// The filter decides WHICH rule kind applies and reads the properties; these only compare strings.

import { lastIndexOfChar, regionEquals, regionEqualsFolded } from "../ascii";

/**
 * `:authority` without its port, as Envoy's `HeaderUtility::stripPortFromHost` (which Higress's
 * `stripPortFromHost` follows): the port is what follows the LAST `:` when it is all digits (1–5 of them,
 * at most 65535) and that `:` is not inside an IPv6 literal. `[::1]:8080` → `[::1]`, `[::1]` → `[::1]`,
 * `example.com:80` → `example.com`, `::1` (bare IPv6) and `example.com:abc` / `example.com:` unchanged.
 */
export function hostWithoutPort(authority: string): string {
  const colon = lastIndexOfChar(authority, 0x3a /* : */, authority.length - 1);
  if (colon < 0) return authority;
  const bracket = lastIndexOfChar(authority, 0x5d /* ] */, authority.length - 1);
  if (bracket >= 0) {
    // IPv6 literal: only a `:` after the closing bracket starts a port
    if (bracket > colon) return authority;
    if (bracket != colon - 1) return authority; // `[::1]x:80` is not host:port
  } else if (authority.indexOf(":") != colon) {
    return authority; // several colons without brackets: a bare IPv6 address, no port
  }
  const n = authority.length - colon - 1;
  if (n < 1 || n > 5) return authority;
  let port = 0;
  for (let i = colon + 1; i < authority.length; i++) {
    const c = <i32>authority.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return authority;
    port = port * 10 + (c - 0x30);
  }
  if (port > 65535) return authority;
  return authority.substring(0, colon);
}

/**
 * A `_match_domain_` entry against a host (already without port), ASCII case-insensitively (spec §5; Higress
 * itself is case-sensitive): `*suffix` = plain string suffix (`*.example.com` matches `a.example.com`, not
 * `example.com`; `*example.com` also matches `evilexample.com`, as in Higress), `prefix*` = string prefix,
 * otherwise exact. A leading `*` wins over a trailing one (`*foo*` is the suffix `foo*`), as in Higress.
 */
export function domainMatches(pattern: string, host: string): bool {
  const plen = pattern.length, hlen = host.length;
  if (plen > 0 && pattern.charCodeAt(0) == 0x2a /* * */) {
    const n = plen - 1;
    if (n > hlen) return false;
    return regionEqualsFolded(pattern, 1, host, hlen - n, n);
  }
  if (plen > 0 && pattern.charCodeAt(plen - 1) == 0x2a) {
    const n = plen - 1;
    if (n > hlen) return false;
    return regionEqualsFolded(pattern, 0, host, 0, n);
  }
  if (plen != hlen) return false;
  return regionEqualsFolded(pattern, 0, host, 0, plen);
}

/**
 * A `_match_service_` entry against an Envoy cluster name, as Higress's `serviceMatch`: the cluster name must
 * split on `|` into exactly 4 parts `direction|port|subset|fqdn` (`outbound|8080||svc.ns.svc.cluster.local`),
 * else nothing matches (an empty fqdn neither). `fqdn:port` (split at the LAST `:`) matches that fqdn and
 * port; the whole entry compared with the fqdn matches any port. Byte-exact, as Higress (Istio generates
 * lower-case cluster names).
 */
export function serviceMatches(pattern: string, clusterName: string): bool {
  // locate the three separators
  const p1 = clusterName.indexOf("|");
  if (p1 < 0) return false;
  const p2 = clusterName.indexOf("|", p1 + 1);
  if (p2 < 0) return false;
  const p3 = clusterName.indexOf("|", p2 + 1);
  if (p3 < 0) return false;
  if (clusterName.indexOf("|", p3 + 1) >= 0) return false; // more than 4 parts
  const fqdnStart = p3 + 1;
  const fqdnLen = clusterName.length - fqdnStart;
  if (fqdnLen == 0) return false;
  const portStart = p1 + 1;
  const portLen = p2 - portStart;

  const colon = lastIndexOfChar(pattern, 0x3a /* : */, pattern.length - 1);
  if (colon >= 0) {
    const pPortLen = pattern.length - colon - 1;
    if (colon == fqdnLen && pPortLen == portLen &&
        regionEquals(pattern, 0, clusterName, fqdnStart, fqdnLen) &&
        regionEquals(pattern, colon + 1, clusterName, portStart, portLen)) {
      return true;
    }
  }
  return pattern.length == fqdnLen && regionEquals(pattern, 0, clusterName, fqdnStart, fqdnLen);
}

/** `_match_route_`: exact (byte-for-byte) membership of the route name. */
export function routeMatches(routes: Array<string>, routeName: string): bool {
  for (let i = 0; i < routes.length; i++) {
    if (routes[i] == routeName) return true;
  }
  return false;
}
