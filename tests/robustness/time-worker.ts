// Runs in a worker thread for time.test.ts, so that a request that never ends (a ReDoS, a loop) can be cut
// off by terminating the worker instead of hanging the test process. Posts the measurements back.
import { parentPort, workerData } from "node:worker_threads";
import type { HeaderList, ProxyWasmHost } from "../../src/host/index.js";
import { loadHost, runExchange, violations, type Exchange } from "./harness.js";

export interface TimeReport {
  /** best-of-samples ns per exchange */
  trivial: number;
  worst: Record<string, number>;
  /** worst regex request at two Origin lengths (for the linearity ratio) */
  short: number;
  long: number;
  violations: string[];
  failed: string | null;
}

/** The regexes a backtracking engine takes exponential time on, anchored as the filter anchors them. */
export const REDOS = [
  "https://(a+)+b\\.example\\.com",
  "https://(a|aa)+b\\.example\\.com",
  "https://(a*)*b\\.example\\.com",
  "https://(a|a?)+b\\.example\\.com",
  "(?i)https://([a-z]+)*b\\.example\\.com",
  "https://(.*a){12}b\\.example\\.com",
  "https://(a+a+)+b\\.example\\.com",
  "https://([a-z0-9]+-?)+b\\.example\\.com",
];

export const WORST_CONFIG = {
  allow_origins: Array.from({ length: 5000 }, (_, i) => `https://o${i}.example.net`),
  allow_origin_patterns: Array.from({ length: 300 }, (_, i) => `https://*.p${i}.example.com`),
  // the last regex lets the long z-origin in, after every ReDoS-prone one ran on it
  allow_origin_regexes: [...REDOS, "https://z+\\.example\\.com"],
  allow_headers: Array.from({ length: 60 }, (_, i) => `X-Allowed-${i}`),
  allow_methods: Array.from({ length: 40 }, (_, i) => `M${i}`).concat(["PUT"]),
  expose_headers: ["X-A"],
  allow_credentials: true,
  _rules_: Array.from({ length: 200 }, (_, i) => ({ _match_domain_: [`*.d${i}.example.com`, `h${i}.*`], allow_origins: [`https://r${i}.example.com`] })),
};

/** `scheme://` + one label of `ch` + `.example.com`, exactly `len` bytes. */
export function longOrigin(len: number, ch: string): string {
  return `https://${ch.repeat(len - 8 - 12)}.example.com`;
}

const authority = `${"h".repeat(1000)}.example.com`;
function req(method: string, extra: HeaderList): HeaderList {
  return [[":authority", authority], [":path", "/"], [":method", method], [":scheme", "https"], ...extra];
}
const acrh = (() => {
  // 64 elements, every one allowed (mixed case), padded with OWS to 8192 bytes
  const names = Array.from({ length: 64 }, (_, i) => `x-ALLOWED-${i % 60}`);
  const s = names.join(",");
  return s.slice(0, s.length - names[63].length) + " ".repeat(8192 - s.length) + names[63];
})();

function exchanges(): Record<string, Exchange> {
  const up: HeaderList = [[":status", "200"]];
  const bigVary: HeaderList = [[":status", "200"], ...Array.from({ length: 100 }, (_, i) => ["vary", Array.from({ length: 60 }, (_, k) => `x-v${i}-${k}`).join(",")] as [string, string])];
  return {
    "preflight, 2048-byte near-miss Origin through every ReDoS regex": { request: req("OPTIONS", [["origin", longOrigin(2048, "a")], ["access-control-request-method", "PUT"], ["access-control-request-headers", acrh]]), upstream: up },
    "preflight, 2048-byte Origin allowed by the last regex, 8 KiB / 64-name ACRH": { request: req("OPTIONS", [["origin", longOrigin(2048, "z")], ["access-control-request-method", "PUT"], ["access-control-request-headers", acrh]]), upstream: up },
    "actual, 2048-byte Origin allowed, 60 KiB upstream Vary in 100 lines": { request: req("GET", [["origin", longOrigin(2048, "z")]]), upstream: bigVary },
    "actual, 2049-byte Origin, 100 joined Origin lines": { request: req("GET", Array.from({ length: 100 }, () => ["origin", longOrigin(2049, "a")] as [string, string])), upstream: up },
  };
}

