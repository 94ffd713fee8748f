// No import cycle among the Node side's modules (src/): each module can be read, loaded and tested on its own
// (issue 11: the CLI's usage text, Io and defaults live apart from main.ts for this reason).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findCycle, importGraph, jsFiles } from "./import-cycles.js";

const DIST = join(fileURLToPath(import.meta.url), "..", "..", "..");

test("findCycle finds a cycle through import, export … from and import(), and none in a tree", () => {
  const dir = mkdtempSync(join(tmpdir(), "cycles-"));
  mkdirSync(join(dir, "cli"));
  writeFileSync(join(dir, "cli", "main.js"), 'import { a } from "./check.js";\nexport { b } from "../lib.js";\n');
  writeFileSync(join(dir, "cli", "check.js"), 'const m = await import("./usage.js");\n');
  writeFileSync(join(dir, "cli", "usage.js"), 'import "../lib.js";\n');
  writeFileSync(join(dir, "lib.js"), 'import fs from "node:fs";\n');
  assert.equal(findCycle(importGraph(dir, jsFiles(dir))), null);
  writeFileSync(join(dir, "lib.js"), 'import { main } from "./cli/main.js";\n');
  const cycle = findCycle(importGraph(dir, jsFiles(dir)));
  assert.ok(cycle !== null, "the cycle main → check → usage → lib → main is found");
  assert.equal(cycle[0], cycle.at(-1));
  assert.deepEqual(new Set(cycle), new Set(["cli/main.js", "cli/check.js", "cli/usage.js", "lib.js"]));
});

test("no import cycle among the modules of src/", () => {
  const files = jsFiles(join(DIST, "src"));
  assert.ok(files.length > 30, `only ${files.length} modules under dist/src`);
  const graph = importGraph(DIST, files);
  assert.ok([...graph.values()].some((targets) => targets.length > 0), "no import found: the parser is broken");
  const cycle = findCycle(graph);
  assert.equal(cycle, null, `import cycle: ${cycle?.join(" → ")}`);
});
