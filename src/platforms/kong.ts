// Kong Gateway: a declarative (DB-less) file with a filter chain in Kong's proxy-wasm host (ngx_wasm_module);
// back from one, every enabled filter's `config` of every `filter_chains` entry.
import {
  DEFAULTS,
  header,
  apiVersionOf,
  isObject,
  jsonText,
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
  const declarative = {
    _format_version: "3.0",
    services: [
      {
        name: "backend",
        url: `http://${up.host}:${up.port}`,
        routes: [{ name: "backend", paths: ["/"] }],
        filter_chains: [{ name: "cors", filters: [{ name: DEFAULTS.kongFilter, config: jsonText(config) }] }],
      },
    ],
  };
  return (
    header("kong", o, [
      "Kong Gateway (DB-less) declarative configuration running the CORS filter in Kong's proxy-wasm host",
      "(ngx_wasm_module). Needs `wasm = on` and `wasm_filters_path` pointing at a directory holding",
      `${DEFAULTS.kongFilter}.wasm (the filter is named after its file). Without a schema file beside it,`,
      "Kong hands `config` to the filter as an opaque string: the JSON below, byte for byte.",
    ]) + toYaml(declarative)
  );
}

/** `filter_chains[].filters[]` at any level of the declarative file. */
function extract(doc: Obj): Extracted[] | null {
  if (apiVersionOf(doc) !== "" || !("_format_version" in doc)) return null;
  const out: Extracted[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!isObject(node)) return;
    if (Array.isArray(node.filter_chains)) {
      node.filter_chains.forEach((chain: unknown, ci: number) => {
        if (!isObject(chain) || !Array.isArray(chain.filters)) return;
        chain.filters.forEach((f: unknown, fi: number) => {
          if (!isObject(f)) return;
          if (f.enabled === false) return;
          const name = typeof f.name === "string" ? f.name : `filters[${fi}]`;
          const chainName = typeof chain.name === "string" ? chain.name : `filter_chains[${ci}]`;
          out.push({
            kind: "kong",
            label: `Kong filter chain ${chainName}, filter "${name}"`,
            produce: () => rawOrJson(f.config),
          });
        });
      });
    }
    for (const [k, v] of Object.entries(node)) if (k !== "filter_chains") walk(v);
  };
  walk(doc);
  return out;
}

export const kong: PlatformModule = { render, extract };
