// The TLS listener: requests reach the filter with :scheme https.
import { test } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import { startProxy } from "../../src/proxy/server.js";
import { FakeFilter } from "./fake-filter.js";
import { KEY, CERT } from "./tls-cert.js";

test("a TLS listener: https URL, :scheme https, x-forwarded-proto https upstream", async () => {
  const filter = new FakeFilter(new Set(["https://app.example.com"]));
  const p = await startProxy({ filter, port: 0, tls: { key: KEY, cert: CERT }, log: () => {} });
  try {
    assert.match(p.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const body = await new Promise<string>((resolve, reject) => {
      const req = https.request(`${p.url}/secure?x=1`, { ca: CERT, headers: { origin: "https://app.example.com" } }, (res) => {
        let b = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (b += c));
        res.on("end", () => resolve(b));
      });
      req.on("error", reject);
      req.end();
    });
    const seen = filter.requests.at(-1)!.headers;
    assert.deepEqual(seen.find(([k]) => k === ":scheme"), [":scheme", "https"]);
    const echo = JSON.parse(body) as { headers: Array<[string, string]> };
    assert.ok(echo.headers.some(([k, v]) => k === "x-forwarded-proto" && v === "https"));
  } finally {
    await p.close();
  }
});
