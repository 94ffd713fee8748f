// Spec §6: memory is reclaimed per request — linear memory after many requests equals memory after the first
// 1,000 (to the page). Runs the shared request tables through the real build/cors.wasm in the host, with
// upstream responses that carry Vary and CORS headers, and prints the page counts (reported in the README).
// With examples/cors.json the module stays within 2 pages (64 KiB each), from configure on (docs/abi.md "Memory").
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

const upstream = {
  status: 200,
  headers: { vary: ["Accept-Encoding", "Cookie"], "access-control-allow-origin": "*", "content-type": "application/json" },
};
const asSim = (r: (typeof requestTables)[number]["requests"][number]): SimRequest => ({
  method: r.method, scheme: r.scheme, headers: r.headers, properties: r.props,
});

test(`examples/cors.json: at most 2 pages after configure and over ${REQUESTS} requests of every table`, async () => {
  const host = await ProxyWasmHost.load(wasm, { legacyProperties: true });
  assert.equal(host.configure(readFileSync(new URL("../../../examples/cors.json", import.meta.url), "utf8")), true);
  const afterConfigure = pages(host);
  const requests = requestTables.flatMap((t) => t.requests.map(asSim));
  for (let i = 0; i < REQUESTS; i++) host.simulate(requests[i % requests.length], upstream);
  const afterAll = pages(host);
  assert.equal(host.failed, false, host.failure ?? "");
  console.log(`# pages (examples/cors.json): configure ${afterConfigure}, after ${REQUESTS} ${afterAll}`);
  assert.ok(afterConfigure <= 2, `${afterConfigure} pages after configure`);
  assert.ok(afterAll <= 2, `${afterAll} pages after ${REQUESTS} requests`);
});

for (const table of requestTables) {
  test(`memory is flat over ${REQUESTS} requests: ${table.name}`, async () => {
    const host = await ProxyWasmHost.load(wasm, { legacyProperties: true });
    assert.equal(host.configure(JSON.stringify(table.config)), true);
    const afterConfigure = pages(host);
    const requests: SimRequest[] = table.requests.map(asSim);
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
