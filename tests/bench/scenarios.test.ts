// The benchmark grid is also a test table: every scenario must get the verdict its name claims, through the
// real build/cors.wasm in the host, before any figure measured on it means anything.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ProxyWasmHost } from "../../src/host/index.js";
import { scenarios, upstreamResponse } from "../cases/grid.js";

const wasm = readFileSync("build/cors.wasm");

for (const s of scenarios) {
  test(`bench scenario ${s.name}`, async () => {
    const host = await ProxyWasmHost.load(wasm, {});
    assert.equal(host.configure(JSON.stringify(s.config.config)), true, host.logs.map((l) => l.message).join("\n"));
    const stream = host.newStream();
    const outcome = stream.requestHeaders(s.request, true);
    let status: number | null = null;
    let headers;
    if (outcome.kind === "local") {
      status = outcome.status;
      headers = outcome.headers;
    } else {
      assert.equal(outcome.kind, "continue");
      headers = stream.responseHeaders(upstreamResponse, false).headers;
    }
    stream.finish();
    assert.equal(status, s.expectStatus);
    const acao = headers.filter(([k]) => k === "access-control-allow-origin").map(([, v]) => v);
    assert.deepEqual(acao, s.expectAcao === null ? [] : [s.expectAcao]);
    assert.equal(host.failed, false);
  });
}
