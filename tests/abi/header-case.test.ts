// Header names in a listing are matched whatever their case: Envoy lists them lower-cased, Kong lists request and
// response headers with the case they arrived in (ngx_proxy_wasm_maps_get_all returns nginx's `key`, not
// `lowcase_key`), and a get is case-insensitive on every host. The filter reads the request headers and the
// upstream's Vary and CORS headers through listings (assembly/abi/headers.ts getHeaderValues, scanHeaders).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ensureBuilt, header, load, pairsOf, type HeaderList } from "./modules.js";

test("listed names in wire case: Origin is read, the upstream's Vary merged and its ACAO replaced", async () => {
  const h = await load(ensureBuilt());
  assert.equal(h.configure(JSON.stringify({ allow_origins: ["https://a.example"] })), true);
  const request: HeaderList = [[":method", "GET"], [":authority", "api.example"], [":scheme", "https"], ["origin", "https://a.example"]];
  const response: HeaderList = [[":status", "200"], ["vary", "Accept-Encoding"], ["access-control-allow-origin", "*"]];
  const s = h.newStream();
  // the listing shows the names as a Kong host would (host.faults "bytes": the answer given as is); gets, adds
  // and removes still act on the same map
  h.faults.set("proxy_get_header_map_pairs", { status: 0, mode: "bytes", bytes: pairsOf([[":method", "GET"], [":authority", "api.example"], [":scheme", "https"], ["Origin", "https://a.example"]]) });
  assert.equal(s.requestHeaders(request, false).kind, "continue");
  h.faults.set("proxy_get_header_map_pairs", { status: 0, mode: "bytes", bytes: pairsOf([[":status", "200"], ["Vary", "Accept-Encoding"], ["Access-Control-Allow-Origin", "*"]]) });
  const out = s.responseHeaders(response).headers;
  h.faults.delete("proxy_get_header_map_pairs");
  s.finish();
  assert.deepEqual(header(out, "access-control-allow-origin"), ["https://a.example"]);
  assert.deepEqual(header(out, "vary"), ["Accept-Encoding, Origin"]);
});
