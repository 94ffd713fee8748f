// Hostile and ordinary request kinds for the memory soaks (tests/robustness/memory.test.ts, bench/run.ts): each
// allocates differently in the filter, and together they cover what spec §6 bounds (8 KiB and 65-element ACRH, 2 KB
// and over-long origins, malformed origins, 50 upstream Vary lines, and at Envoy's 60 KiB header limit a huge Origin
// and a huge upstream Vary).
import type { HeaderList } from "../../src/host/index.js";
import type { Exchange } from "../robustness/harness.js";
import { A, acrhOf, originOfLength } from "./values.js";

/** A mid-size policy: exact origins, patterns, regexes, credentials, timing, private network. `local` in kinds() is
 *  the verdict under it. */
export const CONFIG = JSON.stringify({
  allow_origins: [A, "http://localhost:3000", ...Array.from({ length: 200 }, (_, i) => `https://o${i}.example.net`)],
  allow_origin_patterns: ["https://*.example.com", "http://*.example.org:[8080,9090]"],
  allow_origin_regexes: ["https://[a-z]+\\.x\\.test", "(?i)https://(a+)+b\\.test"],
  allow_credentials: true,
  allow_headers: ["x-a", "x-b", "content-type"],
  expose_headers: ["X-Request-Id"],
  timing_allow_origins: [A],
  allow_private_network: true,
});

export function req(method: string, extra: HeaderList): HeaderList {
  return [[":authority", "api.example.com"], [":path", "/"], [":method", method], [":scheme", "https"], ...extra];
}

/** The request kinds of the soak: each allocates differently in the filter. `local` is the verdict under CONFIG. */
export function kinds(): Array<{ name: string; ex: Exchange; local: boolean }> {
  const up: HeaderList = [[":status", "200"], ["content-type", "text/plain"], ["vary", "Accept-Encoding"]];
  const upCors: HeaderList = [[":status", "200"], ["vary", "Accept-Encoding"], ["vary", "Cookie"], ["access-control-allow-origin", "*"], ["access-control-allow-credentials", "false"], ["timing-allow-origin", "*"]];
  const upManyVary: HeaderList = [[":status", "500"], ...Array.from({ length: 50 }, (_, i) => ["vary", `x-v${i}, accept`] as [string, string])];
  return [
    { name: "preflight allowed (local 200)", local: true, ex: { request: req("OPTIONS", [["origin", A], ["access-control-request-method", "PUT"], ["access-control-request-headers", "x-a,content-type"], ["access-control-request-private-network", "true"]]), upstream: up } },
    { name: "preflight allowed by pattern", local: true, ex: { request: req("OPTIONS", [["origin", "https://q.w.example.com"], ["access-control-request-method", "DELETE"]]), upstream: up } },
    { name: "preflight, origin rejected (403)", local: true, ex: { request: req("OPTIONS", [["origin", "https://evil.example"], ["access-control-request-method", "PUT"]]), upstream: up } },
    { name: "preflight, header rejected (403)", local: true, ex: { request: req("OPTIONS", [["origin", A], ["access-control-request-method", "PUT"], ["access-control-request-headers", "x-evil"]]), upstream: up } },
    { name: "preflight, ACRH at 8 KiB", local: true, ex: { request: req("OPTIONS", [["origin", A], ["access-control-request-method", "PUT"], ["access-control-request-headers", acrhOf(64, 8192, ["x-a", "x-b"])]]), upstream: up } },
    { name: "preflight, ACRH 65 elements", local: true, ex: { request: req("OPTIONS", [["origin", A], ["access-control-request-method", "PUT"], ["access-control-request-headers", acrhOf(65, 0, ["x-a"], 30)]]), upstream: up } },
    { name: "actual allowed (upstream CORS lines)", local: false, ex: { request: req("GET", [["origin", A]]), upstream: upCors } },
    { name: "actual allowed by regex", local: false, ex: { request: req("POST", [["origin", "https://abc.x.test"]]), upstream: up } },
    { name: "actual rejected", local: false, ex: { request: req("GET", [["origin", "https://evil.example"]]), upstream: upCors } },
    { name: "no origin", local: false, ex: { request: req("GET", [["user-agent", "x".repeat(200)]]), upstream: up } },
    { name: "same origin", local: false, ex: { request: req("POST", [["origin", "https://api.example.com"]]), upstream: up } },
    { name: "malformed origin (CR, joined lines)", local: false, ex: { request: req("GET", [["origin", "https://a.example.com\r\n"], ["origin", A]]), upstream: up } },
    { name: "2049-byte origin", local: false, ex: { request: req("GET", [["origin", originOfLength(2049)]]), upstream: up } },
    { name: "2048-byte origin allowed, 50 vary lines", local: false, ex: { request: req("GET", [["origin", originOfLength(2048)]]), upstream: upManyVary } },
    { name: "regex near-miss 2 KB", local: false, ex: { request: req("GET", [["origin", `https://${"a".repeat(2030)}.test`]]), upstream: up } },
  ];
}

/** Two more kinds at the size Envoy's header limit (60 KiB) allows: slow, so only in the shorter soaks. */
export function hugeKinds(): Array<{ name: string; ex: Exchange; local: boolean }> {
  const up: HeaderList = [[":status", "200"], ["content-type", "text/plain"]];
  const vary = Array.from({ length: 6000 }, (_, i) => `x-v${i}`).join(", ").slice(0, 60 * 1024);
  return [
    { name: "60 KiB origin", local: false, ex: { request: req("GET", [["origin", originOfLength(60 * 1024)]]), upstream: up } },
    { name: "upstream Vary of 60 KiB", local: false, ex: { request: req("GET", [["origin", A]]), upstream: [...up, ["vary", vary]] } },
  ];
}

/** 10,000 exact origins and 1,000 patterns (the Envoy bench's large policy). */
export const BIG_CONFIG = {
  allow_origins: [...Array.from({ length: 10_000 }, (_, i) => `https://app${i}.example.com`), A],
  allow_origin_patterns: Array.from({ length: 1_000 }, (_, i) => `https://*.tenant${i}.example.com`),
  allow_headers: ["x-a", "x-b", "content-type"],
  allow_credentials: true,
};

