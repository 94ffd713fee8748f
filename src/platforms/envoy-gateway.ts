// Envoy Gateway: an EnvoyExtensionPolicy (gateway.envoyproxy.io/v1alpha1) attached to an HTTPRoute; back
// from one, each spec.wasm[].config as the raw JSON Envoy Gateway puts in the StringValue.
import {
  apiVersionOf,
  DEFAULTS,
  header,
  isObject,
  kindOf,
  ManifestError,
  manifestName,
  toYaml,
  type Extracted,
  type Obj,
  type PlatformModule,
  type RenderOptions,
} from "./common.js";

function render(config: Obj, o: RenderOptions): string {
  const name = o.name ?? DEFAULTS.name;
  const policy = {
    apiVersion: "gateway.envoyproxy.io/v1alpha1",
    kind: "EnvoyExtensionPolicy",
    metadata: { name, namespace: o.namespace ?? DEFAULTS.namespace["envoy-gateway"] },
    spec: {
      targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "backend" }],
      wasm: [
        {
          name,
          code: { type: "Image", image: { url: o.image ?? DEFAULTS.image }, pullPolicy: "IfNotPresent" },
          failOpen: false,
          config,
        },
      ],
    },
  };
  return (
    header(
      "envoy-gateway",
      o,
      [
        "The CORS filter attached to the HTTPRoute `backend` of Envoy Gateway's quickstart. Envoy Gateway",
        "fetches the image, serves it to its Envoy proxies and passes `config` to the filter as JSON.",
      ],
      [
        "",
        "failOpen: false: if the module cannot be loaded or traps, requests get a 5xx instead of passing",
        "unchecked.",
      ],
    ) + toYaml(policy)
  );
}

/** Envoy Gateway EnvoyExtensionPolicy → (name, config text) per spec.wasm[] entry. */
export function envoyGatewayConfigs(spec: Obj): Array<{ name: string; config: string }> {
  const wasm = spec.wasm;
  if (!Array.isArray(wasm)) return [];
  return wasm.map((w: unknown, i: number) => {
    if (!isObject(w)) throw new ManifestError(`spec.wasm[${i}] must be an object`);
    const name = typeof w.name === "string" ? w.name : `wasm[${i}]`;
    // config is apiextensions JSON: its raw bytes go into the StringValue
    const config = w.config === undefined || w.config === null ? "" : JSON.stringify(w.config);
    return { name, config };
  });
}

function extract(doc: Obj): Extracted[] | null {
  const apiVersion = apiVersionOf(doc);
  if (kindOf(doc) !== "EnvoyExtensionPolicy" || !apiVersion.startsWith("gateway.envoyproxy.io/")) return null;
  const spec = isObject(doc.spec) ? doc.spec : {};
  return envoyGatewayConfigs(spec).map((e) => ({
    kind: "envoy-gateway" as const,
    label: `Envoy Gateway EnvoyExtensionPolicy ${manifestName(doc)} wasm "${e.name}"`,
    produce: () => e.config,
  }));
}

export const envoyGateway: PlatformModule = { render, extract };
