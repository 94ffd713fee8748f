// Envoy: a static bootstrap (v3) running the filter as envoy.filters.http.wasm; back from a bootstrap, an
// EnvoyFilter patch or a ConfigMap holding a bootstrap, the `configuration` of every wasm filter in it.
import yaml from "js-yaml";
import { pinnedEnvoyVersion } from "../envoy/install.js";
import {
  DEFAULTS,
  header,
  isObject,
  jsonText,
  kindOf,
  ManifestError,
  manifestName,
  splitHostPort,
  toYaml,
  type Extracted,
  type Obj,
  type PlatformModule,
  type RenderOptions,
} from "./common.js";

const WASM_FILTER_TYPE = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";

function render(config: Obj, o: RenderOptions): string {
  const name = o.name ?? DEFAULTS.envoyName;
  const up = splitHostPort(o.upstream ?? DEFAULTS.upstream);
  const wasmFilter = {
    name: "envoy.filters.http.wasm",
    typed_config: {
      "@type": WASM_FILTER_TYPE,
      config: {
        name,
        vm_config: {
          vm_id: name,
          runtime: "envoy.wasm.runtime.v8",
          code: { local: { filename: o.wasmPath ?? DEFAULTS.envoyWasmPath } },
        },
        configuration: { "@type": "type.googleapis.com/google.protobuf.StringValue", value: jsonText(config) },
        failure_policy: "FAIL_CLOSED",
      },
    },
  };
  const bootstrap = {
    static_resources: {
      listeners: [
        {
          name: "main",
          address: { socket_address: { address: "0.0.0.0", port_value: 10000 } },
          filter_chains: [
            {
              filters: [
                {
                  name: "envoy.filters.network.http_connection_manager",
                  typed_config: {
                    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                    stat_prefix: "ingress_http",
                    codec_type: "AUTO",
                    route_config: {
                      name: "local_route",
                      virtual_hosts: [
                        {
                          name: "backend",
                          domains: ["*"],
                          routes: [{ name: "default", match: { prefix: "/" }, route: { cluster: "backend" } }],
                        },
                      ],
                    },
                    http_filters: [
                      wasmFilter,
                      {
                        name: "envoy.filters.http.router",
                        typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" },
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: [
        {
          name: "backend",
          type: "STRICT_DNS",
          connect_timeout: "5s",
          load_assignment: {
            cluster_name: "backend",
            endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: up.host, port_value: up.port } } } }] }],
          },
        },
      ],
    },
    admin: { address: { socket_address: { address: "0.0.0.0", port_value: 9901 } } },
  };
  return (
    header(
      "envoy",
      o,
      [
        "Static Envoy (v3) configuration: a listener on :10000 runs the CORS filter in front of the upstream",
        "cluster `backend`; the admin interface on :9901 shows the filter's counters: /stats?filter=^cors\\.",
      ],
      [
        "",
        "http_filters: the CORS filter comes first: it answers preflights before any authentication filter listed",
        "after it, and it adds the CORS headers to those filters' local replies (a 401 the page can read).",
        "configuration: the filter's configuration, handed to proxy_on_configure byte for byte. A configuration",
        "the filter rejects stops Envoy at startup (or NACKs the update) with the filter's error lines.",
        "failure_policy: FAIL_CLOSED: a trap in the module answers 503 rather than letting requests through",
        "without CORS checks.",
      ],
    ) + toYaml(bootstrap)
  );
}

/**
 * examples/docker-compose.yaml, beside envoy.yaml: Envoy in the version the project pins and tests
 * (tools/envoy/requirements.txt, src/envoy/install.ts), with the module and envoy.yaml mounted where envoy.yaml
 * expects them, and go-httpbin as the upstream `backend`.
 */
export function renderCompose(): string {
  const compose = {
    services: {
      envoy: {
        image: `envoyproxy/envoy:v${pinnedEnvoyVersion()}`,
        volumes: ["./envoy.yaml:/etc/envoy/envoy.yaml:ro", `../build/cors.wasm:${DEFAULTS.envoyWasmPath}:ro`],
        ports: ["127.0.0.1:10000:10000", "127.0.0.1:9901:9901"],
        depends_on: ["httpbin"],
      },
      httpbin: { image: "mccutchen/go-httpbin:v2.26.0", expose: ["8080"] },
    },
  };
  return [
    "# Envoy running build/cors.wasm with examples/envoy.yaml, in front of go-httpbin (an httpbin clone on :8080,",
    "# the cluster `backend` of envoy.yaml).",
    "# The envoy image's default command is `envoy -c /etc/envoy/envoy.yaml`.",
    "#   make build && docker compose -f examples/docker-compose.yaml up",
    "# then follow examples/README.md (the proxy on :10000, Envoy's admin on :9901, both on localhost only).",
    "# Generated by src/platforms/envoy.ts (renderCompose): the image is the Envoy version the project pins in",
    "# tools/envoy/requirements.txt and runs in every test; a test fails when this file drifts from it.",
    "",
  ].join("\n") + toYaml(compose);
}

interface WasmFilterHit {
  name: string;
  pluginConfig: Obj;
}

/** Every envoy.filters.http.wasm filter in an Envoy bootstrap (or EnvoyFilter patch), in document order. */
export function findEnvoyWasmFilters(doc: unknown): WasmFilterHit[] {
  const hits: WasmFilterHit[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!isObject(node)) return;
    const tc = node.typed_config ?? node.typedConfig;
    if (isObject(tc)) {
      const type = tc["@type"];
      if (type === WASM_FILTER_TYPE || (node.name === "envoy.filters.http.wasm" && type === undefined)) {
        const cfg = isObject(tc.config) ? tc.config : {};
        hits.push({ name: typeof cfg.name === "string" ? cfg.name : String(node.name ?? ""), pluginConfig: cfg });
        return;
      }
    }
    for (const v of Object.values(node)) walk(v);
  };
  walk(doc);
  return hits;
}

/** Envoy PluginConfig.configuration (an Any) → the bytes Envoy hands the plugin. */
export function envoyConfigurationBytes(pluginConfig: Obj): string {
  const c = pluginConfig.configuration;
  if (c === undefined || c === null) return "";
  if (!isObject(c)) throw new ManifestError("configuration must be an Any ({\"@type\": …, value: …})");
  const type = String(c["@type"] ?? "");
  if (type.endsWith("google.protobuf.StringValue")) {
    const v = c.value ?? "";
    if (typeof v !== "string") throw new ManifestError("configuration.value of a StringValue must be a string");
    return v;
  }
  if (type.endsWith("google.protobuf.BytesValue")) {
    const v = c.value ?? "";
    if (typeof v !== "string") throw new ManifestError("configuration.value of a BytesValue must be base64");
    return Buffer.from(v, "base64").toString("latin1");
  }
  if (type.endsWith("google.protobuf.Struct")) {
    // "google.protobuf.Struct is serialized as JSON before passing it to the plugin"
    const v = c.value ?? {};
    return JSON.stringify(v);
  }
  throw new ManifestError(`configuration has unsupported @type "${type}" (use google.protobuf.StringValue)`);
}

function extract(doc: Obj): Extracted[] | null {
  const kind = kindOf(doc);
  if (kind === "ConfigMap" && isObject(doc.data)) {
    // an Envoy bootstrap shipped in a ConfigMap (envoy.yaml key)
    const out: Extracted[] = [];
    for (const [key, text] of Object.entries(doc.data)) {
      if (typeof text !== "string") continue;
      let inner: unknown;
      try {
        inner = yaml.load(text);
      } catch {
        continue;
      }
      for (const hit of findEnvoyWasmFilters(inner)) {
        out.push({
          kind: "envoy-bootstrap",
          label: `Envoy bootstrap in ConfigMap ${manifestName(doc)} key ${key}, wasm filter "${hit.name}"`,
          produce: () => envoyConfigurationBytes(hit.pluginConfig),
        });
      }
    }
    return out;
  }
  const hits = findEnvoyWasmFilters(doc);
  if (hits.length > 0) {
    return hits.map((hit) => ({
      kind: "envoy-bootstrap" as const,
      label: `Envoy ${kind === "EnvoyFilter" ? `EnvoyFilter ${manifestName(doc)}` : "bootstrap"}, wasm filter "${hit.name}"`,
      produce: () => envoyConfigurationBytes(hit.pluginConfig),
    }));
  }
  if (kind === "EnvoyFilter" || isObject(doc.static_resources) || isObject(doc.dynamic_resources)) return [];
  return null;
}

export const envoy: PlatformModule = { render, extract };
