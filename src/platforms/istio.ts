// Istio: a WasmPlugin (extensions.istio.io/v1alpha1) on the ingress gateway; back from one, its
// `pluginConfig` as Istio hands it to the filter (protojson of a Struct).
import {
  apiVersionOf,
  DEFAULTS,
  header,
  isObject,
  kindOf,
  manifestName,
  pluginConfigOf,
  structBytes,
  toYaml,
  type Extracted,
  type Obj,
  type PlatformModule,
  type RenderOptions,
} from "./common.js";

function render(config: Obj, o: RenderOptions): string {
  const plugin = {
    apiVersion: "extensions.istio.io/v1alpha1",
    kind: "WasmPlugin",
    metadata: { name: o.name ?? DEFAULTS.name, namespace: o.namespace ?? DEFAULTS.namespace.istio },
    spec: {
      selector: { matchLabels: { istio: "ingressgateway" } },
      url: "oci://" + (o.image ?? DEFAULTS.image),
      imagePullPolicy: "IfNotPresent",
      phase: "AUTHN",
      failStrategy: "FAIL_CLOSE",
      pluginConfig: config,
    },
  };
  return (
    header(
      "istio",
      o,
      [
        "The CORS filter on the Istio ingress gateway. Istio has no per-route plugin configuration: the",
        "configuration below applies to every request through the selected workloads.",
      ],
      [
        "",
        "phase AUTHN: before Istio's authentication filters (RequestAuthentication / JWT), so preflights, which",
        "carry no credentials, are answered before authentication can reject them.",
      ],
    ) + toYaml(plugin)
  );
}

/** Istio WasmPlugin spec → configuration text (pluginConfig as protojson; none = zero bytes). */
export function istioToConfig(spec: Obj): string {
  return structBytes(pluginConfigOf(spec));
}

function extract(doc: Obj): Extracted[] | null {
  const apiVersion = apiVersionOf(doc);
  if (kindOf(doc) !== "WasmPlugin" || !apiVersion.startsWith("extensions.istio.io/")) return null;
  const spec = isObject(doc.spec) ? doc.spec : {};
  return [{ kind: "istio-wasmplugin", label: `Istio WasmPlugin ${manifestName(doc)}`, produce: () => istioToConfig(spec) }];
}

export const istio: PlatformModule = { render, extract };
