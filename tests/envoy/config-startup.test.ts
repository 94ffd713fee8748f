// Why the conformance suite may check rejected configurations with one file-based LDS update instead of one
// Envoy start each: for a sample of rejected config cases, Envoy refuses to START with the configuration in its
// bootstrap (non-zero exit), and the filter's error lines it logs are the same ones an LDS update of the same
// listener gets NACKed with.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrap, ldsFile, parseLogLine, startEnvoy, writeAtomically, EnvoyExited, type Listener, type RunningEnvoy } from "../../src/envoy/index.js";
import { loadCases, type ConformanceCase } from "../conformance/cases.js";
import { WASM } from "./pair.js";

const rejected = loadCases().filter((c) => c.kind === "config" && c.expect.config_rejected);
// the first, the non-object one, and the one with the most error mentions
const sample = [...new Set([
  rejected[0],
  rejected.find((c) => typeof c.config !== "object" || Array.isArray(c.config)) ?? rejected[1],
  [...rejected].sort((a, b) => (b.expect.error_mentions?.length ?? 0) - (a.expect.error_mentions?.length ?? 0))[0],
])];

const listenerOf = (c: ConformanceCase): Listener => ({
  name: `config-${c.id}`, port: 0, cluster: "upstream", plugin: { wasm: WASM, configuration: JSON.stringify(c.config) },
});
const clusters = [{ name: "upstream", host: "127.0.0.1", port: 9 }];

/** The filter's error lines, without Envoy's line head: `wasm log <prefix>: <message>` → message. */
function filterErrors(log: string): string[] {
  const messages = log.split("\n").map(parseLogLine).filter((l) => l?.level === "error" && l.message !== null).map((l) => l!.message!);
  return [...new Set(messages)].sort();
}

const work = mkdtempSync(join(tmpdir(), "cors-envoy-startup-"));
const lds = join(work, "lds.json");
let envoy: RunningEnvoy;
before(async () => {
  writeFileSync(lds, JSON.stringify(ldsFile([])));
  envoy = await startEnvoy(bootstrap({ admin: { port: 0 }, ldsPath: lds, clusters }));
});
after(async () => {
  await envoy?.stop();
  rmSync(work, { recursive: true, force: true });
});

for (const c of sample) {
  test(`${c.id}: Envoy refuses to start with it, logging the lines an LDS update is NACKed with`, async () => {
    let startupLog = "";
    await assert.rejects(startEnvoy(bootstrap({ admin: { port: 0 }, listeners: [listenerOf(c)], clusters })), (e: unknown) => {
      assert.ok(e instanceof EnvoyExited, String(e));
      assert.notEqual(e.code, 0);
      startupLog = e.log;
      return true;
    });
    const from = envoy.log().length;
    writeAtomically(lds, JSON.stringify(ldsFile([listenerOf(c)])));
    const deadline = Date.now() + 10_000;
    while (!envoy.log().slice(from).includes("Filesystem config update rejected")) {
      if (Date.now() > deadline) throw new Error("the LDS update was not rejected");
      await new Promise((r) => setTimeout(r, 10));
    }
    const atStartup = filterErrors(startupLog);
    assert.ok(atStartup.length > 0, "no filter error line at startup");
    for (const m of c.expect.error_mentions ?? []) assert.ok(atStartup.some((l) => l.includes(m)), `startup lines mention ${JSON.stringify(m)}`);
    assert.deepEqual(filterErrors(envoy.log().slice(from)), atStartup);
  });
}
