// `render`: the files in examples/ are exactly what it produces from their sources (drift test), each one
// hands the filter exactly its source configuration, and the hand-written files agree with them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { render, renderCommand, renderCompose, readConfigFile, higressSpecParts, RenderError, PLATFORMS, DEFAULTS } from "../../src/deploy/render.js";
import { pinnedEnvoyVersion } from "../../src/envoy/install.js";
import { COMPOSE, RENDERED, ROOT, renderExample, renderCommandLine, readExample } from "./examples.js";
import { extractConfigs, higressController, loadYamlDocs } from "./helpers.js";

type Obj = { [key: string]: unknown };

for (const e of RENDERED) {
  test(`${e.out} is what \`render ${e.platform}\` makes of ${e.source}`, () => {
    const expected = renderExample(e);
    const actual = readExample(e.out);
    assert.ok(
      actual === expected,
      `${e.out} drifted from its source ${e.source}. If the source is right, render again:\n  ${renderCommandLine(e)}\n` +
        `(or: node dist/tests/deploy/examples.js --write after make build)`,
    );
  });

  test(`${e.out} hands the filter exactly the configuration in ${e.source}`, () => {
    const source = readConfigFile(join(ROOT, e.source));
    const configs = extractConfigs(e.out);
    assert.ok(configs.length > 0, "no plugin configuration found");
    // the first extracted configuration is the one the filter receives (for Higress: the controller's JSON)
    assert.deepEqual(sortKeys(configs[0].value), sortKeys(source));
  });
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Obj)[k])]));
  }
  return v;
}

