// The Go validators need a Go toolchain: without one the tests must fail with the version to install
// (never pass or skip silently), and the README's prerequisites must name the same version as the go.mod files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, checkGo, requiredGoVersion } from "./_util.js";

test("the Go version the validators need is one of the go directives of tools/validate/*/go.mod", () => {
  const need = requiredGoVersion();
  assert.match(need, /^1\.\d+(\.\d+)?$/);
  const directives = readdirSync(join(ROOT, "tools", "validate")).filter((d) => existsSync(join(ROOT, "tools", "validate", d, "go.mod")))
    .map((d) => /^go (\S+)$/m.exec(readFileSync(join(ROOT, "tools", "validate", d, "go.mod"), "utf8"))?.[1]);
  assert.ok(directives.includes(need), `${need} not among ${directives.join(", ")}`);
});

test("without Go on PATH the validator tests fail with a message naming the version to install", () => {
  const need = requiredGoVersion();
  assert.throws(() => checkGo({ ...process.env, PATH: "/nonexistent" }), new RegExp(`install Go ${need.replace(/\./g, "\\.")}`));
});

test("the README's prerequisites name the Go version of the go.mod files", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const need = requiredGoVersion().split(".").slice(0, 2).join(".");
  assert.match(readme, new RegExp(`Go ${need.replace(/\./g, "\\.")}`), `README.md must say "Go ${need}" in its prerequisites`);
});

test("the Go on this machine is new enough (CI installs it; a developer without it sees the message above)", () => {
  checkGo();
});
