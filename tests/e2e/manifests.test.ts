// `serve --config` with deployment manifests: the dev proxy runs the configuration each file carries.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { header, request } from "../proxy/helpers.js";
import { configFile, lowerSet, serve, tokens, type Served } from "./cli-helpers.js";

// The Higress cors plugin README's WasmPlugin: one rule on ingress `ingress-cors-httpbin`, defaultConfigDisable.
const HIGRESS = `apiVersion: extensions.higress.io/v1alpha1
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
        allow_methods: [GET, POST, PATCH]
        allow_headers: [Content-Type, Token, Authorization]
        expose_headers: [X-Custom-Header, X-Env-UTM]
        allow_credentials: true
        max_age: 3600
      configDisable: false
      ingress:
        - ingress-cors-httpbin
  url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/cors:1.0.0
`;
const ORIGIN = "http://httpbin2.example.org:9090";

describe("serve --config <Higress WasmPlugin> --route-name", () => {
  let matched: Served;
  let unmatched: Served;
  before(async () => {
    const file = configFile(HIGRESS, "yaml");
    [matched, unmatched] = await Promise.all([
      serve(["--config", file, "--route-name", "ingress-cors-httpbin"]),
      serve(["--config", file, "--route-name", "some-other-route"]),
    ]);
  });
  after(async () => {
    await Promise.all([matched?.stop(), unmatched?.stop()]);
  });

  test("the README's simple request on the matching route: echoed origin, ACEH, credentials", async () => {
    const r = await request(`${matched.url}/anything/get?foo=1`, { headers: [["Host", "httpbin.example.com"], ["Origin", ORIGIN]] });
    assert.equal(r.status, 200);
    assert.equal(header(r, "access-control-allow-origin"), ORIGIN);
    assert.equal(header(r, "access-control-allow-credentials"), "true");
    assert.deepEqual(lowerSet(tokens(r.lines, "access-control-expose-headers")), new Set(["x-custom-header", "x-env-utm"]));
  });

  test("the README's preflight: 200 with the rule's methods, headers and max-age", async () => {
    const r = await request(`${matched.url}/anything/get?foo=1`, {
      method: "OPTIONS",
      headers: [["Host", "httpbin.example.com"], ["Origin", ORIGIN], ["Access-Control-Request-Method", "POST"], ["Access-Control-Request-Headers", "Content-Type, Token"]],
    });
    assert.equal(r.status, 200);
    assert.equal(header(r, "access-control-allow-origin"), ORIGIN);
    assert.deepEqual(new Set(tokens(r.lines, "access-control-allow-methods")), new Set(["GET", "POST", "PATCH"]));
    assert.equal(header(r, "access-control-max-age"), "3600");
  });

  test("the README's illegal-origin and illegal-method preflights: 403", async () => {
    for (const [origin, method] of [["http://httpbin2.example.org", "GET"], [ORIGIN, "DELETE"]]) {
      const r = await request(`${matched.url}/anything/get`, {
        method: "OPTIONS",
        headers: [["Host", "httpbin.example.com"], ["Origin", origin], ["Access-Control-Request-Method", method]],
      });
      assert.equal(r.status, 403, `${origin} ${method}`);
      assert.equal(r.body, "Invalid CORS request");
    }
  });

  test("another route: no rule matches and there is no global config → the filter does nothing", async () => {
    const r = await request(`${unmatched.url}/anything/get`, { headers: [["Host", "httpbin.example.com"], ["Origin", ORIGIN]] });
    assert.equal(r.status, 200);
    assert.equal(header(r, "access-control-allow-origin"), undefined);
    assert.equal(header(r, "vary"), undefined);
  });
});

describe("serve --config with other deployment files", () => {
  test("Envoy bootstrap: the wasm filter's configuration", async () => {
    const envoy = `static_resources:
  listeners:
  - name: l
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
                configuration:
                  "@type": type.googleapis.com/google.protobuf.StringValue
                  value: '{"allow_origins": ["https://envoy.example.com"]}'
`;
    const s = await serve(["--config", configFile(envoy, "yaml")]);
    try {
      const ok = await request(`${s.url}/`, { headers: [["Origin", "https://envoy.example.com"]] });
      assert.equal(header(ok, "access-control-allow-origin"), "https://envoy.example.com");
      const no = await request(`${s.url}/`, { headers: [["Origin", "https://app.example.com"]] });
      assert.equal(header(no, "access-control-allow-origin"), undefined);
    } finally {
      await s.stop();
    }
  });

  test("Istio WasmPlugin and Envoy Gateway EnvoyExtensionPolicy", async () => {
    const istio = `apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: cors, namespace: istio-system}
spec:
  url: oci://example/cors:1
  pluginConfig:
    allow_origins: [https://istio.example.com]
`;
    const eg = `apiVersion: gateway.envoyproxy.io/v1alpha1
kind: EnvoyExtensionPolicy
metadata: {name: cors}
spec:
  wasm:
  - name: cors
    code: {type: Image, image: {url: example/cors:1}}
    config:
      allow_origins: [https://eg.example.com]
`;
    for (const [text, origin] of [[istio, "https://istio.example.com"], [eg, "https://eg.example.com"]]) {
      const s = await serve(["--config", configFile(text, "yaml")]);
      try {
        const r = await request(`${s.url}/`, { headers: [["Origin", origin]] });
        assert.equal(header(r, "access-control-allow-origin"), origin);
      } finally {
        await s.stop();
      }
    }
  });
});
