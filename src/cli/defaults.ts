// Where the command finds its module and its default configuration: inside the package, whatever the working
// directory (dist/src/cli/defaults.js → ../../..).
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const defaultWasm = join(packageRoot, "build", "cors.wasm");
export const defaultConfig = join(packageRoot, "examples", "cors.json");
