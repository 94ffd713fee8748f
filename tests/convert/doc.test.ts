// docs/convert.md's mapping tables are generated from the converters' tables: they must be identical.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { docPath, regenerated } from "../../src/convert/doc.js";

test("docs/convert.md matches the tables the converters and tests use (regenerate: node dist/src/convert/doc.js --write)", () => {
  const doc = readFileSync(docPath(), "utf8");
  assert.equal(doc, regenerated(doc));
});

test("README has a short 'Coming from another gateway' section and stays at most 10 KB", () => {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  assert.match(readme, /## Coming from another gateway/);
  assert.match(readme, /convert[^\n]*kong/i);
  assert.match(readme, /ingress-nginx/);
  assert.ok(Buffer.byteLength(readme) <= 10 * 1024, `README is ${Buffer.byteLength(readme)} bytes`);
});
