// docs/convert.md's mapping tables, rendered from the same tables the converters and tests use
// (src/convert/*.ts). `node dist/src/convert/doc.js --write` rewrites the generated part of docs/convert.md;
// tests/convert/doc.test.ts fails when the file and the tables disagree.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TABLES } from "./index.js";

export const BEGIN = "<!-- BEGIN GENERATED: node dist/src/convert/doc.js --write -->";
export const END = "<!-- END GENERATED -->";

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderTables(): string {
  const out: string[] = [];
  for (const t of TABLES) {
    out.push(`### ${t.title} (\`--from ${t.source}\`)`, "", `Reads: ${t.reads}.`, "");
    out.push("| peer key | peer default | here | differences | source |", "|---|---|---|---|---|");
    for (const r of t.rows) {
      out.push(`| ${cell(r.key)} | ${cell(r.peerDefault)} | ${cell(r.ours)} | ${(r.kinds ?? []).map((k) => `\`${k}\``).join(", ")} | ${cell(r.cite)} |`);
    }
    out.push("", "Difference lines (`[kind]` ends each line on stderr):", "");
    out.push("| kind | the peer | this filter | to keep the peer's behaviour |", "|---|---|---|---|");
    for (const [k, s] of Object.entries(t.kinds)) {
      out.push(`| \`${k}\` | ${cell(s.peer)} | ${cell(s.ours)} | ${cell(s.restore ?? "—")} |`);
    }
    out.push("");
  }
  return out.join("\n");
}

export function docPath(): string {
  return fileURLToPath(new URL("../../../docs/convert.md", import.meta.url));
}

/** The doc with its generated part replaced by the current tables. */
export function regenerated(doc: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error("docs/convert.md has no generated section markers");
  return `${doc.slice(0, a + BEGIN.length)}\n\n${renderTables()}\n${doc.slice(b)}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes("--write")) {
  const p = docPath();
  writeFileSync(p, regenerated(readFileSync(p, "utf8")));
  console.log(`wrote ${p}`);
}
