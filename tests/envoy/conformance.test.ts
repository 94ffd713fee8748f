// Every case of tests/conformance/cases.json through the real pinned Envoy, and every request case also through
// the dev proxy (src/proxy on src/host), compared with Envoy's answer.
//
// One Envoy process serves everything: one listener per request-case configuration (and scheme: https cases
// go through a TLS listener, so :scheme and x-forwarded-proto are https as in production), one listener per
// accepted config case (Envoy must start with all of them), all sharing one VM. Rejected config cases are
// pushed as one file-based LDS update: Envoy builds each listener's filter exactly as at startup (the plugin's
// proxy_on_configure), NACKs each one the filter refuses (`lds: listener '…' config rejected`) and logs the
// filter's error lines; a few of them are also started as their own Envoy, which must refuse to start with the
// same lines (tests/envoy/config-startup.test.ts).
//
// Requests go out as raw HTTP/1.1 bytes (repeated lines, empty values as given). A case whose method Envoy's
// HTTP/1 codec refuses (envoy-001 sends `get`: Envoy answers 400 before any filter runs) runs in Envoy over
// HTTP/2, which carries any token as :method; its differential run stays on HTTP/1, where both must answer 400.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ldsFile, parseLogLine, type Listener } from "../../src/envoy/index.js";
import { ENVOY_HTTP1_METHODS } from "../../src/proxy/http1.js";
import { loadCases, checkHeaders, type ConformanceCase } from "../conformance/cases.js";
import { DEFAULT_CLUSTER, WASM, differences, exchange, startPair, type Exchange, type FilterGroup, type Pair } from "./pair.js";
import { sendH2, type Lines } from "./raw-http.js";
import { CASE_HEADER } from "./upstream.js";

const cases = loadCases();
const requestCases = cases.filter((c) => c.kind === "request");
const configCases = cases.filter((c) => c.kind === "config");

// one group (listener + dev proxy) per configuration, props and scheme
const groupOf = new Map<string, FilterGroup>();
const groups: FilterGroup[] = [];
for (const c of requestCases) {
  const key = JSON.stringify([c.config, c.props ?? null, c.request!.scheme]);
  let g = groupOf.get(key);
  if (!g) {
    g = {
      name: `g${groups.length}`,
      config: JSON.stringify(c.config),
      routeName: c.props?.route_name,
      clusterName: c.props?.cluster_name,
      tls: c.request!.scheme === "https",
    };
    groups.push(g);
    groupOf.set(key, g);
  }
  groupOf.set(c.id, g);
}

const configListener = (c: ConformanceCase): Listener => ({
  name: `config-${c.id}`,
  port: 0,
  cluster: DEFAULT_CLUSTER,
  // the root id names the case in the filter's configure-time log lines (`wasm log <root id> <vm id>: …`)
  plugin: { wasm: WASM, configuration: JSON.stringify(c.config), rootId: c.id },
});
const accepted = configCases.filter((c) => !c.expect.config_rejected);
const rejected = configCases.filter((c) => c.expect.config_rejected);

const work = mkdtempSync(join(tmpdir(), "cors-envoy-conformance-"));
const lds = join(work, "lds.json");
writeFileSync(lds, JSON.stringify(ldsFile([])));
let pair: Pair;
before(async () => {
  pair = await startPair(groups, { extra: accepted.map(configListener), ldsPath: lds });
  for (const c of requestCases) pair.upstream.answers.set(c.id, c.upstream_response!);
});
after(async () => {
  await pair?.close();
  rmSync(work, { recursive: true, force: true });
});

function lines(c: ConformanceCase): Lines {
  const out: Lines = [];
  for (const [name, value] of Object.entries(c.request!.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, v]);
  }
  return out;
}

