// A configuration's life in the pinned real Envoy (docs/config.md): a bad one stops Envoy at startup with the
// filter's key-path lines at Envoy's default log level; a good one's warnings are logged once per VM; with
// file-based LDS a bad update is NACKed (listener_manager.lds.update_rejected +1) while the previous policy
// keeps answering, a good update applies, and a client sending all along sees no failed request.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bootstrap, ldsFile, moduleLines, startEnvoy, writeAtomically, EnvoyExited, type Listener, type RunningEnvoy,
} from "../../src/envoy/index.js";
import { startEchoUpstream, type EchoUpstream } from "../../src/proxy/echo.js";
import { ROOT } from "../host/helpers.js";

const WASM = join(ROOT, "build", "cors.wasm");
const cleanups: Array<() => Promise<unknown> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function upstream(): Promise<{ host: string; port: number }> {
  const u: EchoUpstream = await startEchoUpstream();
  cleanups.push(() => u.close());
  const url = new URL(u.url);
  return { host: url.hostname, port: Number(url.port) };
}

const staticBootstrap = (configuration: string, up = { host: "127.0.0.1", port: 9 }) =>
  bootstrap({
    admin: { port: 0 },
    listeners: [{ name: "main", port: 0, cluster: "upstream", plugin: { wasm: WASM, configuration } }],
    clusters: [{ name: "upstream", ...up }],
  });

const BAD_AT_STARTUP: Array<{ name: string; configuration: string; lines: RegExp[] }> = [
  {
    name: "two key paths in one configuration",
    configuration: JSON.stringify({ allow_origins: ["https://a.example.com/x"], allow_methods: ["GET", "BAD METHOD"] }),
    lines: [/^\[error\] cors: .*allow_origins\[0\]: "https:\/\/a\.example\.com\/x" has a path/, /^\[error\] cors: .*allow_methods\[1\]: /],
  },
  {
    name: "a rule's key path",
    configuration: JSON.stringify({ _rules_: [{ _match_route_: ["r"], allow_origins: ["*"] }, { _match_route_: ["s"], max_age: "1.5h" }] }),
    lines: [/^\[error\] cors: .*_rules_\[1\]\.max_age: "1\.5h" is not a duration/],
  },
  {
    name: "not JSON",
    configuration: '{"allow_origins": [',
    lines: [/^\[error\] cors: .*configuration: not valid JSON: at offset 19/],
  },
];

for (const c of BAD_AT_STARTUP) {
  test(`startup: ${c.name} stops Envoy, the filter's lines visible at Envoy's default log level`, async () => {
    const err = await startEnvoy(staticBootstrap(c.configuration), { logLevel: null }).then(
      (e: RunningEnvoy) => (cleanups.push(() => e.stop()), null),
      (e: unknown) => e,
    );
    assert.ok(err instanceof EnvoyExited, `Envoy started: ${String(err)}`);
    assert.notEqual(err.code, 0);
    const lines = moduleLines(err.log, ["error"]);
    for (const re of c.lines) assert.ok(lines.some((l) => re.test(l)), `${re} not in:\n${lines.join("\n")}`);
  });
}

test("a good configuration's warnings are logged once per VM: concurrency + 2 times (the main thread's two VMs, one per worker)", async () => {
  const configuration = JSON.stringify({ allow_origins: ["https://a.example.com/"] });
  for (const concurrency of [1, 2]) {
    const envoy = await startEnvoy(staticBootstrap(configuration), { concurrency });
    cleanups.push(() => envoy.stop());
    const count = () => moduleLines(envoy.log(), ["warning"]).filter((l) => /allow_origins\[0\]: "https:\/\/a\.example\.com\/": the trailing "\/" was dropped/.test(l)).length;
    const deadline = Date.now() + 10_000;
    while (count() < concurrency + 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300)); // and no more than that
    assert.equal(count(), concurrency + 2, `--concurrency ${concurrency}:\n${moduleLines(envoy.log()).join("\n")}`);
    await envoy.stop();
  }
});

/** A continuous client: `loops` keep-alive connections sending preflights from `origins` in turn, until stopped. */
function continuousClient(port: number, origins: string[], loops = 8) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: loops });
  const answers: Array<{ origin: string; status: number; allowOrigin: string | undefined; at: number }> = [];
  const failures: string[] = [];
  let running = true;
  const one = (origin: string) =>
    new Promise<void>((resolve) => {
      const q = http.request(
        { host: "127.0.0.1", port, path: "/api", method: "OPTIONS", agent, headers: { origin, "access-control-request-method": "PUT" } },
        (r) => {
          r.resume();
          r.on("end", () => {
            const ao = r.headers["access-control-allow-origin"];
            answers.push({ origin, status: r.statusCode ?? 0, allowOrigin: typeof ao === "string" ? ao : undefined, at: Date.now() });
            resolve();
          });
          r.on("error", (e) => (failures.push(`${origin}: response: ${e.message}`), resolve()));
        },
      );
      q.on("error", (e) => (failures.push(`${origin}: ${e.message}`), resolve()));
      q.setTimeout(5000, () => q.destroy(new Error("timeout")));
      q.end();
    });
  const done = Promise.all(
    Array.from({ length: loops }, async (_, i) => {
      for (let n = i; running; n++) await one(origins[n % origins.length]);
    }),
  );
  return {
    answers,
    failures,
    async stop() {
      running = false;
      await done;
      agent.destroy();
    },
  };
}

