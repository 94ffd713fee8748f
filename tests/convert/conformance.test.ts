// The peer-derived conformance cases (Kong, APISIX, Envoy, Higress), from the peer's own configuration
// (tests/convert/native-cases.json): convert it, then replay the case's request through the real filter
// (build/cors.wasm in src/host) with the case's `config` and with the converted configuration. Every aspect of
// the answer that differs (local reply and status, each CORS header, Vary) must be named by a difference line
// convert printed; a config case must end the same way (rejected / an error), or a printed line must say why not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ProxyWasmHost } from "../../src/host/index.js";
import { convertDocs } from "../../src/convert/index.js";
import { validateConfig } from "../../src/convert/check.js";
import type { Aspect, Source } from "../../src/convert/types.js";
import { combined, loadCases, tokenSet, LIST_HEADERS, CASE_INSENSITIVE_LISTS, type ConformanceCase } from "../conformance/cases.js";

const wasm = readFileSync(new URL("../../../build/cors.wasm", import.meta.url).pathname);
const natives = JSON.parse(readFileSync(new URL("../../../tests/convert/native-cases.json", import.meta.url).pathname, "utf8")) as Record<string, { from: Source; native: unknown }>;
const cases = new Map(loadCases().map((c) => [c.id, c]));

const HEADER_ASPECTS: Aspect[] = [
  "access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-methods",
  "access-control-allow-headers", "access-control-expose-headers", "access-control-max-age",
  "access-control-allow-private-network", "timing-allow-origin", "vary",
];

async function answer(c: ConformanceCase, config: unknown): Promise<Map<Aspect, string>> {
  const host = await ProxyWasmHost.load(wasm, { profile: "envoy", legacyProperties: true });
  assert.equal(host.configure(JSON.stringify(config)), true, `rejected: ${JSON.stringify(config)}`);
  const req = c.request!;
  const r = host.simulate(
    { method: req.method, scheme: req.scheme, path: req.path, headers: req.headers, properties: c.props },
    { status: c.upstream_response!.status, headers: c.upstream_response!.headers ?? {} },
  );
  const out = new Map<Aspect, string>();
  out.set("status", `${r.reachesUpstream} ${r.status} ${r.localReply !== undefined ? r.body : ""}`);
  for (const h of HEADER_ASPECTS) {
    const v = combined(r.headers, h);
    out.set(h, v === null ? "(absent)" : LIST_HEADERS.has(h) ? tokenSet(v, CASE_INSENSITIVE_LISTS.has(h)).join(",") : v);
  }
  return out;
}

/** Per source: cases converted, cases whose answer differs, and the difference kinds printed. */
const tally = new Map<string, { cases: number; differing: number; kinds: Set<string> }>();

for (const [id, entry] of Object.entries(natives)) {
  if (id.startsWith("_")) continue;
  test(`${id} from ${entry.from}'s own configuration`, async () => {
    const c = cases.get(id);
    assert.ok(c !== undefined, `no conformance case ${id}`);
    const conv = convertDocs(entry.from, [entry.native]);
    const t = tally.get(entry.from) ?? { cases: 0, differing: 0, kinds: new Set<string>() };
    tally.set(entry.from, t);
    t.cases++;
    for (const d of conv.differences) t.kinds.add(d.kind);
    const printed = new Set(conv.differences.flatMap((d) => d.aspects));
    if (c.kind === "config") {
      const ok = conv.errors.length === 0 ? (await validateConfig(wasm, conv.configs[0].config)).accepted : false;
      if (c.expect.config_rejected === true && ok) {
        assert.ok(printed.has("access-control-allow-origin"), `converted and accepted where the case's translation is rejected, and no printed difference says how origins are answered now: ${JSON.stringify(conv.configs[0].config)}`);
      }
      if (c.expect.config_rejected === false) assert.ok(ok, `the case's configuration is accepted but the conversion is not: ${JSON.stringify(conv.errors)}`);
      return;
    }
    assert.deepEqual(conv.errors, [], "conversion errors");
    const want = await answer(c, c.config);
    const got = await answer(c, conv.configs[0].config);
    const unexplained: string[] = [];
    let differs = false;
    for (const [aspect, v] of want) {
      if (got.get(aspect) === v) continue;
      differs = true;
      if (!printed.has(aspect)) unexplained.push(`${aspect}: case config → ${v}, converted → ${got.get(aspect)}`);
    }
    if (differs) t.differing++;
    if (process.env.CONVERT_DEBUG) process.stdout.write(`# ${id}: ${[...want].filter(([a, v]) => got.get(a) !== v).map(([a, v]) => `${a}: ${v} → ${got.get(a)}`).join("; ")}\n`);
    assert.deepEqual(unexplained, [], `differences no printed line names (printed: ${conv.differences.map((d) => d.kind).join(", ")})`);
  });
}

test("summary: differences per source on the conformance cases", () => {
  const lines = [...tally].map(([s, t]) => `${s}: ${t.cases} cases, ${t.differing} answer differently, kinds: ${[...t.kinds].sort().join(", ")}`);
  process.stdout.write(`# ${lines.join("\n# ")}\n`);
  assert.ok(tally.size === 4 || tally.size === 0);
});
