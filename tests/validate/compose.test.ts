// examples/docker-compose.yaml through compose-go (the loader of `docker compose`, with the Compose Specification
// JSON Schema it bundles), plus broken copies that must fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { ROOT, buildGoTool, readRepoFile, run, tempDir } from "./_util.js";

type Obj = Record<string, any>;

test("validate-compose builds (compose-go pinned in tools/validate/compose/go.mod)", () => {
  const r = run(buildGoTool("compose"), ["-version"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /github\.com\/compose-spec\/compose-go\/v2 v2\.\d+\.\d+/);
});

test("examples/docker-compose.yaml is a valid Compose project whose bind mounts exist", () => {
  readRepoFile("examples/docker-compose.yaml");
  readRepoFile("build/cors.wasm"); // mounted by the example; built by `make build`
  const r = run(buildGoTool("compose"), [join(ROOT, "examples", "docker-compose.yaml")]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /envoyproxy\/envoy:v\d+\.\d+\.\d+/, "one pinned envoyproxy/envoy tag");
});

test("broken copies of examples/docker-compose.yaml are rejected", () => {
  const tool = buildGoTool("compose");
  const text = readRepoFile("examples/docker-compose.yaml");
  // Same layout as the repository, so the relative bind sources resolve.
  const dir = tempDir("compose");
  mkdirSync(join(dir, "examples"));
  mkdirSync(join(dir, "build"));
  copyFileSync(join(ROOT, "examples", "envoy.yaml"), join(dir, "examples", "envoy.yaml"));
  copyFileSync(join(ROOT, "build", "cors.wasm"), join(dir, "build", "cors.wasm"));
  const envoyService = (d: Obj): Obj => {
    const name = Object.keys(d.services).find((n) => String(d.services[n].image ?? "").startsWith("envoyproxy/envoy"));
    assert.ok(name, "no envoyproxy/envoy service");
    return d.services[name];
  };
  const breakages: Array<{ name: string; mutate: (d: Obj) => void; expect: RegExp }> = [
    { name: "unknown service field", mutate: (d) => { envoyService(d).volumez = []; }, expect: /volumez/ },
    { name: "unknown top-level field", mutate: (d) => { d.servces = {}; }, expect: /servces/ },
    { name: "image of the wrong type", mutate: (d) => { envoyService(d).image = ["envoy"]; }, expect: /image must be a string/ },
    { name: "invalid port mapping", mutate: (d) => { envoyService(d).ports = ["127.0.0.1:10000:abc"]; }, expect: /containerPort|port/i },
    { name: "depends_on an undefined service", mutate: (d) => { envoyService(d).depends_on = ["nope"]; }, expect: /undefined service "nope"/ },
    { name: "bind mount of a missing file", mutate: (d) => { envoyService(d).volumes = ["./missing.yaml:/etc/envoy/envoy.yaml:ro"]; }, expect: /bind source .*missing\.yaml does not exist/ },
  ];
  const good = join(dir, "examples", "good.yaml");
  writeFileSync(good, text);
  assert.equal(run(tool, [good]).status, 0, "the copy itself must stay valid");
  for (const b of breakages) {
    const d = yaml.load(text) as Obj;
    b.mutate(d);
    const f = join(dir, "examples", b.name.replace(/[^a-z0-9]+/gi, "_") + ".yaml");
    writeFileSync(f, yaml.dump(d, { lineWidth: -1, noRefs: true }));
    const r = run(tool, [f]);
    assert.notEqual(r.status, 0, `broken (${b.name}) must be rejected:\n${r.stdout}`);
    assert.match(r.stderr, b.expect, `broken (${b.name}): unexpected error:\n${r.stderr}`);
  }
});
