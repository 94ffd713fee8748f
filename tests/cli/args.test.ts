// The CLI's option parsing and dispatch.
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { parseArgs, parseListen, parseUpstream, UsageError } from "../../src/cli/args.js";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../../src/cli/io.js";
import { repoRoot, runBin } from "../e2e/cli-helpers.js";

test("parseListen: HOST:PORT, [v6]:PORT, :PORT, PORT, port 0; bad ones are usage errors", () => {
  assert.deepEqual(parseListen("127.0.0.1:10000"), { host: "127.0.0.1", port: 10000 });
  assert.deepEqual(parseListen("0.0.0.0:0"), { host: "0.0.0.0", port: 0 });
  assert.deepEqual(parseListen("[::1]:8080"), { host: "::1", port: 8080 });
  assert.deepEqual(parseListen(":9000"), { host: "127.0.0.1", port: 9000 });
  assert.deepEqual(parseListen("9000"), { host: "127.0.0.1", port: 9000 });
  for (const bad of ["host:", "host:x", "1:70000", "[::1]"]) assert.throws(() => parseListen(bad), UsageError, bad);
});

test("parseUpstream: host, port (scheme default), TLS, path prefix; not a URL or not http(s) is a usage error", () => {
  assert.deepEqual(parseUpstream("http://127.0.0.1:8080"), { host: "127.0.0.1", port: 8080, tls: false, pathPrefix: undefined });
  assert.deepEqual(parseUpstream("https://api.example.com"), { host: "api.example.com", port: 443, tls: true, pathPrefix: undefined });
  assert.deepEqual(parseUpstream("http://[::1]/v1"), { host: "::1", port: 80, tls: false, pathPrefix: "/v1/" });
  assert.throws(() => parseUpstream("localhost:8080x"), UsageError);
  assert.throws(() => parseUpstream("ftp://example.com"), /must be http:\/\/ or https:\/\//);
});

test("serve and envoy refuse a bad --upstream before starting anything (exit 2)", async () => {
  for (const command of ["serve", "envoy"]) {
    const c = capture();
    assert.equal(await main([command, "--upstream", "not a url"], c.io), 2, command);
    assert.match(c.err(), /--upstream: "not a url" is not a URL/, command);
  }
});

test("parseArgs: --name value, --name=value, repeatable options, flags, positionals", () => {
  const a = parseArgs(["FILE", "--config=a.json", "--header", "a: 1", "--header=b: 2", "--help"], {
    values: ["config", "header"],
    repeat: ["header"],
    flags: ["help"],
    positionals: 1,
  });
  assert.equal(a.values.get("config"), "a.json");
  assert.deepEqual(a.lists.get("header"), ["a: 1", "b: 2"]);
  assert.ok(a.flags.has("help"));
  assert.deepEqual(a.positionals, ["FILE"]);
  assert.throws(() => parseArgs(["--nope"], { values: [] }), /unknown option --nope/);
  assert.throws(() => parseArgs(["--config"], { values: ["config"] }), /needs a value/);
  assert.throws(() => parseArgs(["--config", "a", "--config", "b"], { values: ["config"] }), /given twice/);
  assert.throws(() => parseArgs(["x", "y"], { values: [], positionals: 1 }), /unexpected argument y/);
});

function capture() {
  const io = memoryIo();
  return { io, out: io.stdout, err: io.stderr };
}

test("main: help, unknown command, usage errors (exit 2)", async () => {
  const h = capture();
  assert.equal(await main(["--help"], h.io), 0);
  assert.match(h.out(), /serve \[--config FILE\] \[--listen HOST:PORT\] \[--upstream URL\] \[--wasm FILE\]/);
  const u = capture();
  assert.equal(await main(["nope"], u.io), 2);
  assert.match(u.err(), /unknown command "nope"/);
  const e = capture();
  assert.equal(await main(["serve", "--listen", "x:y"], e.io), 2);
  assert.match(e.err(), /--listen/);
  const c = capture();
  assert.equal(await main(["check"], c.io), 2);
  assert.match(c.err(), /check needs a FILE/);
});

test("render and oci are dispatched to src/platforms and src/deploy", async () => {
  for (const cmd of ["render", "oci"]) {
    const r = capture();
    assert.equal(await main([cmd, "--help"], r.io), 0, cmd);
    assert.doesNotMatch(r.out() + r.err(), /not available yet/, cmd);
    assert.match(r.out() + r.err(), new RegExp(`cors-proxy-wasm ${cmd}`), cmd);
  }
});

test("the package's bin as a process: node bin/… and npx --no-install run main, with its exit status", async () => {
  const help = await runBin(["--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: cors-proxy-wasm <command>/);
  const unknown = await runBin(["frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  // the package's `bin` entry, as tools call it (docs/cli.md)
  const npx = spawnSync("npx", ["--no-install", "cors-proxy-wasm", "--help"], { cwd: repoRoot, encoding: "utf8" });
  assert.equal(npx.status, 0, npx.stderr);
  assert.match(npx.stdout, /^Usage: cors-proxy-wasm <command>/);
});
