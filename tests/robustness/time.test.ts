// Time bound (docs/robustness.md §4): worst-case requests — 2 KB Origins through ReDoS-prone regexes, an ACRH
// at its 8 KiB / 64-name bound, 5,000 exact origins, 300 patterns, 200 non-matching rules on a 1 KB
// :authority, a 60 KiB upstream Vary — complete, cost a bounded multiple of a trivial request measured in the
// same run, and grow linearly with the Origin's length. No absolute wall-clock figure is asserted. The
// measurements run in a worker thread that is terminated if they do not finish (a ReDoS or a loop would
// otherwise hang the test process).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import type { TimeReport } from "./time-worker.js";

/** A worst case may cost at most this many trivial requests (a GET without Origin on the defaults).
 *  Measured ~100–300× on the 2-core CI machine; a backtracking regex or a quadratic merge is > 10,000×. */
const MAX_RATIO = 3000;
/** Origin 4× longer (512 → 2048 bytes) through the regexes: linear ≈ 4 or less (fixed costs), quadratic ≈ 16. */
const MAX_LENGTH_RATIO = 8;
const DEADLINE_MS = 50_000;

function measure(): Promise<TimeReport> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("./time-worker.js", import.meta.url), { workerData: { rounds: 7 } });
    let doing = "starting";
    const timer = setTimeout(() => {
      void w.terminate();
      reject(new Error(`the worst-case requests did not complete within ${DEADLINE_MS / 1000} s (ReDoS, a loop or a quadratic step?); it was doing: ${doing}`));
    }, DEADLINE_MS);
    w.on("message", (m: TimeReport | { error: string } | { progress: string }) => {
      if ("progress" in m) {
        doing = m.progress;
        return;
      }
      clearTimeout(timer);
      void w.terminate();
      if ("error" in m) reject(new Error(m.error));
      else resolve(m);
    });
    w.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

test("time bound: worst-case requests complete, within a bounded multiple of a trivial one, linear in the Origin", async () => {
  const r = await measure();
  assert.equal(r.failed, null, `the VM trapped: ${r.failed}`);
  assert.deepEqual(r.violations, []);
  console.log(`# trivial request: ${(r.trivial / 1000).toFixed(1)} µs`);
  for (const [name, ns] of Object.entries(r.worst)) console.log(`# ${name}: ${(ns / 1000).toFixed(1)} µs = ${(ns / r.trivial).toFixed(0)}× trivial`);
  console.log(`# near-miss Origin through the ReDoS-prone regexes alone: 512 bytes ${(r.short / 1000).toFixed(1)} µs, 2048 bytes ${(r.long / 1000).toFixed(1)} µs (×${(r.long / r.short).toFixed(2)})`);
  for (const [name, ns] of Object.entries(r.worst)) {
    assert.ok(ns / r.trivial <= MAX_RATIO, `${name}: ${(ns / r.trivial).toFixed(0)}× a trivial request (bound ${MAX_RATIO}×)`);
  }
  assert.ok(r.long / r.short <= MAX_LENGTH_RATIO, `4× longer Origin cost ${(r.long / r.short).toFixed(1)}× (bound ${MAX_LENGTH_RATIO}×): not linear`);
});

// Configure time is linear in the size of the lists too: a 4× longer allow_headers / allow_methods /
// expose_headers list costs ≈ 4× (the joined values were once built by repeated concatenation: ≈ 16×).
test("time bound: configure time grows linearly with the configured lists", async () => {
  const { loadHost } = await import("./harness.js");
  const host = await loadHost(null, { maxLogs: 10 });
  const config = (n: number) => JSON.stringify({
    allow_origins: Array.from({ length: n / 4 }, (_, i) => `https://o${i}.example.net`),
    allow_headers: Array.from({ length: n }, (_, i) => `x-h${i}`),
    allow_methods: Array.from({ length: n }, (_, i) => `M${i}`),
    expose_headers: Array.from({ length: n }, (_, i) => `x-e${i}`),
  });
  const small = config(4000);
  const large = config(16000);
  const time = (c: string) => {
    const t0 = process.hrtime.bigint();
    assert.ok(host.configure(c));
    return Number(process.hrtime.bigint() - t0);
  };
  time(small);
  time(large);
  const s: number[] = [];
  const l: number[] = [];
  for (let k = 0; k < 5; k++) {
    s.push(time(small));
    l.push(time(large));
  }
  const best = (xs: number[]) => Math.min(...xs); // load only adds time: the fastest sample is the steadiest
  const ratio = best(l) / best(s);
  console.log(`# configure: 4,000-name lists ${(best(s) / 1e6).toFixed(1)} ms, 16,000-name lists ${(best(l) / 1e6).toFixed(1)} ms (×${ratio.toFixed(2)})`);
  assert.equal(host.failed, false);
  assert.ok(ratio <= MAX_LENGTH_RATIO, `4× longer lists cost ${ratio.toFixed(1)}× to configure (bound ${MAX_LENGTH_RATIO}×): not linear`);
});
