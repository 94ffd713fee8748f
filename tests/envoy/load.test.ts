// Load through `cors-proxy-wasm envoy --concurrency 2`: 200 keep-alive connections send a mix of the five
// request kinds for a bounded 3 s. Zero errors, every answer the expected one, and the filter's counters in
// Envoy's /stats add up to exactly the requests sent, kind by kind (one VM per worker, one store).
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { serve } from "../e2e/cli-helpers.js";
import { request } from "../proxy/helpers.js";

const CONNECTIONS = 200;
const SECONDS = 3;
const ALLOWED = "https://app.example.com"; // examples/cors.json

interface Kind {
  counter: string;
  method: string;
  headers: Record<string, string>;
  status: number;
  allowOrigin?: string;
}

const KINDS: Kind[] = [
  { counter: "preflight_allowed", method: "OPTIONS", headers: { origin: ALLOWED, "access-control-request-method": "PUT" }, status: 200, allowOrigin: ALLOWED },
  { counter: "preflight_rejected", method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "PUT" }, status: 403 },
  { counter: "actual_allowed", method: "GET", headers: { origin: ALLOWED }, status: 200, allowOrigin: ALLOWED },
  { counter: "actual_rejected", method: "GET", headers: { origin: "https://evil.example" }, status: 200 },
  { counter: "not_cors", method: "GET", headers: {}, status: 200 },
];

test(`load: --concurrency 2, ${CONNECTIONS} keep-alive connections for ${SECONDS} s — zero errors, counters add up to the requests sent`, async (t) => {
  const s = await serve(["--admin", "127.0.0.1:0", "--concurrency", "2"], { command: "envoy" });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const sent = new Map<string, number>(KINDS.map((k) => [k.counter, 0]));
  const wrong: string[] = [];
  const errors: string[] = [];
  const url = new URL(s.url);
  try {
    const one = (k: Kind) =>
      new Promise<void>((resolve) => {
        const q = http.request({ host: url.hostname, port: url.port, path: "/api/items", method: k.method, headers: k.headers, agent }, (r) => {
          r.resume();
          r.on("end", () => {
            sent.set(k.counter, sent.get(k.counter)! + 1);
            const ao = r.headers["access-control-allow-origin"];
            if (r.statusCode !== k.status || ao !== k.allowOrigin) wrong.push(`${k.counter}: ${r.statusCode} ${String(ao)}`);
            resolve();
          });
          r.on("error", (e) => (errors.push(`${k.counter}: ${e.message}`), resolve()));
        });
        q.on("error", (e) => (errors.push(`${k.counter}: ${e.message}`), resolve()));
        q.setTimeout(10_000, () => q.destroy(new Error("timeout")));
        q.end();
      });
    const until = Date.now() + SECONDS * 1000;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, i) => {
        for (let n = i; Date.now() < until; n++) await one(KINDS[n % KINDS.length]);
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    const total = [...sent.values()].reduce((a, b) => a + b, 0);
    const admin = /^admin: (http:\/\/\S+) /m.exec(s.stdout())![1];
    const stats = JSON.parse((await request(`${admin}/stats?format=json&filter=^wasmcustom\\.cors\\.`)).body) as { stats: Array<{ name: string; value: number }> };
    const counters = new Map(stats.stats.map((x) => [x.name.replace("wasmcustom.cors.", ""), x.value]));
    const cx = JSON.parse((await request(`${admin}/stats?format=json&filter=^http\\.main\\.downstream_cx_total$`)).body) as { stats: Array<{ value: number }> };
    t.diagnostic(`${total} requests in ${elapsed.toFixed(1)} s (${Math.round(total / elapsed)}/s) on ${cx.stats[0]?.value} connections; errors ${errors.length}; counters ${JSON.stringify(Object.fromEntries(counters))}`);
    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} errors`);
    assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} wrong answers`);
    assert.ok(total >= KINDS.length * CONNECTIONS, `every connection sent a full round (${total})`);
    assert.equal(cx.stats[0]?.value, CONNECTIONS, "keep-alive: one connection per client loop");
    assert.deepEqual(Object.fromEntries(KINDS.map((k) => [k.counter, counters.get(k.counter)])), Object.fromEntries(sent), "each counter = the requests of its kind");
    assert.equal([...counters.values()].reduce((a, b) => a + b, 0), total, "the cors.* counters add up to the requests sent");
  } finally {
    agent.destroy();
    await s.stop();
  }
});
