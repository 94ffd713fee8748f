// The host's inline-header lists (src/host/inline-headers.ts) are the pinned Envoy's: Envoy prints them at
// startup ("HTTP header map info", info level), and the host joins repeated lines of exactly these headers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bootstrap, pinnedEnvoyVersion, startEnvoy } from "../../src/envoy/index.js";
import { ENVOY_INLINE_HEADERS_VERSION, INLINE_REQUEST_HEADERS, INLINE_RESPONSE_HEADERS } from "../../src/host/index.js";

/** `request header map: 648 bytes: :authority,:method,…` → the names, per map. */
export function headerMapInfo(log: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of log.matchAll(/\]\s+(request header|response header|request trailer|response trailer) map: \d+ bytes: ?([^\n]*)/g)) {
    out.set(m[1], m[2].trim() === "" ? [] : m[2].trim().split(","));
  }
  return out;
}

test("the host's inline request and response headers are the ones the pinned Envoy prints at startup", async () => {
  assert.equal(ENVOY_INLINE_HEADERS_VERSION, pinnedEnvoyVersion(), "the lists were copied from another Envoy version");
  const envoy = await startEnvoy(bootstrap({ admin: { port: 0 }, clusters: [] }));
  try {
    const info = headerMapInfo(envoy.log());
    assert.ok(info.has("request header") && info.has("response header"), `no "HTTP header map info" in Envoy's log`);
    assert.deepEqual([...INLINE_REQUEST_HEADERS].sort(), [...info.get("request header")!].sort(), "request header map");
    assert.deepEqual([...INLINE_RESPONSE_HEADERS].sort(), [...info.get("response header")!].sort(), "response header map");
  } finally {
    await envoy.stop();
  }
});
