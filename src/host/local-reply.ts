// Envoy's local reply (Http::Utility::sendLocalReply / encodeLocalReply, host-facts.md §4.2, §4.3):
// headers = :status, then the module's headers (addCopy: duplicates possible), then for a non-empty body
// content-length and — unless the module set one — content-type: text/plain.

import type { PendingLocalReply } from "./context.js";
import { HeaderMap, INLINE_RESPONSE_HEADERS } from "./headers.js";

export function localReplyMap(r: PendingLocalReply): HeaderMap {
  const m = new HeaderMap(INLINE_RESPONSE_HEADERS);
  m.add(":status", String(r.status));
  for (const [k, v] of r.headers) m.add(k, v);
  if (r.body.length > 0) {
    m.replace("content-length", String(r.body.length));
    if (m.get("content-type") === null) m.add("content-type", "text/plain");
  }
  return m;
}

/** FAIL_CLOSED: failStream → sendLocalReply(503, "", …, Unavailable, "wasm_fail_stream"). */
export function failStreamReply(): PendingLocalReply {
  return { status: 503, details: "wasm_fail_stream", body: "", headers: [], grpcStatus: 14 };
}

export function statusOf(m: HeaderMap): number {
  const s = m.get(":status");
  const n = s === null ? NaN : Number(s);
  return Number.isInteger(n) ? n : 0;
}
