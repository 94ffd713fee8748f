// behaviour.md clauses that require the documentation to say something ("the docs must say …", "document
// them"): each test reads README.md + docs/*.md and looks for the statement.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { COUNTERS } from "./helpers.js";

const ROOT = new URL("../../../", import.meta.url).pathname;
function docs(): string {
  const files = ["README.md", ...readdirSync(`${ROOT}docs`).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  return files.map((f) => readFileSync(`${ROOT}${f}`, "utf8")).join("\n").replace(/\s+/g, " ");
}
const text = docs();

test("§4 docs: behind a CDN that ignores Vary, add Origin to the cache key or use allow_origins [\"*\"]", () => {
  assert.match(text, /ignores? `?Vary`?[^.]*?(Origin[^.]*cache key|cache key[^.]*Origin)/i);
  assert.match(text, /cache key[^.]*allow_origins[^.]*\*|allow_origins[^.]*\*[^.]*cache key/i);
});

test("§4 docs: Higress runs cors in phase AUTHZ priority 340; how to move it before authentication (AUTHN)", () => {
  assert.match(text, /AUTHZ[^.]*340|340[^.]*AUTHZ/);
  assert.match(text, /AUTHN/);
});

test("§1 docs: reject_actual is for https deployments (Sec-Fetch-Mode only to trustworthy origins)", () => {
  assert.match(text, /reject_actual.{0,300}https deployments/i);
});

test("§2.5 docs: with preflight_continue the upstream must answer OPTIONS with a 2xx", () => {
  assert.match(text, /preflight_continue.{0,200}2xx/i);
});

test("§8 docs: every counter is documented by name", () => {
  for (const n of COUNTERS) assert.ok(text.includes(n), `${n} is not documented`);
});
