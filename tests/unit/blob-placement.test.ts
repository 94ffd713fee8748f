// The two source rules of docs/size.md "Where the blob sits", checked on the sources. asc lays out static data in
// the order it compiles the code using it; the transform's message blob (assembly/transform/utf8-messages.mjs) is
// placed when its first use compiles, and every static laid out after it costs a longer `i32.const`. Breaking a
// rule still builds and passes every behaviour test, and silently costs ~0.1–0.4 KB: this file is what notices.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const ASSEMBLY = join(REPO, "assembly");

/** The transform's own list of files whose literals move to the blob (its `INCLUDE` regex), read from its source
 *  so the two cannot drift apart. */
function transformedFiles(): string[] {
  const src = readFileSync(join(ASSEMBLY, "transform/utf8-messages.mjs"), "utf8");
  const m = /^const INCLUDE = \/(.+)\/;$/m.exec(src);
  assert.ok(m, "utf8-messages.mjs no longer declares `const INCLUDE = /…/;`: update this test with it");
  const include = new RegExp(m[1]);
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (include.test(relative(REPO, p))) out.push(p);
    }
  };
  walk(ASSEMBLY);
  return out;
}

/** String literals outside every `{…}` block (top-level statements and initializers), except in imports,
 *  re-exports and decorators (`@external("env", …)` names an import, not a text). Comments are skipped. */
function topLevelTexts(src: string): string[] {
  const hits: string[] = [];
  let depth = 0;
  let statement = ""; // the code (no comments) of the current top-level statement so far
  for (let i = 0; i < src.length; ) {
    const c = src[i];
    if (c === "/" && src[i + 1] === "/") { const e = src.indexOf("\n", i); i = e < 0 ? src.length : e; continue; }
    if (c === "/" && src[i + 1] === "*") { i = src.indexOf("*/", i + 2) + 2; continue; }
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === "\\" ? 2 : 1;
      if (depth === 0) {
        const lineStart = src.lastIndexOf("\n", i) + 1;
        const line = src.slice(lineStart, src.indexOf("\n", i) < 0 ? src.length : src.indexOf("\n", i)).trim();
        if (!/^\s*(import\b|export\b[^=]*\bfrom\b)/.test(statement) && !line.startsWith("@")) hits.push(line);
      }
      statement += "''";
      i = j + 1;
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}") depth--;
    // A statement ends at `;`, or at the `}` closing a body (function, class, enum…) — but not the `}` of an
    // `import { … }` / `export { … }` list, which the `from "…"` still belongs to.
    const ends = depth === 0 && (c === ";" || (c === "}" && !/^\s*(import|export\s*[{*])/.test(statement)));
    statement = ends ? "" : statement + c;
    i++;
  }
  return hits;
}

test("topLevelTexts finds a top-level text and ignores texts in bodies, imports and decorators", () => {
  const src = [
    'import { a } from "./a";',
    'export { b } from "../b";',
    '@external("env", "proxy_log") declare function log(): void;',
    "// a \"comment\" is not a text",
    'const KEYS: string[] = ["allow_origins"];',
    'export const NAME = "cors";',
    'function f(): string { return "inside"; }',
    'class C { m(): string { return `inside`; } }',
  ].join("\n");
  assert.deepEqual(topLevelTexts(src), ['const KEYS: string[] = ["allow_origins"];', 'export const NAME = "cors";']);
});

test("the transformed configuration layers keep no top-level text constant (docs/size.md rule 1)", () => {
  const files = transformedFiles();
  assert.ok(files.length >= 10, `the transform's INCLUDE matched only ${files.length} files`);
  const bad = files.flatMap((f) => topLevelTexts(readFileSync(f, "utf8")).map((l) => `${relative(REPO, f)}: ${l}`));
  assert.deepEqual(bad, [], "move each text into a function (a literal in a body, or a small function returning it)");
});

test("proxy_on_configure is the last export of assembly/abi/exports.ts (docs/size.md rule 2)", () => {
  const src = readFileSync(join(ASSEMBLY, "abi/exports.ts"), "utf8");
  const exported = [...src.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
  assert.ok(exported.includes("proxy_on_configure"), "exports.ts no longer exports proxy_on_configure");
  assert.equal(exported[exported.length - 1], "proxy_on_configure",
    `declared after it: ${exported.slice(exported.indexOf("proxy_on_configure") + 1).join(", ")}`);
});
