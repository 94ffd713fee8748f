// `check` and `explain` through the real command (in-process, through its Io) and the real build/cors.wasm.
import { test } from "node:test";
import assert from "node:assert/strict";
import { configFile, runCli } from "../e2e/cli-helpers.js";
import { forceDebug, parseDecision } from "../../src/cli/explain.js";

const APP = "https://app.example.com";
const CONFIG = { allow_origins: [APP], allow_methods: ["GET", "PUT"], allow_headers: ["Content-Type"], allow_credentials: true };

test("check: a valid configuration prints ok, exit 0", async () => {
  const r = await runCli(["check", configFile(CONFIG)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split("\n")[0], "ok");
});

test("check: YAML and the shipped example are ok", async () => {
  const y = await runCli(["check", configFile("allow_origins:\n  - https://app.example.com\n", "yaml")]);
  assert.equal(y.code, 0, y.stdout + y.stderr);
  const ex = await runCli(["check", "examples/cors.json"]);
  assert.equal(ex.code, 0, ex.stdout + ex.stderr);
  assert.equal(ex.stdout.split("\n")[0], "ok");
});

test("check - and explain --config - read the configuration from standard input", async () => {
  const ok = await runCli(["check", "-"], JSON.stringify(CONFIG));
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.split("\n")[0], "ok");
  const yaml = await runCli(["check", "--config", "-"], "allow_origins:\n  - https://app.example.com\n");
  assert.equal(yaml.code, 0, yaml.stdout + yaml.stderr);
  const bad = await runCli(["check", "-"], JSON.stringify({ allow_origins: 42 }));
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /allow_origins/);
  const ex = await runCli(["explain", "--config", "-", "--origin", APP, "--acrm", "PUT"], JSON.stringify(CONFIG));
  assert.equal(ex.code, 0, ex.stderr);
  assert.match(ex.stdout, /^verdict: +allowed$/m);
});

test("check: a rejected configuration prints every error, exit 1", async () => {
  const r = await runCli(["check", configFile({ allow_origins: ["https://a.example.com/x", "*"], allow_credentials: "yes", max_age: -1 })]);
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.stdout, /^ok$/m);
  assert.match(r.stdout, /allow_origins\[0\]/);
  assert.match(r.stdout, /allow_credentials/);
  assert.match(r.stdout, /max_age/);
});

test("check: wrong type (also rejected by a minimal filter), exit 1", async () => {
  const r = await runCli(["check", configFile({ allow_origins: 42 })]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /allow_origins/);
});

