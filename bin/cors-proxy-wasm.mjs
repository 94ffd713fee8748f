#!/usr/bin/env node
// The package's command. The CLI is TypeScript compiled to dist/ by `make build`.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "src", "cli", "main.js");
if (!existsSync(entry)) {
  console.error("cors-proxy-wasm: dist/ is missing; run `make build` first");
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
