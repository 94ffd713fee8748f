// Loading tests/conformance/cases.json and the comparison rules of its README (shared by the conformance
// test and any tool that replays the cases).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { HeaderList } from "../../src/host/index.js";

export interface ConformanceCase {
  id: string;
  peer: string;
  source: string;
  kind: "request" | "config";
  config: unknown;
  props?: Record<string, string>;
  request?: { method: string; scheme: string; path: string; headers: Record<string, string | string[]> };
  upstream_response?: { status: number; headers?: Record<string, string | string[]> };
  expect: {
    reaches_upstream?: boolean;
    status?: number | null;
    body?: string;
    headers?: Record<string, string>;
    headers_absent?: string[];
    list_headers_as_sets?: boolean;
    config_rejected?: boolean;
    error_mentions?: string[];
  };
  notes?: string;
  contract_note?: string;
}

/** The cases file: $CORS_CONFORMANCE_CASES, else tests/conformance/cases.json of this repository. */
export function casesPath(): string {
  return process.env.CORS_CONFORMANCE_CASES ??
    new URL("../../../tests/conformance/cases.json", import.meta.url).pathname;
}

export function loadCases(): ConformanceCase[] {
  return JSON.parse(readFileSync(casesPath(), "utf8")) as ConformanceCase[];
}

/** Headers compared as sets of comma-separated, trimmed, non-empty tokens (README "List headers"). */
export const LIST_HEADERS = new Set([
  "access-control-allow-methods", "access-control-allow-headers", "access-control-expose-headers", "vary",
]);
/** Method tokens are case-sensitive; header-name and vary tokens are not. */
export const CASE_INSENSITIVE_LISTS = new Set(["access-control-allow-headers", "access-control-expose-headers", "vary"]);

/** The combined field value: every line of `name` joined with ", " (so a duplicated ACAO fails); null if absent. */
export function combined(headers: HeaderList, name: string): string | null {
  const values = headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
  return values.length === 0 ? null : values.join(", ");
}

export function tokenSet(value: string, foldCase: boolean): string[] {
  const tokens = value.split(",").map((t) => t.trim()).filter((t) => t.length > 0).map((t) => (foldCase ? t.toLowerCase() : t));
  return [...new Set(tokens)].sort();
}

/** The README's header rules: `headers` present with these values (lists as sets), `headers_absent` absent. */
export function checkHeaders(c: ConformanceCase, got: HeaderList): void {
  const expect = c.expect;
  const sets = expect.list_headers_as_sets === true;
  for (const [name, want] of Object.entries(expect.headers ?? {})) {
    const value = combined(got, name);
    assert.notEqual(value, null, `${name} missing (want ${JSON.stringify(want)})`);
    if (sets && LIST_HEADERS.has(name)) {
      const fold = CASE_INSENSITIVE_LISTS.has(name);
      assert.deepEqual(tokenSet(value!, fold), tokenSet(want, fold), `${name}: got ${JSON.stringify(value)}, want ${JSON.stringify(want)}`);
    } else {
      assert.equal(value, want, `${name}`);
    }
  }
  for (const name of expect.headers_absent ?? []) {
    const value = combined(got, name);
    assert.equal(value, null, `${name} must be absent, got ${JSON.stringify(value)}`);
  }
}
