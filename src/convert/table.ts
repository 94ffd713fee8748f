// The mapping table of each source, as data: docs/convert.md is generated from it (tools: `node
// dist/src/convert/doc.js --write`) and tests/convert/ runs every row's example through the converter, so the
// doc, the tests and the code cannot drift apart.
import type { Aspect, Conversion, ConvertError, Difference, OurConfig, Source } from "./types.js";

/** One kind of semantic difference: its text (with `{name}` placeholders) and what it changes. */
export interface KindSpec {
  peer: string;
  ours: string;
  restore?: string;
  aspects: Aspect[];
}

/** Differences several peers share, written once (each table names them under its own key). */
export const SHARED_KINDS = {
  "untouched-when-refused": {
    peer: "left responses to origins it did not allow untouched, the upstream's own CORS headers included",
    ours: "removes the upstream's CORS headers on every response it handles",
    aspects: ["access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-methods", "access-control-allow-headers", "access-control-expose-headers", "access-control-max-age"],
  },
  "actual-method": {
    peer: "never checked the method of an actual (non-preflight) request",
    ours: "grants an actual request only for GET, HEAD, POST and the methods in allow_methods",
    restore: 'allow_methods: ["*"]',
    aspects: ["access-control-allow-origin", "access-control-allow-credentials", "access-control-expose-headers"],
  },
} satisfies Record<string, KindSpec>;

export interface MappingRow {
  /** The peer's key (or a key path inside the peer's entry). */
  key: string;
  /** The peer's default when the key is absent. */
  peerDefault: string;
  /** What it becomes here: our key and value. */
  ours: string;
  /** The difference kinds this key can produce. */
  kinds?: string[];
  /** Where the fact comes from (repository path@commit, or a doc URL). */
  cite: string;
  /** A native entry → the configuration expected (compared whole) and the difference kinds expected (as a set). */
  example: { native: unknown; expect: OurConfig; kinds: string[]; errors?: string[] };
}

export interface SourceTable {
  source: Source;
  title: string;
  /** The files this source reads, in one line. */
  reads: string;
  rows: MappingRow[];
  kinds: Record<string, KindSpec>;
}

function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? vars[name] : m));
}

/** Collects a conversion's output; `diff` fills a kind's text, so every line comes from the table. */
export class Recorder {
  readonly differences: Difference[] = [];
  readonly errors: ConvertError[] = [];
  readonly notes: string[] = [];
  constructor(private readonly kinds: Record<string, KindSpec>) {}

  diff(kind: string, path: string, vars: Record<string, string> = {}): void {
    const spec = this.kinds[kind];
    if (spec === undefined) throw new Error(`convert: no difference kind "${kind}" in the table`);
    const d: Difference = {
      path,
      kind,
      peer: fill(spec.peer, vars),
      ours: fill(spec.ours, vars),
      aspects: spec.aspects,
    };
    if (spec.restore !== undefined) d.restore = fill(spec.restore, vars);
    // one line per difference and path: a kind met twice at the same place says nothing new
    if (!this.differences.some((x) => x.kind === kind && x.path === path && x.peer === d.peer)) this.differences.push(d);
  }

  error(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  note(text: string): void {
    this.notes.push(text);
  }

  result(configs: Array<{ source: string; config: OurConfig }>): Conversion {
    return { configs: this.errors.length > 0 ? [] : configs, differences: this.differences, errors: this.errors, notes: this.notes };
  }
}
