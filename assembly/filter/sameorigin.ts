// Same-origin requests are not CORS requests (spec §2 step 3; browsers send Origin on same-origin POSTs,
// fetch#origin-header). Reads as few headers as possible: `sec-fetch-site` is checked
// by the caller; here `:authority` first (most cross-origin requests differ in host and stop there), then
// the effective scheme.

import { RequestView } from "./request";
import { ParsedOrigin, Authority, parseAuthority } from "../compile/origin";
import { charAt, equalsFolded, isOws, regionEqualsFolded } from "../ascii";
import { defaultPort } from "../compile/origin";

const authority = new Authority();

export function isSameOrigin(o: ParsedOrigin, req: RequestView): bool {
  const a = req.authority();
  if (a === null || !parseAuthority(a, authority)) return false;
  // host: case-insensitive (RFC 3986 §3.2.2)
  const hostLength = o.hostEnd - o.hostStart;
  if (authority.hostEnd - authority.hostStart != hostLength ||
      !regionEqualsFolded(o.value, o.hostStart, a, authority.hostStart, hostLength)) return false;

  // E = first token of x-forwarded-proto (a TLS-terminating balancer in front leaves :scheme as http),
  // trimmed, case-insensitive; else :scheme
  let s = req.header("x-forwarded-proto");
  let start = 0;
  let end = 0;
  if (s !== null) {
    const n = s.length;
    while (start < n && isOws(charAt(s, start))) start++;
    end = start;
    while (end < n && charAt(s, end) != 44) end++;
    while (end > start && isOws(charAt(s, end - 1))) end--;
  } else {
    s = req.header(":scheme");
    if (s === null) return false;
    end = s.length;
  }
  if (!equalsFolded(s, start, end, o.scheme)) return false;

  // port: the authority's, else E's default (E equals the origin's scheme here)
  const port = authority.port >= 0 ? authority.port : defaultPort(o.scheme);
  return o.effectivePort == port;
}