/** One preflight on a new connection: what a new client gets now. */
function freshPreflight(port: number, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const q = http.request({ host: "127.0.0.1", port, path: "/api", method: "OPTIONS", agent: false, headers: { origin, "access-control-request-method": "PUT" } }, (r) => {
      r.resume();
      r.on("end", () => resolve(r.statusCode ?? 0));
    });
    q.on("error", reject);
    q.end();
  });
}

test("file-based LDS: a bad update is NACKed and the previous policy answers, a good one applies, no request fails", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cors-lifecycle-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "lds"));
  const ldsPath = join(dir, "lds", "listeners.json");
  const listener = (allow: string[]): Listener[] => [
    { name: "main", port: 0, cluster: "upstream", plugin: { wasm: WASM, configuration: JSON.stringify({ allow_origins: allow }) } },
  ];
  writeAtomically(ldsPath, JSON.stringify(ldsFile(listener(["https://a.example"]))));
  const envoy = await startEnvoy(bootstrap({ admin: { port: 0 }, ldsPath, clusters: [{ name: "upstream", ...(await upstream()) }] }), { concurrency: 2, workDir: dir });
  cleanups.push(() => envoy.stop());
  const { port } = (await envoy.listeners()).main;
  const lds = async () => {
    const s = await envoy.stats("^listener_manager\\.lds\\.update_(success|rejected)$");
    return { success: s.get("listener_manager.lds.update_success") ?? 0, rejected: s.get("listener_manager.lds.update_rejected") ?? 0 };
  };
  const A = "https://a.example";
  const B = "https://b.example";
  assert.equal(await freshPreflight(port, A), 200);
  assert.equal(await freshPreflight(port, B), 403);

  const client = continuousClient(port, [A, B]);
  /** Waits until the client has had `n` more answers than `since` lists (it sends all along). */
  const answered = async (n: number, since: () => number): Promise<void> => {
    for (const deadline = Date.now() + 10_000; since() < n; ) {
      if (Date.now() > deadline) throw new Error(`the client got ${since()} answers, not ${n}, in 10 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  try {
    await answered(51, () => client.answers.length);
    const before = await lds();
    assert.equal(await envoy.updateListeners(ldsPath, listener(["https://b.example/x"])), "rejected");
    assert.deepEqual(await lds(), { success: before.success, rejected: before.rejected + 1 }, "NACKed: update_rejected +1");
    assert.ok(moduleLines(envoy.log(), ["error"]).some((l) => /allow_origins\[0\]: "https:\/\/b\.example\/x" has a path/.test(l)), "the filter says why");
    assert.equal(await freshPreflight(port, A), 200, "the previous policy keeps answering");
    assert.equal(await freshPreflight(port, B), 403);
    const afterNack = client.answers.length;
    await answered(51, () => client.answers.length - afterNack);
    const goodAt = Date.now();
    assert.equal(await envoy.updateListeners(ldsPath, listener([B])), "accepted");
    assert.deepEqual(await lds(), { success: before.success + 1, rejected: before.rejected + 1 }, "update_success +1");
    assert.equal(await freshPreflight(port, B), 200, "the new policy answers new connections");
    assert.equal(await freshPreflight(port, A), 403);
    await answered(51, () => client.answers.filter((x) => x.at >= goodAt).length);
    await client.stop();
    assert.deepEqual(client.failures, [], "no request failed");
    // every answer is one policy's: A's before the good update; A's (draining connections) or B's after
    const policyA = (x: { origin: string; status: number; allowOrigin?: string }) => (x.origin === A ? x.status === 200 && x.allowOrigin === A : x.status === 403);
    const policyB = (x: { origin: string; status: number; allowOrigin?: string }) => (x.origin === B ? x.status === 200 && x.allowOrigin === B : x.status === 403);
    const beforeGood = client.answers.filter((x) => x.at < goodAt);
    const afterGood = client.answers.filter((x) => x.at >= goodAt);
    assert.ok(beforeGood.length > 50 && afterGood.length > 50, `the client sent all along (${beforeGood.length} + ${afterGood.length})`);
    assert.deepEqual(beforeGood.filter((x) => !policyA(x)), [], "until the good update: policy A only");
    assert.deepEqual(afterGood.filter((x) => !policyA(x) && !policyB(x)), []);
  } finally {
    await client.stop();
  }
});
