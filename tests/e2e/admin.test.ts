// `serve --admin HOST:PORT`: the filter's metrics as Envoy's admin /stats shows them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "../proxy/helpers.js";
import { configFile, serve } from "./cli-helpers.js";
import { prometheusName, renderStats } from "../../src/proxy/admin.js";

test("renderStats: Envoy text, JSON and Prometheus forms", () => {
  const stats = [
    { name: "cors.preflight_allowed", type: 0, value: 2n },
    { name: "cors.actual_allowed", type: 0, value: 1n },
  ];
  assert.equal(renderStats(stats, "text"), "cors.actual_allowed: 1\ncors.preflight_allowed: 2\n");
  assert.deepEqual(JSON.parse(renderStats(stats, "json")), { stats: [{ name: "cors.actual_allowed", value: 1 }, { name: "cors.preflight_allowed", value: 2 }] });
  assert.match(renderStats(stats, "prometheus"), /^# TYPE cors_actual_allowed counter\ncors_actual_allowed 1\n/);
  assert.equal(prometheusName("cors.not-cors"), "cors_not_cors");
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
    const text = (await request(`${admin}/stats?filter=^cors\\.`)).body;
    const value = (name: string) => Number(new RegExp(`^${name.replace(".", "\\.")}: (\\d+)$`, "m").exec(text)?.[1]);
    assert.equal(value("cors.preflight_allowed"), 1, text);
    assert.equal(value("cors.preflight_rejected"), 1, text);
    assert.equal(value("cors.actual_allowed"), 1, text);
    assert.equal(value("cors.not_cors"), 1, text);
    const prom = (await request(`${admin}/stats/prometheus`)).body;
    assert.match(prom, /^cors_preflight_allowed 1$/m);
  } finally {
    await s.stop();
  }
});
