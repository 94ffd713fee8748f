// Header names in a listing are matched whatever their case: Envoy lists them lower-cased, Kong lists request and
// response headers with the case they arrived in (ngx_proxy_wasm_maps_get_all returns nginx's `key`, not
// `lowcase_key`), and a get is case-insensitive on every host. The filter reads the request headers and the
// upstream's Vary and CORS headers through listings (assembly/abi/headers.ts getHeaderValues, scanHeaders).
import { test } from "node:test";
import assert from "node:assert/strict";
import { MiniHost, ensureBuilt, header, serializePairs, type HeaderList } from "./harness.js";

test("listed names in wire case: Origin is read, the upstream's Vary merged and its ACAO replaced", async () => {
  const h = await MiniHost.load(ensureBuilt());
  const r = h.createRoot(JSON.stringify({ allow_origins: ["https://a.example"] }));
  assert.equal(r.configured, 1);
  const request: HeaderList = [[":method", "GET"], [":authority", "api.example"], [":scheme", "https"], ["origin", "https://a.example"]];
  const response: HeaderList = [[":status", "200"], ["vary", "Accept-Encoding"], ["access-control-allow-origin", "*"]];
  const id = h.newStream(r.id);
  // the listing shows the names as a Kong host would; gets still see the same map
  h.rawPairs = serializePairs([[":method", "GET"], [":authority", "api.example"], [":scheme", "https"], ["Origin", "https://a.example"]]);
  h.requestHeaders(id, request);
  h.rawPairs = serializePairs([[":status", "200"], ["Vary", "Accept-Encoding"], ["Access-Control-Allow-Origin", "*"]]);
  const out = h.responseHeaders(id, response);
  h.rawPairs = null;
  h.finish(id);
  assert.deepEqual(header(out, "access-control-allow-origin"), ["https://a.example"]);
  assert.deepEqual(header(out, "vary"), ["Accept-Encoding, Origin"]);
});
