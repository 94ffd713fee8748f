// The rendered files of examples/ and the sources they are rendered from (shared by the drift test and
// `node dist/tests/deploy/examples.js --write`, which re-renders them all).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { render, readConfigFile, type Platform } from "../../src/platforms/index.js";
import { renderCompose } from "../../src/platforms/envoy.js";

/** The repository root (this file runs from dist/tests/deploy/). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export interface RenderedExample {
  platform: Platform;
  /** Source configuration, relative to the repository root. */
  source: string;
  /** Rendered file, relative to the repository root. */
  out: string;
}

export const RENDERED: RenderedExample[] = [
  { platform: "envoy", source: "examples/cors-config.yaml", out: "examples/envoy.yaml" },
  { platform: "higress", source: "examples/k8s/higress/cors-config.yaml", out: "examples/k8s/higress/wasmplugin.yaml" },
  { platform: "istio", source: "examples/k8s/istio/cors-config.yaml", out: "examples/k8s/istio/wasmplugin.yaml" },
  {
    platform: "envoy-gateway",
    source: "examples/k8s/envoy-gateway/cors-config.yaml",
    out: "examples/k8s/envoy-gateway/envoyextensionpolicy.yaml",
  },
  { platform: "kong", source: "examples/kong/cors-config.yaml", out: "examples/kong/kong.yaml" },
  { platform: "apisix", source: "examples/apisix/cors-config.yaml", out: "examples/apisix/apisix.yaml" },
];

/** Written by renderCompose() (no source: the pinned Envoy version and the paths envoy.yaml uses). */
export const COMPOSE = "examples/docker-compose.yaml";

/** What `cors-proxy-wasm render PLATFORM --config SOURCE` run from the repository root prints. */
export function renderExample(e: RenderedExample): string {
  return render(e.platform, readConfigFile(join(ROOT, e.source)), { source: e.source });
}

export function renderCommandLine(e: RenderedExample): string {
  return `npx --no-install cors-proxy-wasm render ${e.platform} --config ${e.source} --out ${e.out}`;
}

export function readExample(path: string): string {
  return readFileSync(join(ROOT, path), "utf8");
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes("--write")) {
  for (const e of RENDERED) {
    writeFileSync(join(ROOT, e.out), renderExample(e));
    console.log(`wrote ${e.out}`);
  }
  writeFileSync(join(ROOT, COMPOSE), renderCompose());
  console.log(`wrote ${COMPOSE}`);
}
