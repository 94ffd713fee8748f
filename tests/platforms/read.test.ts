// Deployment files → the exact plugin configuration bytes (src/platforms/read.ts and each platform's extract).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  configFromText,
  higressToConfig,
  istioToConfig,
  ManifestError,
  protoJson,
} from "../../src/platforms/read.js";

// The Higress cors plugin README's test configuration (McpBridge + Ingress + WasmPlugin, three documents).
const HIGRESS_SEED = `apiVersion: networking.higress.io/v1
kind: McpBridge
metadata:
  name: mcp-cors-httpbin
  namespace: higress-system
spec:
  registries:
    - domain: httpbin.org
      name: httpbin
      port: 80
      type: dns
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  annotations:
    higress.io/destination: httpbin.dns
    higress.io/upstream-vhost: "httpbin.org"
    higress.io/backend-protocol: HTTP
  name: ingress-cors-httpbin
  namespace: higress-system
spec:
  ingressClassName: higress
  rules:
    - host: httpbin.example.com
      http:
        paths:
          - backend:
              resource:
                apiGroup: networking.higress.io
                kind: McpBridge
                name: mcp-cors-httpbin
            path: /
            pathType: Prefix
---
apiVersion: extensions.higress.io/v1alpha1
kind: WasmPlugin
metadata:
  name: wasm-cors-httpbin
  namespace: higress-system
spec:
  defaultConfigDisable: true
  matchRules:
    - config:
        allow_origins:
          - http://httpbin.example.net
        allow_origin_patterns:
          - http://*.example.com:[*]
          - http://*.example.org:[9090,8080]
        allow_methods:
          - GET
          - POST
          - PATCH
        allow_headers:
          - Content-Type
          - Token
          - Authorization
        expose_headers:
          - X-Custom-Header
          - X-Env-UTM
        allow_credentials: true
        max_age: 3600
      configDisable: false
      ingress:
        - ingress-cors-httpbin
  url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/cors:1.0.0
  imagePullPolicy: Always
`;

test("Higress seed: defaultConfigDisable + one ingress rule → only _rules_, keys sorted as protojson does", () => {
  const r = configFromText(HIGRESS_SEED, "seed.yaml");
  assert.equal(r.kind, "higress-wasmplugin");
  assert.match(r.source, /higress-system\/wasm-cors-httpbin/);
  assert.equal(
    r.config,
    '{"_rules_":[{"_match_route_":["ingress-cors-httpbin"],"allow_credentials":true,' +
      '"allow_headers":["Content-Type","Token","Authorization"],"allow_methods":["GET","POST","PATCH"],' +
      '"allow_origin_patterns":["http://*.example.com:[*]","http://*.example.org:[9090,8080]"],' +
      '"allow_origins":["http://httpbin.example.net"],"expose_headers":["X-Custom-Header","X-Env-UTM"],' +
      '"max_age":3600}]}',
  );
});

interface Row {
  name: string;
  spec: Record<string, unknown>;
  want: unknown; // parsed JSON, "" (zero bytes), null (not pushed) or an Error regexp
}

