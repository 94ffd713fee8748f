// The real filter (build/cors.wasm, built by `make wasm`) links under all three profiles.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { ProxyWasmHost } from "../../src/host/index.js";
import { ROOT } from "./helpers.js";

const path = `${ROOT}build/cors.wasm`;

for (const profile of ["envoy", "kong", "apisix"] as const) {
  test(`build/cors.wasm links and configures under the ${profile} profile`, async () => {
    assert.ok(existsSync(path), `${path} is missing: make test builds it first (make build)`);
    const host = await ProxyWasmHost.load(readFileSync(path), { profile, pluginName: "cors", rootId: "" });
    assert.equal(host.failed, false);
    assert.equal(host.configure("{}"), true, host.logs.map((l) => l.message).join("\n"));
    const r = host.simulate({ method: "GET", headers: { host: "h" } }, { status: 200 });
    assert.equal(host.failed, false, host.failure ?? "");
    assert.equal(r.reachesUpstream, true);
  });
}
