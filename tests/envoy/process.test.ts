// src/envoy against the real pinned Envoy: a bootstrap with the filter starts, its ports are read back, the
// filter answers through it, and a configuration the filter rejects stops Envoy with the filter's lines logged.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { bootstrap, startEnvoy, EnvoyExited, pinnedEnvoyVersion, httpGet, type RunningEnvoy } from "../../src/envoy/index.js";
import { startEchoUpstream, type EchoUpstream } from "../../src/proxy/echo.js";
import { ROOT } from "../host/helpers.js";

const WASM = join(ROOT, "build", "cors.wasm");
const running: Array<RunningEnvoy | EchoUpstream> = [];
after(async () => {
  for (const r of running) await ("stop" in r ? r.stop() : r.close());
});

function preflight(port: number): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const q = request({ host: "127.0.0.1", port, path: "/api", method: "OPTIONS", headers: { origin: "https://app.example.com", "access-control-request-method": "PUT" } }, (r) => {
      r.resume();
      r.on("end", () => resolve({ status: r.statusCode ?? 0, headers: r.headers }));
    });
    q.on("error", reject);
    q.end();
  });
}

test("the filter runs in the pinned Envoy on ports read back from the admin", async () => {
  const upstream = await startEchoUpstream();
  running.push(upstream);
  const up = new URL(upstream.url);
  const envoy = await startEnvoy(bootstrap({
    admin: { port: 0 },
    listeners: [{ name: "main", port: 0, cluster: "upstream", plugin: { wasm: WASM, configuration: readFileSync(join(ROOT, "examples", "cors.json"), "utf8") } }],
    clusters: [{ name: "upstream", host: up.hostname, port: Number(up.port) }],
  }));
  running.push(envoy);
  const info = JSON.parse((await envoy.admin("/server_info")).body) as { version: string };
  assert.match(info.version, new RegExp(`/${pinnedEnvoyVersion().replace(/\./g, "\\.")}/`));
  const { main } = await envoy.listeners();
  assert.ok(main.port > 0);
  const r = await preflight(main.port);
  assert.equal(r.status, 200);
  assert.equal(r.headers["server"], "envoy");
  assert.equal(r.headers["access-control-allow-origin"], "https://app.example.com");
  const plain = await httpGet(main.port, "/x");
  assert.equal(plain.status, 200, "reaches the echo upstream");
  // Envoy 1.40 shows the filter's counters under the custom-stat namespace in /stats (wasmcustom.cors.*)
  const stats = await envoy.stats("cors");
  assert.equal(stats.get("wasmcustom.cors.preflight_allowed"), 1);
  assert.equal(stats.get("wasmcustom.cors.not_cors"), 1);
});

test("a configuration the filter rejects stops Envoy at startup, the filter's key-path line in its log", async () => {
  await assert.rejects(
    startEnvoy(bootstrap({
      admin: { port: 0 },
      listeners: [{ name: "bad", port: 0, cluster: "upstream", plugin: { wasm: WASM, configuration: '{"allow_origins":["https://a.example.com/x"]}' } }],
      clusters: [{ name: "upstream", host: "127.0.0.1", port: 9 }],
    })),
    (e: unknown) => {
      assert.ok(e instanceof EnvoyExited, String(e));
      assert.notEqual(e.code, 0);
      assert.match(e.log, /allow_origins\[0\]: "https:\/\/a\.example\.com\/x" has a path/);
      return true;
    },
  );
});