const rows: Row[] = [
  { name: "nothing at all → zero bytes", spec: { url: "oci://x" }, want: "" },
  { name: "defaultConfig only", spec: { defaultConfig: { allow_origins: ["https://a.example.com"] } }, want: { allow_origins: ["https://a.example.com"] } },
  {
    name: "defaultConfig + rules (ingress, domain, service), in CRD order",
    spec: {
      defaultConfig: { allow_origins: ["*"] },
      matchRules: [
        { ingress: ["default/foo"], config: { allow_origins: ["https://a.example.com"] } },
        { domain: ["*.example.com", "api.example.org"], config: { allow_credentials: true, allow_origin_patterns: ["*"] } },
        { service: ["backend.default.svc.cluster.local:8080"], config: { max_age: 60 } },
      ],
    },
    want: {
      allow_origins: ["*"],
      _rules_: [
        { allow_origins: ["https://a.example.com"], _match_route_: ["default/foo"] },
        { allow_credentials: true, allow_origin_patterns: ["*"], _match_domain_: ["*.example.com", "api.example.org"] },
        { max_age: 60, _match_service_: ["backend.default.svc.cluster.local:8080"] },
      ],
    },
  },
  {
    name: "a rule with ingress, service and domain keeps all three keys",
    spec: { matchRules: [{ ingress: ["r"], service: ["s"], domain: ["d"], config: { debug: true } }] },
    want: { _rules_: [{ debug: true, _match_route_: ["r"], _match_service_: ["s"], _match_domain_: ["d"] }] },
  },
  {
    name: "configDisable: true drops the rule",
    spec: {
      defaultConfig: { allow_origins: ["https://a.example.com"] },
      matchRules: [
        { ingress: ["off"], configDisable: true, config: { allow_origins: ["*"] } },
        { domain: ["on.example.com"], configDisable: false, config: { allow_origins: ["https://b.example.com"] } },
      ],
    },
    want: { allow_origins: ["https://a.example.com"], _rules_: [{ allow_origins: ["https://b.example.com"], _match_domain_: ["on.example.com"] }] },
  },
  {
    name: "every rule disabled, default kept → no _rules_ key",
    spec: { defaultConfig: { max_age: 10 }, matchRules: [{ ingress: ["x"], configDisable: true }] },
    want: { max_age: 10 },
  },
  {
    name: "rules present, no defaultConfig, every rule disabled → {} (zero bytes)",
    spec: { matchRules: [{ ingress: ["x"], configDisable: true }] },
    want: "",
  },
  {
    name: "defaultConfigDisable drops defaultConfig, keeps the rules",
    spec: { defaultConfigDisable: true, defaultConfig: { allow_origins: ["*"] }, matchRules: [{ ingress: ["r1"], config: { allow_origins: ["https://a.example.com"] } }] },
    want: { _rules_: [{ allow_origins: ["https://a.example.com"], _match_route_: ["r1"] }] },
  },
  {
    name: "defaultConfigDisable and no enabled rule → not pushed",
    spec: { defaultConfigDisable: true, defaultConfig: { allow_origins: ["*"] }, matchRules: [{ ingress: ["r1"], configDisable: true }] },
    want: null,
  },
  { name: "defaultConfigDisable and no rules at all → not pushed", spec: { defaultConfigDisable: true }, want: null },
  {
    name: "pluginConfig wins verbatim over defaultConfig and matchRules",
    spec: { pluginConfig: { allow_origins: ["https://p.example.com"] }, defaultConfig: { allow_origins: ["*"] }, defaultConfigDisable: true, matchRules: [{ config: {} }] },
    want: { allow_origins: ["https://p.example.com"] },
  },
  { name: "a rule without config gets only its match key", spec: { matchRules: [{ ingress: ["r"] }] }, want: { _rules_: [{ _match_route_: ["r"] }] } },
  { name: "a rule with no match condition is an error", spec: { matchRules: [{ config: { allow_origins: ["*"] } }] }, want: /invalid match rule has no match condition/ },
  { name: "empty match lists count as none", spec: { matchRules: [{ ingress: [], domain: [], service: [], config: {} }] }, want: /invalid match rule has no match condition/ },
  { name: "a disabled rule without condition is not an error", spec: { matchRules: [{ configDisable: true, config: {} }] }, want: "" },
];

for (const row of rows) {
  test(`Higress WasmPlugin: ${row.name}`, () => {
    if (row.want instanceof RegExp) {
      assert.throws(() => higressToConfig(row.spec), (e: unknown) => e instanceof ManifestError && (row.want as RegExp).test((e as Error).message));
      return;
    }
    const got = higressToConfig(row.spec);
    if (row.want === null || row.want === "") {
      assert.equal(got, row.want);
      return;
    }
    assert.equal(got, protoJson(row.want), "protojson: sorted keys");
    assert.deepEqual(JSON.parse(got!), row.want);
  });
}

test("Higress WasmPlugin in a manifest whose plugin is not pushed: config null with a note", () => {
  const r = configFromText(
    "apiVersion: extensions.higress.io/v1alpha1\nkind: WasmPlugin\nmetadata: {name: c}\nspec:\n  defaultConfigDisable: true\n",
    "p.yaml",
  );
  assert.equal(r.config, null);
  assert.match(r.notes.join("\n"), /not push/);
});

test("Istio WasmPlugin: pluginConfig as JSON; none or empty → zero bytes", () => {
  const r = configFromText(
    "apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata: {name: cors, namespace: istio-system}\nspec:\n  url: oci://x\n  pluginConfig:\n    max_age: 600\n    allow_origins: [https://a.example.com]\n",
    "istio.yaml",
  );
  assert.equal(r.kind, "istio-wasmplugin");
  assert.equal(r.config, '{"allow_origins":["https://a.example.com"],"max_age":600}');
  assert.equal(istioToConfig({}), "");
  assert.equal(istioToConfig({ pluginConfig: {} }), "");
});

