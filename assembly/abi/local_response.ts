// proxy_send_local_response: status, details (ASCII, Envoy turns spaces into '_'), body (UTF-8) and
// headers (serialised map, Latin-1). grpc_status -1 = a plain HTTP reply.

import { proxy_send_local_response } from "./imports";
import { Status, HeaderPair } from "./types";
import { outBuffer, writeLatin1, utf8Length, writeUtf8 } from "./bytes";

export function sendLocalResponse(status: u32, details: string, body: string, headers: Array<HeaderPair>): Status {
  const count = headers.length;
  let mapSize: usize = 4 + (<usize>count << 3);
  for (let i = 0; i < count; ++i) {
    const h = unchecked(headers[i]);
    mapSize += <usize>h.name.length + <usize>h.value.length + 2;
  }
  const detailsSize = <usize>details.length;
  const bodySize = utf8Length(body);
  const out = outBuffer(mapSize + detailsSize + bodySize);
  const base = changetype<usize>(out);
  // headers map
  store<u32>(base, <u32>count);
  let data = base + 4 + (<usize>count << 3);
  for (let i = 0; i < count; ++i) {
    const h = unchecked(headers[i]);
    const at = base + 4 + (<usize>i << 3);
    const klen = writeLatin1(h.name, data);
    data += klen;
    store<u8>(data++, 0);
    const vlen = writeLatin1(h.value, data);
    data += vlen;
    store<u8>(data++, 0);
    store<u32>(at, <u32>klen);
    store<u32>(at, <u32>vlen, 4);
  }
  const detailsPtr = base + mapSize;
  writeLatin1(details, detailsPtr);
  const bodyPtr = detailsPtr + detailsSize;
  writeUtf8(body, bodyPtr);
  return <Status>proxy_send_local_response(status, detailsPtr, detailsSize, bodyPtr, bodySize, base, mapSize, -1);
}
