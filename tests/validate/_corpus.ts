// The configuration corpus of the schema/filter agreement test: tests/validate/corpus/configs.json (every
// config-error class of spec §1 and §5, boundaries, documented schema gaps) plus, read at test time, every
// kind:"config" case and the configuration of every request case of tests/conformance/cases.json.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, buildGoTool, run, tempDir } from "./_util.js";
import { writeFileSync } from "node:fs";

export interface CorpusEntry {
  id: string;
  /** The exact bytes handed to proxy_on_configure and to the schema validator. */
  text: string;
  /** What the spec requires ("accept" / "reject"), when the entry says. */
  expect?: "accept" | "reject";
  /** Set when the schema knowingly cannot express this filter rule (docs/validation.md lists each). */
  schemaGap?: string;
  origin: string;
}

interface RawEntry { id: string; expect?: "accept" | "reject"; config?: unknown; raw?: string; schema_gap?: string }
interface Case { id: string; kind: string; config: unknown; expect: { config_rejected?: boolean } }

export const SCHEMA = join(ROOT, "schema", "cors-proxy-wasm.schema.json");
export const CONFORMANCE_CASES = join(ROOT, "tests", "conformance", "cases.json");

export function loadCorpus(): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  const own = JSON.parse(readFileSync(join(ROOT, "tests", "validate", "corpus", "configs.json"), "utf8")) as RawEntry[];
  for (const e of own) {
    out.push({
      id: e.id,
      text: e.raw !== undefined ? e.raw : JSON.stringify(e.config),
      expect: e.expect,
      schemaGap: e.schema_gap,
      origin: "tests/validate/corpus/configs.json",
    });
  }
  if (!existsSync(CONFORMANCE_CASES)) throw new Error(`${CONFORMANCE_CASES} is missing: the conformance part of the corpus cannot be built`);
  const cases = JSON.parse(readFileSync(CONFORMANCE_CASES, "utf8")) as Case[];
  const seenRequestConfigs = new Set<string>();
  for (const c of cases) {
    const text = JSON.stringify(c.config);
    if (c.kind === "config") {
      out.push({ id: `conformance ${c.id}`, text, expect: c.expect.config_rejected ? "reject" : "accept", origin: "tests/conformance/cases.json" });
    } else if (!seenRequestConfigs.has(text)) {
      seenRequestConfigs.add(text);
      out.push({ id: `conformance ${c.id} (request case config)`, text, expect: "accept", origin: "tests/conformance/cases.json" });
    }
  }
  return out;
}

export interface SchemaVerdict { valid: boolean; error?: string }

/** Runs validate-jsonschema once over every text; verdicts by id. */
export function schemaVerdicts(items: Array<{ id: string; text: string }>): Map<string, SchemaVerdict> {
  const tool = buildGoTool("jsonschema");
  const dir = tempDir("schema");
  const batch = join(dir, "batch.json");
  writeFileSync(batch, JSON.stringify(items));
  const r = run(tool, ["-schema", SCHEMA, "-batch", batch]);
  if (r.status !== 0) throw new Error(`validate-jsonschema failed (exit ${r.status}):\n${r.stderr}`);
  const list = JSON.parse(r.stdout) as Array<{ id: string; valid: boolean; error?: string }>;
  return new Map(list.map((v) => [v.id, { valid: v.valid, error: v.error }]));
}
