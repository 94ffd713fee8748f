// Envoy's own judgement of the Envoy configurations in examples/: `envoy --mode validate` (the pinned build)
// parses every field, resolves every typed config and runs the filter's proxy_on_configure on its configuration.
// Paths are mapped to the build as examples/docker-compose.yaml mounts them (../build/cors.wasm → the path
// envoy.yaml names). Next to tests/validate/envoy.test.ts (go-control-plane); broken copies must fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import yaml from "js-yaml";
import { bootstrap, moduleLines, validateConfig } from "../../src/envoy/index.js";
import { loadConfigFile, ManifestError } from "../../src/platforms/read.js";
import { ROOT } from "../host/helpers.js";

type Obj = Record<string, any>;
const EXAMPLES = join(ROOT, "examples");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : /\.(ya?ml|json)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Files of examples/ holding an Envoy bootstrap (static_resources or dynamic_resources at the top). */
const ENVOY_CONFIGS = filesUnder(EXAMPLES).filter((f) => {
  try {
    return yaml.loadAll(readFileSync(f, "utf8")).some((d) => d !== null && typeof d === "object" && ("static_resources" in d || "dynamic_resources" in d));
  } catch {
    return false;
  }
});

/** Container path → file in the repository, from the envoy service's volumes in examples/docker-compose.yaml. */
function composeMounts(): Map<string, string> {
  const compose = yaml.load(readFileSync(join(EXAMPLES, "docker-compose.yaml"), "utf8")) as Obj;
  const out = new Map<string, string>();
  for (const v of compose.services.envoy.volumes as string[]) {
    const [from, to] = v.split(":");
    out.set(to, resolve(EXAMPLES, from));
  }
  return out;
}

function mapped(text: string): string {
  let out = text;
  for (const [inContainer, inRepo] of composeMounts()) out = out.split(inContainer).join(inRepo);
  return out;
}

function wasmConfigOf(doc: Obj): Obj {
  for (const l of doc.static_resources.listeners)
    for (const fc of l.filter_chains)
      for (const f of fc.filters)
        for (const h of f.typed_config.http_filters ?? []) if (h.name === "envoy.filters.http.wasm") return h.typed_config.config;
  throw new Error("no envoy.filters.http.wasm filter");
}

test("examples/ holds Envoy configurations, and each names the module at a path docker-compose.yaml mounts", () => {
  assert.ok(ENVOY_CONFIGS.some((f) => f.endsWith("examples/envoy.yaml")), ENVOY_CONFIGS.join(", "));
  for (const f of ENVOY_CONFIGS) {
    for (const doc of yaml.loadAll(mapped(readFileSync(f, "utf8"))) as Obj[]) {
      const file = wasmConfigOf(doc).vm_config.code.local.filename as string;
      assert.equal(file, join(ROOT, "build", "cors.wasm"), `${relative(ROOT, f)}: the module path maps to the build`);
    }
  }
});

for (const file of ENVOY_CONFIGS) {
  const name = relative(ROOT, file);
  test(`envoy --mode validate accepts ${name} (module path mapped to build/cors.wasm)`, () => {
    const r = validateConfig(mapped(readFileSync(file, "utf8")));
    assert.ok(r.ok, r.log);
    assert.match(r.log, /configuration '.*' OK/);
  });
}

interface Breakage {
  name: string;
  /** Changes the mapped document (or, for `text`, its text before mapping). */
  mutate?: (d: Obj) => void;
  text?: (t: string) => string;
  expect: RegExp;
}

const BREAKAGES: Breakage[] = [
  {
    name: "a filter configuration the filter rejects",
    mutate: (d) => (wasmConfigOf(d).configuration.value = JSON.stringify({ allow_origins: ["https://a.example.com/x"] })),
    expect: /allow_origins\[0\]: "https:\/\/a\.example\.com\/x" has a path/,
  },
  { name: "the module path not mapped (as written for the container)", text: (t) => t, expect: /Invalid path: \/etc\/envoy\/cors\.wasm/ },
  { name: "an unknown field", mutate: (d) => (d.static_resources.listeners[0].bogus_field = 1), expect: /bogus_field.*has unknown fields|unknown field.*bogus_field/ },
  {
    name: "a route to an undefined cluster",
    mutate: (d) => (d.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.cluster = "nope"),
    expect: /unknown cluster 'nope'/,
  },
  { name: "a bad failure_policy", mutate: (d) => (wasmConfigOf(d).failure_policy = "FAIL_SOMETIMES"), expect: /INVALID_ARGUMENT.*FAIL_SOMETIMES|FAIL_SOMETIMES.*(invalid|unknown)/i },
];

for (const b of BREAKAGES) {
  test(`envoy --mode validate rejects a copy of examples/envoy.yaml with ${b.name}`, () => {
    const text = readFileSync(join(EXAMPLES, "envoy.yaml"), "utf8");
    let config: string;
    if (b.text) config = b.text(text);
    else {
      const doc = yaml.load(mapped(text)) as Obj;
      b.mutate!(doc);
      config = JSON.stringify(doc);
    }
    const r = validateConfig(config);
    assert.ok(!r.ok, `accepted:\n${r.log}`);
    assert.match(r.log, b.expect);
    if (b.name.startsWith("a filter configuration")) assert.ok(moduleLines(r.log, ["error"]).length > 0, "the filter's own error line");
  });
}

test("every plugin configuration in examples/, read as `envoy --config FILE` reads it, is accepted by the filter in Envoy", (t) => {
  const listeners = [];
  for (const file of filesUnder(EXAMPLES).sort()) {
    let config: string | null;
    try {
      config = loadConfigFile(file).config;
    } catch (e) {
      if (e instanceof ManifestError) continue; // carries no plugin configuration (compose, APISIX config.yaml, …)
      throw e;
    }
    if (config === null) continue; // the controller would not push it
    listeners.push({ name: relative(ROOT, file), port: 0, cluster: "upstream", plugin: { wasm: join(ROOT, "build", "cors.wasm"), configuration: config } });
  }
  t.diagnostic(`${listeners.length} configurations: ${listeners.map((l) => l.name).join(", ")}`);
  assert.ok(listeners.length >= 7, "examples/ carries the configurations of every platform");
  const r = validateConfig(bootstrap({ admin: { port: 0 }, listeners, clusters: [{ name: "upstream", host: "127.0.0.1", port: 9 }] }));
  assert.ok(r.ok, moduleLines(r.log).join("\n") || r.log);
  assert.deepEqual(moduleLines(r.log, ["error"]), []);
});