/** The fastest sample: load on a shared machine only ever adds time, so the minimum is the steadiest
 *  estimate of what the work itself costs (a median still moves with bursts of load). */
function best(xs: number[]): number {
  return Math.min(...xs);
}

/** Best-of-samples ns per exchange of `ex` on `host` over `samples` samples of `reps` exchanges. */
function timeIt(host: ProxyWasmHost, ex: Exchange, reps: number, samples: number, what = ""): number {
  if (what) parentPort!.postMessage({ progress: what });
  const out: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) runExchange(host, ex);
    out.push(Number(process.hrtime.bigint() - t0) / reps);
  }
  return best(out);
}

async function main(): Promise<void> {
  parentPort!.postMessage({ progress: "configure the worst-case policy" });
  const worst = await loadHost(JSON.stringify(WORST_CONFIG), { maxLogs: 50 });
  // the linearity check runs on the regexes alone (short :authority, no rules) so fixed costs stay small
  const regexOnly = await loadHost(JSON.stringify({ allow_origin_regexes: REDOS }), { maxLogs: 50 });
  const trivialHost = await loadHost("{}", { maxLogs: 50 });
  const trivialEx: Exchange = { request: [[":authority", "api.example.com"], [":path", "/"], [":method", "GET"], [":scheme", "https"]], upstream: [[":status", "200"]] };
  const v: string[] = [];
  const exs = exchanges();
  // every worst case once, checked, before any timing
  for (const [name, ex] of Object.entries(exs)) {
    parentPort!.postMessage({ progress: `first run of: ${name}` });
    const res = runExchange(worst, ex);
    for (const x of violations(worst, ex, res, { mayStar: false, reportOnly: false })) v.push(`${name}: ${x}`);
    const granted = res.headers.some(([n]) => n === "access-control-allow-origin");
    if (granted !== name.includes("allowed")) v.push(`${name}: ${granted ? "granted" : "not granted"} (${res.status})`);
  }
  const report: TimeReport = { trivial: 0, worst: {}, short: 0, long: 0, violations: v, failed: worst.failed ? worst.failure : null };
  // warm up both hosts (tier-up), then interleave the measurements so machine noise hits them alike
  for (let i = 0; i < 3; i++) {
    timeIt(trivialHost, trivialEx, 200, 3);
    for (const [name, ex] of Object.entries(exs)) timeIt(worst, ex, 3, 1, `warm-up: ${name}`);
  }
  const plain = (origin: string): Exchange => ({ request: [[":authority", "api.example.net"], [":path", "/"], [":method", "GET"], [":scheme", "https"], ["origin", origin]], upstream: [[":status", "200"]] });
  const shortEx = plain(longOrigin(512, "a"));
  const longEx = plain(longOrigin(2048, "a"));
  timeIt(regexOnly, shortEx, 20, 3, "warm-up: regexes alone");
  timeIt(regexOnly, longEx, 20, 3, "warm-up: regexes alone");
  const tr: number[] = [];
  const w: Record<string, number[]> = {};
  const sh: number[] = [];
  const lo: number[] = [];
  const rounds = Number(workerData?.rounds ?? 7);
  for (let k = 0; k < rounds; k++) {
    tr.push(timeIt(trivialHost, trivialEx, 500, 1));
    for (const [name, ex] of Object.entries(exs)) (w[name] ??= []).push(timeIt(worst, ex, 5, 1, name));
    sh.push(timeIt(regexOnly, shortEx, 20, 1));
    lo.push(timeIt(regexOnly, longEx, 20, 1));
  }
  report.trivial = best(tr);
  for (const [name, xs] of Object.entries(w)) report.worst[name] = best(xs);
  report.short = best(sh);
  report.long = best(lo);
  report.failed = worst.failed ? worst.failure : null;
  parentPort!.postMessage(report);
}

main().catch((e) => parentPort!.postMessage({ error: String((e as Error).stack ?? e) }));
