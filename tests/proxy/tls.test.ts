// The TLS listener: requests reach the filter with :scheme https.
import { test } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import { startProxy } from "../../src/proxy/server.js";
import { FakeFilter } from "./fake-filter.js";

// A self-signed test certificate for localhost / 127.0.0.1 (P-256, valid for 100 years); test use only.
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgJm/XT3TSq5SIWZiq
Hx3I3QlrIWN2KULkIoQz9XL7BFShRANCAATEhnwJQHpA7c4W/OmMLUslY82KCQOl
fpHTCyK8bgTLezs9MxPyJBfQw3XMGWY39NpdcaNEfb+hqXN/jaSDJ61O
-----END PRIVATE KEY-----`;
const CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUckjVwlRJvbpEsYtXjHVcIG1TA1owCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjIwNDAxN1oYDzIxMjYxMDI5
MjA0MDE3WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATEhnwJQHpA7c4W/OmMLUslY82KCQOlfpHTCyK8bgTLezs9MxPyJBfQ
w3XMGWY39NpdcaNEfb+hqXN/jaSDJ61Oo28wbTAdBgNVHQ4EFgQUvwPRSWQOT+gx
7w04hZUAxZpuPsAwHwYDVR0jBBgwFoAUvwPRSWQOT+gx7w04hZUAxZpuPsAwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIgH7833q5P1/+lR/nsK793OVB1yz2+h3/Cg+WHzvm/UV0CIQDq
BpzztMIitwIBUG9mfNyii81VnroJeno2sjCQxKUMMw==
-----END CERTIFICATE-----`;

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
