// The conformance suite: EVERY case of tests/conformance/cases.json through the real build/cors.wasm in
// the Envoy-faithful host (src/host), one node:test test per case id, run exactly as the suite's README says.
// A case that fails stays failing: cases are never edited or skipped here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ProxyWasmHost } from "../../src/host/index.js";
import type { SimResult } from "../../src/host/index.js";
import { loadCases, checkHeaders } from "./cases.js";
import type { ConformanceCase } from "./cases.js";

const wasmPath = process.env.CORS_WASM ?? new URL("../../../build/cors.wasm", import.meta.url).pathname;
const wasm = readFileSync(wasmPath);

const cases = loadCases();

async function freshHost(): Promise<ProxyWasmHost> {
  return ProxyWasmHost.load(wasm, { profile: "envoy", legacyProperties: true });
}

async function runRequestCase(c: ConformanceCase): Promise<void> {
  const host = await freshHost();
  const ok = host.configure(JSON.stringify(c.config));
  const errors = host.logs.filter((l) => l.level >= 4).map((l) => l.message);
  assert.equal(ok, true, `configuration rejected: ${errors.join(" | ")}`);
  const req = c.request!;
  const result: SimResult = host.simulate(
    { method: req.method, scheme: req.scheme, path: req.path, headers: req.headers, properties: c.props },
    { status: c.upstream_response!.status, headers: c.upstream_response!.headers ?? {} },
  );
  assert.equal(host.failed, false, `the VM trapped: ${host.failure}`);
  assert.deepEqual(host.errors, [], "host-detected misuse");
  const expect = c.expect;
  assert.equal(result.reachesUpstream, expect.reaches_upstream, "reaches_upstream");
  if (expect.status === null || expect.status === undefined) {
    assert.equal(result.localReply, undefined, "no local reply expected");
    assert.equal(result.status, c.upstream_response!.status, "status (the upstream's)");
  } else {
    assert.notEqual(result.localReply, undefined, "a local reply expected");
    assert.equal(result.status, expect.status, "local reply status");
  }
  if (expect.body !== undefined) assert.equal(result.body, expect.body, "local reply body");
  checkHeaders(c, result.headers);
}

async function runConfigCase(c: ConformanceCase): Promise<void> {
  const host = await freshHost();
  const raw = JSON.stringify(c.config); // always serialised as JSON (README: a non-object checks rejection)
  const ok = host.configure(raw);
  assert.equal(host.failed, false, `the VM trapped: ${host.failure}`);
  const errorLines = host.logs.filter((l) => l.level >= 4).map((l) => l.message);
  if (c.expect.config_rejected) {
    assert.equal(ok, false, "configuration should be rejected");
    for (const m of c.expect.error_mentions ?? []) {
      assert.ok(errorLines.some((l) => l.includes(m)), `no error line mentions ${JSON.stringify(m)}: ${JSON.stringify(errorLines)}`);
    }
  } else {
    assert.equal(ok, true, `configuration rejected: ${errorLines.join(" | ")}`);
  }
}

for (const c of cases) {
  test(c.id, async () => {
    if (c.kind === "config") await runConfigCase(c);
    else await runRequestCase(c);
  });
}