test("render via the command: --out writes the same text, errors have exit codes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "render-"));
  const cwd = process.cwd();
  const stderr = process.stderr.write;
  try {
    process.chdir(ROOT);
    process.stderr.write = (() => true) as typeof process.stderr.write; // keep the test output clean
    for (const e of RENDERED) {
      const out = join(dir, e.platform + ".yaml");
      assert.equal(await renderCommand([e.platform, "--config", e.source, "--out", out]), 0);
      assert.equal(readFileSync(out, "utf8"), readExample(e.out), `${e.platform} via renderCommand`);
    }
    assert.equal(await renderCommand(["nginx", "--config", "examples/cors-config.yaml"]), 2);
    assert.equal(await renderCommand(["envoy"]), 2);
    assert.equal(await renderCommand(["envoy", "--config", "examples/cors-config.yaml", "--bogus", "x"]), 2);
    assert.equal(await renderCommand(["envoy", "--config", join(dir, "missing.yaml")]), 1);
  } finally {
    process.stderr.write = stderr;
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("render refuses what no platform could carry", () => {
  assert.throws(() => render("envoy", [] as unknown as object), RenderError);
  assert.throws(() => render("higress", { _rules_: [{ allow_origins: ["*"] }] }), /none of _match_route_/);
  assert.throws(() => render("higress", { _rules_: [{ _match_domain_: [] }] }), /non-empty list/);
  assert.throws(() => render("higress", { _rules_: {} }), RenderError);
  assert.throws(() => render("envoy", {}, { upstream: "no-port" }), /host:port/);
  assert.throws(() => render("nginx" as never, {}), /unknown platform/);
});

test("every platform renders the empty configuration, and the result parses", () => {
  for (const p of PLATFORMS) {
    const text = render(p, {});
    const docs = yaml.loadAll(text);
    assert.equal(docs.length, 1, p);
  }
  // Higress with only rules: no defaultConfig, defaultConfigDisable true
  const doc = yaml.load(render("higress", { _rules_: [{ _match_domain_: ["a.example.com"], max_age: 5 }] })) as Obj;
  const spec = doc.spec as Obj;
  assert.equal(spec.defaultConfigDisable, true);
  assert.equal(spec.defaultConfig, undefined);
  assert.deepEqual(spec.matchRules, [{ domain: ["a.example.com"], config: { max_age: 5 } }]);
});

test("strings that YAML 1.1 would read as something else stay strings", () => {
  const config = {
    allow_methods: ["GET", "ON", "yes", "No", "null", "~", "1.5", "0x10", "12:30", "*", "-x", "a: b", "#c", "'q'", "é"],
    allow_headers: ["true"],
    max_age: "90m",
    nested: { on: "off", list: [{ y: "n" }] },
  };
  for (const p of ["higress", "istio", "envoy-gateway"] as const) {
    const spec = (yaml.load(render(p, config)) as Obj).spec as Obj;
    const v = p === "higress" ? spec.defaultConfig : p === "istio" ? spec.pluginConfig : (spec.wasm as Obj[])[0].config;
    assert.deepEqual(v, config, p);
    // every list element that is not a plain identifier is quoted (so YAML 1.1 parsers agree)
    const text = render(p, config);
    for (const s of ["ON", "yes", "No", "null", "~", "1.5", "0x10", "12:30", "true", "off", "n"]) {
      assert.ok(text.includes(JSON.stringify(s)), `${p}: ${s} is quoted`);
    }
  }
});

test("Higress: the controller's conversion of the rendered WasmPlugin gives back the source", () => {
  const source = readConfigFile(join(ROOT, "examples/k8s/higress/cors-config.yaml"));
  const parts = higressSpecParts(source);
  assert.ok(parts.defaultConfig !== null);
  assert.equal(parts.matchRules.length, 2);
  assert.deepEqual(parts.matchRules[0].ingress, ["ingress-cors-httpbin"]);
  assert.deepEqual(parts.matchRules[1].domain, ["*.api.example.org"]);
  const doc = loadYamlDocs("examples/k8s/higress/wasmplugin.yaml")[0] as Obj;
  assert.equal(doc.apiVersion, "extensions.higress.io/v1alpha1");
  const spec = doc.spec as Obj;
  assert.equal(spec.phase, "AUTHZ");
  assert.equal(spec.priority, 340);
  assert.match(String(spec.url), /^oci:\/\//);
  assert.deepEqual(sortKeys(higressController(spec)), sortKeys(source));
});

test("Higress: the matchRules ingress is the Ingress of httpbin.yaml, with its McpBridge", () => {
  const setup = loadYamlDocs("examples/k8s/higress/httpbin.yaml") as Obj[];
  const kinds = setup.map((d) => `${String(d.apiVersion)} ${String(d.kind)}`);
  assert.deepEqual(kinds, ["networking.higress.io/v1 McpBridge", "networking.k8s.io/v1 Ingress"]);
  const [bridge, ingress] = setup;
  const ingressMeta = ingress.metadata as Obj;
  const plugin = loadYamlDocs("examples/k8s/higress/wasmplugin.yaml")[0] as Obj;
  // in the system namespace a route is named after its Ingress; elsewhere <namespace>/<name>
  assert.equal(ingressMeta.namespace, (plugin.metadata as Obj).namespace);
  const rule = ((plugin.spec as Obj).matchRules as Obj[])[0];
  assert.deepEqual(rule.ingress, [ingressMeta.name]);
  const backend = ((((ingress.spec as Obj).rules as Obj[])[0].http as Obj).paths as Obj[])[0].backend as Obj;
  assert.equal((backend.resource as Obj).name, (bridge.metadata as Obj).name);
  const registry = ((bridge.spec as Obj).registries as Obj[])[0];
  assert.equal((ingressMeta.annotations as Obj)["higress.io/destination"], `${String(registry.name)}.${String(registry.type)}`);
});

test(`${COMPOSE} is what renderCompose() makes: the Envoy image is the pinned version`, () => {
  assert.ok(
    readExample(COMPOSE) === renderCompose(),
    `${COMPOSE} drifted: write it again with node dist/tests/deploy/examples.js --write (after make build)`,
  );
  assert.match(renderCompose(), new RegExp(`image: envoyproxy/envoy:v${pinnedEnvoyVersion().replace(/\./g, "\\.")}\n`));
});

test("docker-compose.yaml: one pinned Envoy image, the module and envoy.yaml where envoy.yaml expects them", () => {
  const text = readExample("examples/docker-compose.yaml");
  const images = [...text.matchAll(/envoyproxy\/envoy:([^\s"']+)/g)].map((m) => m[1]);
  assert.equal(images.length, 1, "the Envoy image is named exactly once");
  assert.match(images[0], /^v1\.\d+\.\d+$|^v1\.\d+-latest$/, "a stable release tag, not dev/latest");
  const compose = yaml.load(text) as Obj;
  const services = compose.services as Obj;
  const envoy = services.envoy as Obj;
  const volumes = (envoy.volumes as string[]).map((v) => v.split(":"));
  const envoyYaml = loadYamlDocs("examples/envoy.yaml")[0] as Obj;
  const wasmFile = JSON.stringify(envoyYaml).match(/"filename":"([^"]+)"/)?.[1];
  assert.ok(volumes.some(([from, to]) => from === "../build/cors.wasm" && to === wasmFile), `cors.wasm mounted at ${wasmFile}`);
  assert.ok(volumes.some(([from, to]) => from === "./envoy.yaml" && to === "/etc/envoy/envoy.yaml"));
  const ports = envoy.ports as string[];
  assert.ok(ports.some((p) => p.endsWith(":10000")) && ports.some((p) => p.endsWith(":9901")));
  // the cluster's address is the upstream service, on the port it listens on
  const cluster = ((envoyYaml.static_resources as Obj).clusters as Obj[])[0];
  const addr = JSON.stringify(cluster).match(/"address":"([^"]+)","port_value":(\d+)/);
  assert.ok(addr !== null);
  const upstream = services[addr[1]] as Obj | undefined;
  assert.ok(upstream !== undefined, `compose has a service named ${addr[1]}`);
  assert.match(String(upstream.image), /^mccutchen\/go-httpbin:v\d+\.\d+\.\d+$/, "pinned upstream image");
  assert.equal(addr[2], "8080");
  // admin on 9901, listener on 10000
  assert.match(JSON.stringify(envoyYaml.admin), /"port_value":9901/);
  assert.match(JSON.stringify(envoyYaml.static_resources), /"port_value":10000/);
  assert.match(readExample("examples/envoy.yaml"), /failure_policy: FAIL_CLOSED/);
});

test("APISIX: config.yaml declares the plugin the route uses", () => {
  const config = loadYamlDocs("examples/apisix/config.yaml")[0] as Obj;
  const plugins = (config.wasm as Obj).plugins as Obj[];
  assert.equal(plugins.length, 1);
  assert.equal(plugins[0].name, DEFAULTS.apisixPlugin);
  assert.equal(typeof plugins[0].priority, "number");
  assert.match(String(plugins[0].file), /\.wasm$/);
  assert.equal(plugins[0].http_request_phase, "rewrite");
  const routes = (loadYamlDocs("examples/apisix/apisix.yaml")[0] as Obj).routes as Obj[];
  assert.ok(Object.keys(routes[0].plugins as Obj).includes(DEFAULTS.apisixPlugin));
  assert.match(readExample("examples/apisix/apisix.yaml"), /\n#END\n$/, "standalone apisix.yaml ends with #END");
});

test("Kong: the filter chain names the filter by its file name", () => {
  const doc = loadYamlDocs("examples/kong/kong.yaml")[0] as Obj;
  assert.equal(doc._format_version, "3.0");
  const service = (doc.services as Obj[])[0];
  const chain = (service.filter_chains as Obj[])[0];
  const filters = chain.filters as Obj[];
  assert.equal(filters[0].name, DEFAULTS.kongFilter);
  assert.equal(typeof filters[0].config, "string", "without a .meta.json schema Kong takes config as a string");
});