const ENVOY = `static_resources:
  listeners:
  - name: listener_0
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          http_filters:
          - name: envoy.filters.http.wasm
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
              config:
                name: cors
                configuration:
                  "@type": type.googleapis.com/google.protobuf.StringValue
                  value: |
                    {"allow_origins": ["https://app.example.com"], "allow_credentials": true}
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
`;

test("Envoy bootstrap: the wasm filter's StringValue, byte for byte", () => {
  const r = configFromText(ENVOY, "envoy.yaml");
  assert.equal(r.kind, "envoy-bootstrap");
  assert.equal(r.config, '{"allow_origins": ["https://app.example.com"], "allow_credentials": true}\n');
});

test("Envoy Gateway EnvoyExtensionPolicy: spec.wasm[].config as raw JSON", () => {
  const r = configFromText(
    "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: EnvoyExtensionPolicy\nmetadata: {name: cors}\nspec:\n  wasm:\n  - name: cors\n    code: {type: Image, image: {url: x}}\n    config:\n      allow_origins: [https://b.example.com]\n      allow_credentials: true\n",
    "eg.yaml",
  );
  assert.equal(r.kind, "envoy-gateway");
  assert.equal(r.config, '{"allow_origins":["https://b.example.com"],"allow_credentials":true}');
});

test("the filter's own JSON passes verbatim (also when malformed: the filter reports the offset)", () => {
  const text = '{ "allow_origins" : [ "https://a.example.com" ] }\n';
  assert.equal(configFromText(text, "c.json").config, text);
  const bad = '{"allow_origins": [}';
  assert.equal(configFromText(bad, "bad.json").config, bad);
  assert.equal(configFromText("", "empty.json").config, "");
});

test("YAML of the filter's configuration becomes JSON (order kept)", () => {
  const r = configFromText("allow_origins:\n  - https://a.example.com\nmax_age: 7200\nallow_credentials: true\n", "c.yaml");
  assert.equal(r.kind, "yaml");
  assert.equal(r.config, '{"allow_origins":["https://a.example.com"],"max_age":7200,"allow_credentials":true}');
});

test("several plugins in one file: the cors one is used, with a note", () => {
  const text = [
    "apiVersion: extensions.higress.io/v1alpha1\nkind: WasmPlugin\nmetadata: {name: key-auth}\nspec:\n  defaultConfig: {consumers: []}\n",
    "apiVersion: extensions.higress.io/v1alpha1\nkind: WasmPlugin\nmetadata: {name: cors}\nspec:\n  defaultConfig: {allow_origins: ['*']}\n",
  ].join("---\n");
  const r = configFromText(text, "two.yaml");
  assert.equal(r.config, '{"allow_origins":["*"]}');
  assert.match(r.notes.join("\n"), /key-auth/);
});

test("a YAML file without any plugin configuration is an error", () => {
  assert.throws(
    () => configFromText("apiVersion: v1\nkind: Service\nmetadata: {name: x}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: y}\n", "k.yaml"),
    ManifestError,
  );
});

test("Kong declarative config: filter_chains[].filters[].config (string verbatim)", () => {
  const r = configFromText(
    '_format_version: "3.0"\nservices:\n- name: backend\n  url: http://x:8080\n  filter_chains:\n  - name: cors\n    filters:\n    - name: cors_proxy_wasm\n      config: |\n        {"allow_origins": ["https://k.example.com"]}\n',
    "kong.yaml",
  );
  assert.equal(r.kind, "kong");
  assert.equal(r.config, '{"allow_origins": ["https://k.example.com"]}\n');
});

test("APISIX apisix.yaml: routes[].plugins.<wasm plugin>.conf", () => {
  const r = configFromText(
    'routes:\n- id: backend\n  uri: /*\n  plugins:\n    cors-proxy-wasm:\n      conf: \'{"allow_origins": ["https://a.example.com"]}\'\n',
    "apisix.yaml",
  );
  assert.equal(r.kind, "apisix");
  assert.equal(r.config, '{"allow_origins": ["https://a.example.com"]}');
});

test("files that carry no configuration say which file to pass instead", () => {
  assert.throws(() => configFromText("services:\n  envoy:\n    image: envoyproxy/envoy:v1.39-latest\n", "docker-compose.yaml"), /compose/);
  assert.throws(() => configFromText("wasm:\n  plugins:\n  - name: cors\n    file: /x.wasm\n", "config.yaml"), /apisix\.yaml/);
});
