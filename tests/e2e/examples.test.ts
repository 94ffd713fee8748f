// Every deployment file in examples/ that carries a plugin configuration carries one the real filter accepts
// (the same path `serve --config FILE` and `check FILE` take).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { loadConfigFile, ManifestError } from "../../src/platforms/read.js";
import { loadFilter } from "../../src/proxy/filter.js";
import { repoRoot } from "./cli-helpers.js";

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ya?ml|json)$/.test(name)) out.push(p);
  }
  return out.sort();
}

const examples = files(join(repoRoot, "examples"));

test("examples/cors.json (serve's default) exists and is accepted without warnings", async () => {
  const cfg = loadConfigFile(join(repoRoot, "examples", "cors.json"));
  const f = await loadFilter({ wasmPath: join(repoRoot, "build", "cors.wasm"), config: cfg.config! });
  assert.ok(f.accepted, f.errors.join("\n"));
  assert.deepEqual(f.warnings, []);
});

for (const file of examples) {
  const rel = relative(repoRoot, file);
  test(`${rel}: its plugin configuration is accepted by the filter`, async (t) => {
    let cfg;
    try {
      cfg = loadConfigFile(file);
    } catch (e) {
      if (e instanceof ManifestError) {
        t.diagnostic(`carries no plugin configuration: ${e.message}`);
        return;
      }
      throw e;
    }
    if (cfg.config === null) {
      t.diagnostic("the controller would not push this plugin");
      return;
    }
    const f = await loadFilter({ wasmPath: join(repoRoot, "build", "cors.wasm"), config: cfg.config });
    assert.ok(f.accepted, `${cfg.source}:\n${f.errors.join("\n")}`);
  });
}
