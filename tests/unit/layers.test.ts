// The layering rule of assembly/ (docs/ARCHITECTURE.md "Layers"), checked on the sources: which folder may import
// which, and no import cycle between files. A new import that breaks the rule fails here, not in review.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../assembly");

/** What each part of assembly/ may import besides itself. `ascii.ts` and `header.ts` import nothing and any part
 *  may import them; `index.ts` is the module entry. */
export const ALLOWED: Record<string, string[]> = {
  "ascii.ts": [],
  "header.ts": [],
  json: ["ascii.ts"],
  regex: ["ascii.ts"],
  rules: ["ascii.ts"],
  config: ["json", "regex", "ascii.ts"],
  compile: ["config", "regex", "ascii.ts", "header.ts"],
  abi: ["header.ts"],
  filter: ["compile", "rules", "abi", "ascii.ts", "header.ts"],
  "index.ts": ["abi", "filter"],
};

function sources(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** The files `file` imports or re-exports from (relative specifiers only; ~lib is the compiler's). */
function importsOf(file: string): string[] {
  const src = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of src.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.{1,2}\/[^"]+)"/gm)) {
    let p = resolve(dirname(file), m[1]);
    if (existsSync(`${p}.ts`)) p = `${p}.ts`;
    else if (existsSync(join(p, "index.ts"))) p = join(p, "index.ts");
    out.push(p);
  }
  return out;
}

const part = (file: string): string => relative(ROOT, file).split("/")[0];
const files = sources(ROOT);
const edges = new Map(files.map((f) => [f, importsOf(f)]));

test("every import in assembly/ follows the layering rule", () => {
  const bad: string[] = [];
  for (const [f, deps] of edges) {
    const from = part(f);
    for (const d of deps) {
      const to = part(d);
      if (to === from) continue;
      const allowed = ALLOWED[from];
      assert.ok(allowed, `${relative(ROOT, f)}: ${from} has no rule in ALLOWED`);
      if (!allowed.includes(to)) bad.push(`${relative(ROOT, f)} imports ${relative(ROOT, d)} (${from} → ${to})`);
    }
  }
  assert.deepEqual(bad, []);
});

test("no import cycle between the files of assembly/", () => {
  const state = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (u: string): void => {
    state.set(u, 1);
    stack.push(u);
    for (const v of edges.get(u) ?? []) {
      if (!state.has(v)) visit(v);
      else if (state.get(v) === 1) cycles.push([...stack.slice(stack.indexOf(v)), v].map((x) => relative(ROOT, x)).join(" → "));
    }
    stack.pop();
    state.set(u, 2);
  };
  for (const f of files) if (!state.has(f)) visit(f);
  assert.deepEqual(cycles, []);
});
