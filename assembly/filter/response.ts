// The response phase (spec §4): the filter owns CORS on every response of a request its policy applies to —
// upstream CORS headers are removed, the Decision's grant added, the Vary merged across ALL vary lines.
// Also builds the header list of the filter's own local preflight reply.

import { MapType, HeaderPair, scanHeaders, addHeader, replaceHeader, removeHeader, sendLocalResponse } from "../abi";
import { VARY_ORIGIN, VARY_PREFLIGHT } from "../compile/policy";
import { Decision, VaryKind } from "./decision";
import { mergeVary } from "./vary";

export const ACAO = "access-control-allow-origin";
export const ACAC = "access-control-allow-credentials";
export const ACAM = "access-control-allow-methods";
export const ACAH = "access-control-allow-headers";
export const ACEH = "access-control-expose-headers";
export const ACMA = "access-control-max-age";
export const ACAPN = "access-control-allow-private-network";
export const TAO = "timing-allow-origin";
const VARY = "vary";

const ORIGIN_TOKENS: Array<string> = ["Origin"];
const PREFLIGHT_TOKENS: Array<string> = ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"];

/** The lines of a preflight reply, reused by every one (a reply is serialised by sendLocalResponse before the
 *  next one is built): no Array and no HeaderPair allocated per request. The names never change; the values are
 *  set per reply, and the lines a reply does not carry are left out by the length. */
const replyLines: Array<HeaderPair> = [
  new HeaderPair(ACAO, ""), new HeaderPair(ACAC, ""), new HeaderPair(ACAM, ""), new HeaderPair(ACAH, ""),
  new HeaderPair(ACMA, ""), new HeaderPair(ACAPN, ""), new HeaderPair(VARY, ""),
];
const lines = new Array<HeaderPair>(0);

function line(n: i32, name: i32, value: string): i32 {
  const h = unchecked(replyLines[name]);
  h.value = value;
  unchecked(lines[n] = h);
  return n + 1;
}

/** Sends the local reply to an allowed preflight: `status`, the grant and the preflight Vary (spec §2.5; local
 *  replies carry every header themselves, host-facts.md §0.6). */
export function sendPreflightReply(status: u32, d: Decision): void {
  sendLocalResponse(status, "cors_preflight", "", preflightReplyHeaders(d));
  // the request's strings (its Origin may be long) are not kept alive until the next preflight
  for (let i = 0, n = replyLines.length; i < n; i++) unchecked(replyLines[i]).value = "";
}

/** The grant lines of a preflight reply; valid until the next call. */
function preflightReplyHeaders(d: Decision): Array<HeaderPair> {
  lines.length = 7;
  let n = 0;
  const acao = d.acao;
  if (acao !== null) n = line(n, 0, acao);
  if (d.acac) n = line(n, 1, "true");
  const acam = d.acam;
  if (acam !== null) n = line(n, 2, acam);
  const acah = d.acah;
  if (acah !== null) n = line(n, 3, acah);
  const acma = d.acma;
  if (acma !== null) n = line(n, 4, acma);
  if (d.acapn) n = line(n, 5, "true");
  n = line(n, 6, VARY_PREFLIGHT);
  lines.length = n;
  return lines;
}

// bits of the CORS headers present in the upstream response: bit i = CORS_NAMES[i]
const P_ACAO = 1, P_ACAC = 2, P_ACAM = 4, P_ACAH = 8, P_ACEH = 16, P_ACMA = 32, P_ACAPN = 64, P_TAO = 128;
const CORS_NAMES: Array<string> = [ACAO, ACAC, ACAM, ACAH, ACEH, ACMA, ACAPN, TAO];

/** The upstream's vary lines, refilled by every applyResponse (response phases never run concurrently). */
const varyLines = new Array<string>();

/** Rewrites the response headers of a forwarded request. */
export function applyResponse(d: Decision): void {
  const map = MapType.ResponseHeaders;
  // names arrive lower-cased (Envoy keys are LowerCaseString, host-facts.md §4.1); only CORS and vary matter,
  // so the scan decodes nothing but the vary values
  varyLines.length = 0;
  let present = scanHeaders(map, CORS_NAMES, VARY, varyLines);
  // the host would not list them: remove every one we do not set
  if (present < 0) present = 0xff;

  // remove the upstream's CORS headers, set ours (APISIX: "the CORS plugin overrides the CORS headers from
  // upstream"; a duplicated ACAO fails in browsers, fetch#cors-check)
  set(map, ACAO, d.acao, present & P_ACAO);
  set(map, ACAC, d.acac ? "true" : null, present & P_ACAC);
  set(map, ACAM, d.acam, present & P_ACAM);
  set(map, ACAH, d.acah, present & P_ACAH);
  set(map, ACEH, d.aceh, present & P_ACEH);
  set(map, ACMA, d.acma, present & P_ACMA);
  set(map, ACAPN, d.acapn ? "true" : null, present & P_ACAPN);
  const tao = d.tao;
  if (tao !== null) {
    if (present & P_TAO) replaceHeader(map, TAO, tao);
    else addHeader(map, TAO, tao);
  }

  // Vary (spec §4, RFC 9110 §12.5.5)
  if (d.vary == VaryKind.None) return;
  const preflight = d.vary == VaryKind.Preflight;
  if (varyLines.length == 0) {
    // no upstream Vary (or the lines could not be read: a plain add keeps whatever is there)
    addHeader(map, VARY, preflight ? VARY_PREFLIGHT : VARY_ORIGIN);
    return;
  }
  const merged = mergeVary(varyLines, preflight ? PREFLIGHT_TOKENS : ORIGIN_TOKENS);
  varyLines.length = 0; // not kept alive until the next collection
  if (merged === null) return;
  // remove every vary line, then add the one combined value
  removeHeader(map, VARY);
  addHeader(map, VARY, merged);
}

function set(map: MapType, name: string, value: string | null, present: i32): void {
  if (value !== null) {
    if (present) replaceHeader(map, name, value); // replace = remove every line, then add one (Envoy setCopy)
    else addHeader(map, name, value);
  } else if (present) {
    removeHeader(map, name);
  }
}
