// Spec §6: memory is reclaimed per request — linear memory after many requests equals memory after the first
// 1,000 (to the page). Runs the shared request tables through the real build/cors.wasm in the host, with
// upstream responses that carry Vary and CORS headers, and prints the page counts (reported in the README).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ProxyWasmHost } from "../../src/host/index.js";
import type { SimRequest } from "../../src/host/index.js";
import { requestTables } from "../cases/requests.js";

const wasmPath = process.env.CORS_WASM ?? new URL("../../../build/cors.wasm", import.meta.url).pathname;
const wasm = readFileSync(wasmPath);
// 20,000 per table keeps `make test` quick; CORS_MEMORY_REQUESTS=100000 for the figure in the README.
const REQUESTS = Number(process.env.CORS_MEMORY_REQUESTS ?? 20_000);

const pages = (host: ProxyWasmHost): number => (host.exports.memory as WebAssembly.Memory).buffer.byteLength / 65536;

for (const table of requestTables) {
  test(`memory is flat over ${REQUESTS} requests: ${table.name}`, async () => {
    const host = await ProxyWasmHost.load(wasm, { legacyProperties: true });
    assert.equal(host.configure(JSON.stringify(table.config)), true);
    const afterConfigure = pages(host);
    const requests: SimRequest[] = table.requests.map((r) => ({
      method: r.method, scheme: r.scheme, headers: r.headers, properties: r.props,
    }));
    const upstream = {
      status: 200,
      headers: { vary: ["Accept-Encoding", "Cookie"], "access-control-allow-origin": "*", "content-type": "application/json" },
    };
    const run = (n: number): void => {
      for (let i = 0; i < n; i++) host.simulate(requests[i % requests.length], upstream);
    };
    run(1_000);
    const afterFirst = pages(host);
    run(REQUESTS);
    const afterAll = pages(host);
    assert.equal(host.failed, false, host.failure ?? "");
    assert.equal(host.contextCount, 1, "every stream context was deleted");
    console.log(`# pages: configure ${afterConfigure}, after 1,000 ${afterFirst}, after ${1_000 + REQUESTS} ${afterAll} (${table.name})`);
    assert.equal(afterAll, afterFirst, "linear memory grew after the first 1,000 requests");
  });
}