const runs = new Map<string, Promise<Exchange>>();
/** The case over HTTP/1 to `side` (memoised: the conformance and the differential test share Envoy's answer). */
function http1(c: ConformanceCase, side: "envoy" | "host"): Promise<Exchange> {
  const key = `${side}:${c.id}`;
  let p = runs.get(key);
  if (!p) {
    const t = pair.targets.get(groupOf.get(c.id)!.name)!;
    p = exchange(pair, t[side], key, c.request!.method, c.request!.path, lines(c));
    runs.set(key, p);
  }
  return p;
}

async function viaEnvoy(c: ConformanceCase): Promise<Exchange> {
  if (ENVOY_HTTP1_METHODS.has(c.request!.method)) return http1(c, "envoy");
  const t = pair.targets.get(groupOf.get(c.id)!.name)!;
  const tag = `envoy-h2:${c.id}`;
  const rest = lines(c).filter(([n]) => n.toLowerCase() !== "host");
  const r = await sendH2(t.envoy, c.request!.method, c.request!.path, c.request!.headers.host as string, [...rest, [CASE_HEADER, tag]]);
  return { ...r, reachesUpstream: (pair.upstream.seen.get(tag) ?? 0) > 0 };
}

describe("conformance in Envoy: request cases", () => {
  for (const c of requestCases) {
    test(c.id, async () => {
      const r = await viaEnvoy(c);
      const expect = c.expect;
      assert.equal(r.reachesUpstream, expect.reaches_upstream, "reaches_upstream");
      const want = expect.status === null || expect.status === undefined ? c.upstream_response!.status : expect.status;
      assert.equal(r.status, want, "status");
      if (expect.body !== undefined) assert.equal(r.body, expect.body, "local reply body");
      checkHeaders(c, r.headers);
    });
  }
});

describe("differential: Envoy and the dev proxy give the same answer", () => {
  for (const c of requestCases) {
    test(c.id, async () => {
      const envoy = await http1(c, "envoy");
      const host = await http1(c, "host");
      assert.deepEqual(differences(envoy, host), [], `${c.id}: the dev proxy disagrees with Envoy`);
    });
  }
});

describe("conformance in Envoy: config cases", () => {
  test("Envoy starts with every accepted configuration as a listener", async () => {
    const bound = await pair.envoy.listeners();
    for (const c of accepted) assert.ok(bound[`config-${c.id}`], `${c.id}: no listener`);
  });

  // one LDS update carrying every rejected configuration; each listener is built (and refused) on its own
  let rejectionLog: Promise<string> | undefined;
  const nack = () =>
    (rejectionLog ??= (async () => {
      const verdict = await pair.envoy.updateListeners(lds, rejected.map(configListener), 60_000);
      if (verdict !== "rejected") throw new Error("Envoy applied the LDS update of rejected configurations");
      // the admin may answer before the log lines of the update have been read from Envoy's stderr
      for (const deadline = Date.now() + 10_000; !pair.envoy.log().includes("Filesystem config update rejected"); ) {
        if (Date.now() > deadline) throw new Error("Envoy rejected the LDS update but its log does not say so");
        await new Promise((r) => setTimeout(r, 20));
      }
      return pair.envoy.log();
    })());

  for (const c of rejected) {
    test(c.id, async () => {
      const log = await nack();
      assert.ok(log.includes(`lds: listener 'config-${c.id}' config rejected`), `${c.id}: Envoy did not reject the listener`);
      const mine = log.split("\n").filter((l) => {
        const line = parseLogLine(l);
        return line?.level === "error" && line.prefix !== null && line.prefix.startsWith(`${c.id} `);
      });
      assert.ok(mine.length > 0, `${c.id}: no error line from the filter`);
      for (const m of c.expect.error_mentions ?? []) {
        assert.ok(mine.some((l) => l.includes(m)), `no error line mentions ${JSON.stringify(m)}: ${JSON.stringify(mine)}`);
      }
    });
  }

  test("no rejected configuration became a listener", async () => {
    await nack();
    const bound = await pair.envoy.listeners();
    for (const c of rejected) assert.equal(bound[`config-${c.id}`], undefined, c.id);
  });
});
