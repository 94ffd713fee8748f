// Every plugin configuration inside every example — the envoy.yaml StringValue, the JSON Higress builds from
// the WasmPlugin and its defaultConfig and each matchRules[].config on their own, Istio's pluginConfig,
// Envoy Gateway's config, Kong's filter config and APISIX's conf — goes through the filter's own
// proxy_on_configure in the host (with the Kong and APISIX link profiles for theirs) and is accepted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { RENDERED, ROOT } from "./examples.js";
import { extractConfigs, loadHost, LEVEL_ERROR, LEVEL_WARN } from "./helpers.js";
import { loadConfigFile } from "../../src/platforms/read.js";

const FILES = RENDERED.map((e) => e.out);

/** Examples whose configurations are recommended as they are: the filter must not even warn about them.
 *  (Higress reproduces its documentation's test setup, whose http:// origins with credentials warn.) */
const WARNING_FREE = new Set([
  "examples/envoy.yaml",
  "examples/k8s/istio/wasmplugin.yaml",
  "examples/k8s/envoy-gateway/envoyextensionpolicy.yaml",
  "examples/kong/kong.yaml",
  "examples/apisix/apisix.yaml",
]);

for (const file of FILES) {
  test(`every plugin configuration in ${file} is accepted by proxy_on_configure`, async () => {
    const configs = extractConfigs(file);
    assert.ok(configs.length > 0);
    for (const c of configs) {
      const host = await loadHost({ profile: c.profile, pluginName: "cors" });
      const accepted = host.configure(c.text);
      const errors = host.logs.filter((l) => l.level >= LEVEL_ERROR).map((l) => l.message);
      assert.ok(accepted, `${c.where} (profile ${c.profile}) rejected:\n  ${errors.join("\n  ")}`);
      assert.deepEqual(errors, [], c.where);
      assert.equal(host.failed, false, `${c.where}: the VM trapped`);
      if (WARNING_FREE.has(file)) {
        const warnings = host.logs.filter((l) => l.level === LEVEL_WARN).map((l) => l.message);
        assert.deepEqual(warnings, [], `${c.where}: warnings`);
      }
    }
  });
}

test("a broken copy of an example is rejected (the check is not vacuous)", async () => {
  const [c] = extractConfigs("examples/envoy.yaml");
  const broken = c.text.replace('"https://app.example.com"', '"https://app.example.com/path"');
  assert.notEqual(broken, c.text);
  const host = await loadHost({ profile: "envoy" });
  assert.equal(host.configure(broken), false);
  assert.ok(host.logs.some((l) => l.level >= LEVEL_ERROR && l.message.includes("allow_origins[0]")));
});

test("the Kong and APISIX examples link and configure with those hosts' import tables", async () => {
  for (const [file, profile] of [
    ["examples/kong/kong.yaml", "kong"],
    ["examples/apisix/apisix.yaml", "apisix"],
  ] as const) {
    const [c] = extractConfigs(file);
    assert.equal(c.profile, profile);
    const host = await loadHost({ profile });
    assert.ok(host.configure(c.text), `${file} on the ${profile} profile`);
  }
});

test("the dev proxy's manifest reader (src/platforms/read.ts) hands the filter the same bytes as these tests", () => {
  for (const file of ["examples/envoy.yaml", "examples/k8s/higress/wasmplugin.yaml", "examples/k8s/istio/wasmplugin.yaml", "examples/k8s/envoy-gateway/envoyextensionpolicy.yaml"]) {
    const [mine] = extractConfigs(file);
    const theirs = loadConfigFile(join(ROOT, file)).config;
    assert.ok(theirs !== null, file);
    assert.deepEqual(JSON.parse(theirs), JSON.parse(mine.text), file);
  }
});

test("each example's configuration decides as written, on its platform's host profile", async () => {
  const checked = new Set<string>();
  for (const file of FILES) {
    for (const c of extractConfigs(file)) {
      const origins = c.value.allow_origins;
      if (!Array.isArray(origins) || origins.length === 0 || origins.includes("*")) continue;
      const host = await loadHost({ profile: c.profile, pluginName: "cors" });
      assert.ok(host.configure(c.text), c.where);
      const preflight = (origin: string) => {
        const s = host.newStream();
        const out = s.requestHeaders(
          [
            [":method", "OPTIONS"],
            [":path", "/"],
            [":authority", "gateway.example.net"],
            [":scheme", "https"],
            ["origin", origin],
            ["access-control-request-method", "GET"],
          ],
          true,
        );
        s.finish();
        return out;
      };
      const ok = preflight(String(origins[0]));
      assert.equal(ok.kind, "local", `${c.where}: preflight from ${String(origins[0])} answered by the filter`);
      if (ok.kind === "local") {
        assert.equal(ok.status, 200, `${c.where}: allowed preflight status`);
        assert.deepEqual(ok.headers.filter(([n]) => n === "access-control-allow-origin").map(([, v]) => v), [origins[0]], c.where);
      }
      const bad = preflight("https://evil.example");
      assert.equal(bad.kind === "local" ? bad.status : 0, 403, `${c.where}: preflight from another origin`);
      checked.add(`${file} ${c.profile}`);
    }
  }
  assert.equal(checked.size, FILES.length, `every example checked: ${[...checked].join(", ")}`);
});
