// `serve --admin HOST:PORT`: the filter's metrics as Envoy's admin /stats shows them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "../proxy/helpers.js";
import { configFile, serve } from "./cli-helpers.js";
import { prometheusName, renderStats } from "../../src/proxy/admin.js";

test("renderStats: Envoy 1.40's text, JSON and Prometheus forms (measured in tests/envoy/host-facts.test.ts)", () => {
  const stats = [
    { name: "wasmcustom.cors.preflight_allowed", type: 0, value: 2n },
    { name: "wasmcustom.cors.actual_allowed", type: 0, value: 1n },
  ];
  assert.equal(renderStats(stats, "text"), "wasmcustom.cors.actual_allowed: 1\nwasmcustom.cors.preflight_allowed: 2\n");
  assert.deepEqual(JSON.parse(renderStats(stats, "json")), { stats: [{ name: "wasmcustom.cors.actual_allowed", value: 1 }, { name: "wasmcustom.cors.preflight_allowed", value: 2 }] });
  assert.match(renderStats(stats, "prometheus"), /^# TYPE cors_actual_allowed counter\ncors_actual_allowed\{\} 1\n/);
  assert.equal(prometheusName("wasmcustom.cors.not-cors"), "cors_not_cors");
});

test("serve --admin: /stats counts the filter's decisions; /ready", async () => {
  const s = await serve(["--config", configFile({ allow_origins: ["https://app.example.com"] }), "--admin", "127.0.0.1:0"]);
  try {
    const m = /^admin: (http:\/\/\S+)\/stats$/m.exec(s.stdout());
    assert.ok(m, s.stdout());
    const admin = m[1];
    assert.equal((await request(`${admin}/ready`)).body, "LIVE\n");
    await request(`${s.url}/`, { method: "OPTIONS", headers: [["Origin", "https://app.example.com"], ["Access-Control-Request-Method", "PUT"]] });
    await request(`${s.url}/`, { method: "OPTIONS", headers: [["Origin", "https://evil.example"], ["Access-Control-Request-Method", "PUT"]] });
    await request(`${s.url}/`, { headers: [["Origin", "https://app.example.com"]] });
    await request(`${s.url}/`);
    const text = (await request(`${admin}/stats?filter=^wasmcustom\\.cors\\.`)).body;
    const value = (name: string) => Number(new RegExp(`^wasmcustom\\.${name.replace(".", "\\.")}: (\\d+)$`, "m").exec(text)?.[1]);
    assert.equal(value("cors.preflight_allowed"), 1, text);
    assert.equal(value("cors.preflight_rejected"), 1, text);
    assert.equal(value("cors.actual_allowed"), 1, text);
    assert.equal(value("cors.not_cors"), 1, text);
    const prom = (await request(`${admin}/stats/prometheus`)).body;
    assert.match(prom, /^cors_preflight_allowed\{\} 1$/m);
  } finally {
    await s.stop();
  }
});
