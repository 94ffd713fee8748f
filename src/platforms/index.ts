// The platforms the filter is deployed on, one module each with `render` (configuration → the platform's file)
// and `extract` (the platform's file → the configurations it hands the filter) side by side.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { apisix } from "./apisix.js";
import { isObject, RenderError, type Obj, type PlatformModule, type RenderOptions } from "./common.js";
import { envoy } from "./envoy.js";
import { envoyGateway } from "./envoy-gateway.js";
import { higress } from "./higress.js";
import { istio } from "./istio.js";
import { kong } from "./kong.js";

export const PLATFORM_MODULES = {
  envoy,
  higress,
  istio,
  "envoy-gateway": envoyGateway,
  kong,
  apisix,
} as const satisfies Record<string, PlatformModule>;

export type Platform = keyof typeof PLATFORM_MODULES;
export const PLATFORMS = Object.keys(PLATFORM_MODULES) as Platform[];

export function isPlatform(name: string): name is Platform {
  return Object.hasOwn(PLATFORM_MODULES, name);
}

/** The file text for `platform` from one filter configuration (the JSON object proxy_on_configure gets). */
export function render(platform: Platform, config: object, options: RenderOptions = {}): string {
  if (!isObject(config)) throw new RenderError("the configuration must be a JSON object");
  if (!isPlatform(platform)) {
    throw new RenderError(`unknown platform "${String(platform)}" (one of: ${PLATFORMS.join(", ")})`);
  }
  return PLATFORM_MODULES[platform].render(config, options);
}

/** A configuration's text: JSON, or YAML of the same (an empty text is `{}`); `name` serves messages. */
export function parseConfigText(text: string, name: string): Obj {
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : yaml.load(text); // JSON is YAML
  } catch (e) {
    throw new RenderError(`${name}: not valid JSON or YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (value === null || value === undefined) value = {};
  if (!isObject(value)) throw new RenderError(`${name}: the configuration must be an object`);
  return value;
}

/** Reads a configuration file: JSON, or YAML of the same (an empty file is `{}`). */
export function readConfigFile(path: string): Obj {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new RenderError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseConfigText(text, path);
}

export { DEFAULTS, RenderError, type RenderOptions } from "./common.js";
export { higressSpecParts } from "./higress.js";