test("check: a missing file is an error, exit 1", async () => {
  const r = await runCli(["check", "/nonexistent/cors.json"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot read/);
});

test("explain: an allowed preflight → local reply with the exact headers", async () => {
  const r = await runCli(["explain", "--config", configFile(CONFIG), "--origin", APP, "--method", "OPTIONS", "--acrm", "PUT", "--acrh", "content-type"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^kind: +preflight$/m);
  assert.match(r.stdout, /^verdict: +allowed$/m);
  assert.match(r.stdout, /^reason: +allowed$/m);
  assert.match(r.stdout, /^response: +local reply 200/m);
  assert.match(r.stdout, new RegExp(`^  access-control-allow-origin: ${APP}$`, "m"));
  assert.match(r.stdout, /^  access-control-allow-credentials: true$/m);
});

test("explain: a rejected preflight names the reason and shows the 403", async () => {
  const r = await runCli(["explain", "--config", configFile(CONFIG), "--origin", "https://evil.example", "--method", "OPTIONS", "--acrm", "PUT"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^verdict: +rejected$/m);
  assert.match(r.stdout, /^reason: +origin_not_allowed$/m);
  assert.match(r.stdout, /^response: +local reply 403/m);
  assert.doesNotMatch(r.stdout, /access-control-allow-origin/);
});

test("explain: method and header reasons", async () => {
  const m = await runCli(["explain", "--config", configFile(CONFIG), "--origin", APP, "--method", "OPTIONS", "--acrm", "DELETE"]);
  assert.match(m.stdout, /^reason: +method_not_allowed$/m);
  const h = await runCli(["explain", "--config", configFile(CONFIG), "--origin", APP, "--method", "OPTIONS", "--acrm", "PUT", "--acrh", "x-nope"]);
  assert.match(h.stdout, /^reason: +header_not_allowed$/m);
});

test("explain: an actual request shows the headers added to the upstream's 200", async () => {
  const r = await runCli(["explain", "--config", configFile(CONFIG), "--origin", APP, "--method", "GET", "--path", "/x?y=1", "--header", "Cookie: a=b"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^kind: +actual$/m);
  assert.match(r.stdout, /^verdict: +allowed$/m);
  assert.match(r.stdout, /^response: +forwarded to the upstream/m);
  assert.match(r.stdout, new RegExp(`^  access-control-allow-origin: ${APP}$`, "m"));
  assert.match(r.stdout, /^  vary: .*Origin/im);
});

test("explain: no Origin → not_cors / skipped / no_origin", async () => {
  const r = await runCli(["explain", "--config", configFile(CONFIG), "--method", "GET"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^kind: +not_cors$/m);
  assert.match(r.stdout, /^verdict: +skipped$/m);
  assert.match(r.stdout, /^reason: +no_origin$/m);
});

test("explain: a rejected configuration → exit 1 with the errors", async () => {
  const r = await runCli(["explain", "--config", configFile({ allow_origins: 1 }), "--origin", APP]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /allow_origins/);
});

test("forceDebug keeps which policies exist", () => {
  assert.equal(forceDebug(""), '{"debug":true}');
  assert.deepEqual(JSON.parse(forceDebug("{}")), { debug: true });
  assert.deepEqual(JSON.parse(forceDebug('{"allow_origins":["*"]}')), { allow_origins: ["*"], debug: true });
  // only _rules_ (and _-keys): no global configuration may appear
  assert.deepEqual(JSON.parse(forceDebug('{"_rules_":[{"_match_route_":["r"]}],"_plugin_id_":"x"}')), {
    _rules_: [{ _match_route_: ["r"], debug: true }],
    _plugin_id_: "x",
  });
  assert.equal(forceDebug("{bad"), "{bad");
});

test("parseDecision reads the filter's decision line", () => {
  assert.deepEqual(parseDecision('decision kind=preflight verdict=rejected reason=origin_not_allowed origin="https://e.example"'), {
    kind: "preflight", verdict: "rejected", reason: "origin_not_allowed", origin: "https://e.example", reportOnly: false,
  });
  assert.equal(parseDecision('wasm log cors cors: decision kind=actual verdict=allowed reason=allowed origin="x" mode=report_only')!.reportOnly, true);
  assert.equal(parseDecision("something else"), null);
});

test("--help lists every command; unknown command → exit 2", async () => {
  const h = await runCli(["--help"]);
  assert.equal(h.code, 0);
  for (const c of ["serve", "check", "explain", "render", "oci", "--route-name", "--cluster-name"]) assert.ok(h.stdout.includes(c), c);
  const u = await runCli(["frobnicate"]);
  assert.equal(u.code, 2);
});

test("explain: --route-name / --cluster-name select Higress rules", async () => {
  const cfg = configFile({
    allow_origins: ["https://global.example.com"],
    _rules_: [
      { _match_route_: ["r1"], allow_origins: ["https://route.example.com"] },
      { _match_service_: ["svc.ns.svc.cluster.local:8080"], allow_origins: ["https://svc.example.com"] },
    ],
  });
  const byRoute = await runCli(["explain", "--config", cfg, "--origin", "https://route.example.com", "--route-name", "r1"]);
  assert.match(byRoute.stdout, /^verdict: +allowed$/m, byRoute.stdout + byRoute.stderr);
  const global = await runCli(["explain", "--config", cfg, "--origin", "https://route.example.com"]);
  assert.match(global.stdout, /^verdict: +rejected$/m);
  const bySvc = await runCli(["explain", "--config", cfg, "--origin", "https://svc.example.com", "--cluster-name", "outbound|8080||svc.ns.svc.cluster.local"]);
  assert.match(bySvc.stdout, /^verdict: +allowed$/m, bySvc.stdout + bySvc.stderr);
});

test("check: a Higress WasmPlugin manifest is checked as the controller would deliver it", async () => {
  const ok = await runCli(["check", configFile("apiVersion: extensions.higress.io/v1alpha1\nkind: WasmPlugin\nmetadata: {name: cors}\nspec:\n  defaultConfig:\n    allow_origins: [https://a.example.com]\n  matchRules:\n  - domain: [api.example.com]\n    config:\n      allow_origins: [https://b.example.com]\n", "yaml")]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const bad = await runCli(["check", configFile("apiVersion: extensions.higress.io/v1alpha1\nkind: WasmPlugin\nmetadata: {name: cors}\nspec:\n  matchRules:\n  - domain: [api.example.com]\n    config:\n      allow_origins: [https://b.example.com/path]\n", "yaml")]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /_rules_\[0\]\.allow_origins\[0\]/);
  const norule = await runCli(["check", configFile("apiVersion: extensions.higress.io/v1alpha1\nkind: WasmPlugin\nmetadata: {name: cors}\nspec:\n  matchRules:\n  - config: {}\n", "yaml")]);
  assert.equal(norule.code, 1);
  assert.match(norule.stderr, /invalid match rule has no match condition/);
});

test("explain: --acrm alone is a preflight; --upstream-header lines are merged / stripped as on a real response", async () => {
  const pre = await runCli(["explain", "--config", configFile(CONFIG), "--origin", APP, "--acrm", "PUT"]);
  assert.match(pre.stdout, /^request: +OPTIONS /m);
  assert.match(pre.stdout, /^kind: +preflight$/m);
  const r = await runCli([
    "explain", "--config", configFile(CONFIG), "--origin", APP,
    "--upstream-status", "404", "--upstream-header", "vary: Accept-Encoding", "--upstream-header", "Vary: Cookie",
    "--upstream-header", "access-control-allow-origin: *",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /its 404/);
  assert.match(r.stdout, /^  vary: Accept-Encoding, Cookie, Origin$/m);
  assert.deepEqual(r.stdout.match(/^  access-control-allow-origin: .*$/gm), [`  access-control-allow-origin: ${APP}`]);
});
