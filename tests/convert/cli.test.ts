// `cors-proxy-wasm convert` end to end: files and stdin, the exit codes, difference lines on stderr, errors
// with a position for malformed files, ambiguous input, and the output passing `check`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../../src/cli/io.js";
import { repoRoot } from "../e2e/cli-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "cors-convert-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const KONG_YAML = `_format_version: "3.0"
services:
- name: api
  url: http://api.internal:8080
  routes:
  - name: web
    paths: ["/"]
    plugins:
    - name: cors
      config:
        origins: ["https://app.example.com"]
        credentials: true
        max_age: 600
plugins:
- name: cors
  config:
    origins: ["*"]
`;

test("convert kong.yaml: global + route plugin → _rules_ with _match_route_, difference lines on stderr, exit 0, output passes check", async () => {
  const r = await run(["convert", file("kong.yaml", KONG_YAML)]);
  assert.equal(r.code, 0, r.err);
  const cfg = JSON.parse(r.out);
  assert.deepEqual(cfg._rules_[0]._match_route_, ["web"]);
  assert.deepEqual(cfg._rules_[0].allow_origins, ["https://app.example.com"]);
  assert.equal(cfg._rules_[0].allow_credentials, true);
  assert.deepEqual(cfg.allow_origins, ["*"]);
  assert.match(r.err, /^difference: services\[0\]\.routes\[0\]\.plugins\[0\]\.config\.headers: Kong .*\[acrh-echo\]$/m);
  assert.match(r.err, /To keep Kong's behaviour: on_disallowed: "strip"/);
  const checked = await run(["check", file("out.json", r.out)]);
  assert.equal(checked.code, 0, checked.out);
});

test("convert - reads standard input; --format yaml", () => {
  const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    nginx.ingress.kubernetes.io/enable-cors: "true"
    nginx.ingress.kubernetes.io/cors-allow-origin: "https://app.example.com"
spec:
  rules:
  - host: api.example.com
`;
  const r = spawnSync(process.execPath, [join(repoRoot, "bin", "cors-proxy-wasm.mjs"), "convert", "-", "--format", "yaml"], { input: ingress, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^allow_origins:\n {2}- https:\/\/app\.example\.com$/m);
  assert.match(r.stdout, /^max_age: 1728000$/m);
  assert.match(r.stderr, /^difference: metadata\.annotations: .*\[options-204\]$/m);
  assert.match(r.stderr, /^warning: .*max_age: 1728000 seconds is above 7200/m);
});

test("malformed JSON: an error with line and column, exit 1", async () => {
  const r = await run(["convert", "--from", "apisix", file("bad.json", '{\n  "plugins": {\n    "cors": {,}\n  }\n}\n')]);
  assert.equal(r.code, 1);
  assert.match(r.err, /bad\.json:3:14: not valid JSON/);
  assert.equal(r.out, "");
});

test("malformed YAML: an error with line and column, exit 1", async () => {
  const r = await run(["convert", file("bad.yaml", "kind: VirtualService\nspec:\n  http:\n  - corsPolicy: [\n")]);
  assert.equal(r.code, 1);
  assert.match(r.err, /bad\.yaml:\d+:\d+: not valid YAML/);
});

test("ambiguous input lists the candidates; --from settles it", async () => {
  const p = file("bare.json", JSON.stringify({ allow_origins: ["https://a.example.com"] }));
  const r = await run(["convert", p]);
  assert.equal(r.code, 1);
  assert.match(r.err, /ambiguous: this could be krakend or higress; give --from krakend or --from higress/);
  const k = await run(["convert", "--from", "krakend", p]);
  assert.equal(k.code, 0, k.err);
  assert.deepEqual(JSON.parse(k.out).allow_methods, ["GET", "HEAD", "POST"]);
});

test("what cannot be expressed is an error naming the key, exit 1", async () => {
  const r = await run(["convert", file("meta.json", JSON.stringify({ plugins: { cors: { allow_origins_by_metadata: ["EXAMPLE"] } } }))]);
  assert.equal(r.code, 1);
  assert.match(r.err, /^error: plugins\.cors\.allow_origins_by_metadata: cannot be converted/m);
  assert.equal(r.out, "");
});

test("a conversion the filter rejects (a PCRE lookahead) exits 1 with the filter's own error", async () => {
  const r = await run(["convert", "--from", "kong", file("look.json", JSON.stringify({ config: { origins: ["https://(?!evil)[a-z]+\\.example\\.com"] } }))]);
  assert.equal(r.code, 1);
  assert.match(r.err, /the converted configuration is rejected: .*allow_origin_regexes\[0\].*lookahead is not supported/);
});

test("the Kong Admin API form (the Kong seed's curl lines) is read; an origin without a scheme is an error", async () => {
  const form = 'curl -X POST http://kong:8001/plugins \\\n  --data "name=cors" \\\n  --data "config.origins=https://app.example.com, https://admin.example.com" \\\n  --data "config.methods=GET, POST" \\\n  --data "config.max_age=3600"\n';
  const r = await run(["convert", file("form.txt", form)]);
  assert.equal(r.code, 0, r.err);
  const cfg = JSON.parse(r.out);
  assert.deepEqual(cfg.allow_origins, ["https://app.example.com", "https://admin.example.com"]);
  assert.deepEqual(cfg.allow_methods, ["GET", "POST"]);
  assert.equal(cfg.max_age, 3600);
  const bad = await run(["convert", file("form2.txt", form.replace("https://app.example.com, https://admin.example.com", "mockbin.com"))]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /config\.origins\[0\]: "mockbin\.com" has no scheme/);
});
