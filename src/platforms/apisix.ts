// Apache APISIX: standalone routes (conf/apisix.yaml) using the filter as a Wasm plugin; back from one, the
// `conf` of every plugin of its routes, services and global rules (wasm plugins take `conf`).
import {
  DEFAULTS,
  header,
  isObject,
  jsonText,
  apiVersionOf,
  ManifestError,
  rawOrJson,
  splitHostPort,
  toYaml,
  type Extracted,
  type Obj,
  type PlatformModule,
  type RenderOptions,
} from "./common.js";

function render(config: Obj, o: RenderOptions): string {
  const up = splitHostPort(o.upstream ?? DEFAULTS.upstream);
  const standalone = {
    routes: [
      {
        id: "backend",
        uri: "/*",
        upstream: { type: "roundrobin", nodes: { [`${up.host}:${up.port}`]: 1 } },
        plugins: { [DEFAULTS.apisixPlugin]: { conf: jsonText(config) } },
      },
    ],
  };
  return (
    header("apisix", o, [
      "Apache APISIX standalone routes (conf/apisix.yaml) using the CORS filter as a Wasm plugin. The plugin",
      `\`${DEFAULTS.apisixPlugin}\` is declared in config.yaml (wasm.plugins: name, priority, file); APISIX hands`,
      "`conf` to proxy_on_configure when the first request hits the route.",
    ]) +
    toYaml(standalone) +
    "#END\n"
  );
}

function extract(doc: Obj): Extracted[] | null {
  if (apiVersionOf(doc) !== "" || "_format_version" in doc) return null;
  if (Array.isArray(doc.routes)) {
    const out: Extracted[] = [];
    const scan = (list: unknown, what: string): void => {
      if (!Array.isArray(list)) return;
      list.forEach((r: unknown, i: number) => {
        if (!isObject(r) || !isObject(r.plugins)) return;
        const id = r.id ?? r.name ?? i;
        for (const [name, p] of Object.entries(r.plugins)) {
          if (!isObject(p) || !("conf" in p)) continue;
          out.push({ kind: "apisix", label: `APISIX ${what} ${String(id)}, plugin "${name}"`, produce: () => rawOrJson(p.conf) });
        }
      });
    };
    scan(doc.routes, "route");
    scan(doc.services, "service");
    scan(doc.global_rules, "global rule");
    if (out.length > 0) return out;
  }
  if (isObject(doc.wasm) && Array.isArray(doc.wasm.plugins)) {
    throw new ManifestError(
      "this is an APISIX config.yaml: it declares the wasm plugin but carries no plugin configuration; " +
        "pass the apisix.yaml whose routes hold the plugin's conf",
    );
  }
  return null;
}

export const apisix: PlatformModule = { render, extract };
