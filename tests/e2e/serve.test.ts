// End to end: `cors-proxy-wasm serve` (the package's bin, as a process) running the real build/cors.wasm in the host, over
// real HTTP, against test upstreams. Assertions follow docs/behaviour.md, not any one build.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { all, deadPort, header, request, upstream, type TestUpstream } from "../proxy/helpers.js";
import { configFile, lowerSet, runCli, serve, tokens, type Served } from "./cli-helpers.js";

const APP = "https://app.example.com";
const EVIL = "https://evil.example";
const CONFIG = {
  allow_origins: [APP],
  allow_methods: ["GET", "PUT", "POST", "DELETE"],
  allow_headers: ["Content-Type", "X-Custom"],
  expose_headers: ["X-Request-Id"],
  allow_credentials: true,
  max_age: 600,
};

describe("serve: a test upstream that sends its own Vary (two lines) and CORS headers", () => {
  let up: TestUpstream;
  let s: Served;
  before(async () => {
    up = await upstream((req, res) => {
      res.writeHead(req.url === "/fail" ? 500 : 200, [
        "Content-Type", "text/plain",
        "Vary", "Accept-Encoding",
        "Vary", "Cookie",
        "Access-Control-Allow-Origin", "*",
        "Access-Control-Allow-Credentials", "false",
        "Access-Control-Expose-Headers", "X-Upstream-Secret",
        "X-Request-Id", "42",
      ]);
      res.end(`upstream saw ${req.method} ${req.url}`);
    });
    s = await serve(["--config", configFile(CONFIG), "--upstream", up.url]);
  });
  after(async () => {
    await s?.stop();
    await up?.close();
  });

  test("prints exactly one `listening on` line with the real port, then curl examples", async () => {
    for (let i = 0; i < 40 && !/curl /.test(s.stdout()); i++) await new Promise((r) => setTimeout(r, 50));
    const lines = s.stdout().split("\n");
    assert.equal(lines.filter((l) => l.startsWith("listening on ")).length, 1);
    assert.match(lines[0], /^listening on http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    assert.match(s.stdout(), /curl /);
  });

  test("preflight allowed: local reply from the filter with the full grant", async () => {
    const seen = up.seen.length;
    const r = await request(`${s.url}/api/items?x=1`, {
      method: "OPTIONS",
      headers: [["Origin", APP], ["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "content-type, x-custom"]],
    });
    assert.equal(r.status, 200);
    assert.equal(up.seen.length, seen, "the upstream is not reached");
    assert.deepEqual(all(r, "access-control-allow-origin"), [APP]);
    assert.equal(header(r, "access-control-allow-credentials"), "true");
    assert.ok(tokens(r.lines, "access-control-allow-methods").includes("PUT"));
    assert.ok(lowerSet(tokens(r.lines, "access-control-allow-headers")).has("x-custom"));
    assert.equal(header(r, "access-control-max-age"), "600");
    const vary = lowerSet(tokens(r.lines, "vary"));
    for (const t of ["origin", "access-control-request-method", "access-control-request-headers"]) assert.ok(vary.has(t), `Vary has ${t}`);
    assert.equal(r.body, "");
  });

  test("the filter's local reply is sent unchanged: one line per header, no token twice", async () => {
    const r = await request(`${s.url}/`, {
      method: "OPTIONS",
      headers: [["Origin", APP], ["Access-Control-Request-Method", "PUT"]],
    });
    assert.equal(r.status, 200);
    const names = r.lines.map(([k]) => k);
    for (const n of names.filter((n) => n.startsWith("access-control-") || n === "vary")) {
      assert.equal(names.filter((x) => x === n).length, 1, `${n} appears once`);
    }
    const vary = tokens(r.lines, "vary").map((t) => t.toLowerCase());
    assert.equal(new Set(vary).size, vary.length, "no Vary token twice");
  });

  test("an upstream error (500) carries the grant too, so browser code can read it", async () => {
    const r = await request(`${s.url}/fail`, { headers: [["Origin", APP]] });
    assert.equal(r.status, 500);
    assert.equal(header(r, "access-control-allow-origin"), APP);
    assert.equal(r.body, "upstream saw GET /fail");
  });

  test("preflight rejected: 403 Invalid CORS request, no grant, upstream not reached", async () => {
    const seen = up.seen.length;
    const r = await request(`${s.url}/api/items`, {
      method: "OPTIONS",
      headers: [["Origin", EVIL], ["Access-Control-Request-Method", "PUT"]],
    });
    assert.equal(r.status, 403);
    assert.equal(r.body, "Invalid CORS request");
    assert.match(header(r, "content-type") ?? "", /^text\/plain/);
    assert.equal(header(r, "access-control-allow-origin"), undefined);
    assert.equal(up.seen.length, seen);
  });

  test("repeated lines reach the host as lines: two Origin lines are joined (malformed), two ACRH lines form one list", async () => {
    const twoOrigins = await request(`${s.url}/`, {
      method: "OPTIONS",
      headers: [["Origin", APP], ["Origin", APP], ["Access-Control-Request-Method", "PUT"]],
    });
    assert.equal(twoOrigins.status, 403, "Envoy joins them as \"a,b\": not an origin");
    const twoAcrh = await request(`${s.url}/`, {
      method: "OPTIONS",
      headers: [["Origin", APP], ["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "content-type"], ["Access-Control-Request-Headers", "x-custom"]],
    });
    assert.equal(twoAcrh.status, 200);
    const acah = lowerSet(tokens(twoAcrh.lines, "access-control-allow-headers"));
    assert.ok(acah.has("content-type") && acah.has("x-custom"), [...acah].join(","));
  });

  test("preflight with a method that is not allowed: 403", async () => {
    const r = await request(`${s.url}/`, { method: "OPTIONS", headers: [["Origin", APP], ["Access-Control-Request-Method", "PATCH"]] });
    assert.equal(r.status, 403);
  });

  test("actual request allowed: forwarded; upstream CORS headers replaced by the filter's; Vary merged", async () => {
    const r = await request(`${s.url}/api/items?page=2`, { headers: [["Origin", APP]] });
    assert.equal(r.status, 200);
    assert.equal(r.body, "upstream saw GET /api/items?page=2");
    assert.deepEqual(all(r, "access-control-allow-origin"), [APP], "one ACAO line, the request's origin (not the upstream's *)");
    assert.deepEqual(all(r, "access-control-allow-credentials"), ["true"]);
    const aceh = lowerSet(tokens(r.lines, "access-control-expose-headers"));
    assert.ok(aceh.has("x-request-id"));
    assert.ok(!aceh.has("x-upstream-secret"), "the upstream's ACEH is removed");
    const vary = tokens(r.lines, "vary");
    assert.deepEqual(vary.map((t) => t.toLowerCase()), ["accept-encoding", "cookie", "origin"], "upstream tokens kept in order, Origin added once");
    assert.equal(all(r, "vary").length, 1, "one combined Vary line");
  });

  test("actual request from a disallowed origin: forwarded without any grant", async () => {
    const seen = up.seen.length;
    const r = await request(`${s.url}/api/items`, { headers: [["Origin", EVIL]] });
    assert.equal(r.status, 200);
    assert.equal(up.seen.length, seen + 1, "forwarded");
    assert.equal(header(r, "access-control-allow-origin"), undefined, "the upstream's ACAO: * is stripped");
    assert.equal(header(r, "access-control-allow-credentials"), undefined);
    assert.ok(lowerSet(tokens(r.lines, "vary")).has("origin"));
    assert.ok(lowerSet(tokens(r.lines, "vary")).has("cookie"), "the upstream's second Vary line survives");
  });

  test("a request without Origin still gets Vary: Origin (the answer depends on it)", async () => {
    const r = await request(`${s.url}/`);
    assert.equal(r.status, 200);
    assert.ok(lowerSet(tokens(r.lines, "vary")).has("origin"));
    assert.equal(header(r, "access-control-allow-origin"), undefined);
  });

  test("hop-by-hop request headers are not forwarded; method, path, query and others are", async () => {
    await request(`${s.url}/p/q?r=s&t=u`, {
      method: "DELETE",
      headers: [["Origin", APP], ["Connection", "X-Hop"], ["X-Hop", "1"], ["Keep-Alive", "timeout=1"], ["Proxy-Authorization", "x"], ["X-Keep", "k"]],
    });
    const got = up.seen.at(-1)!;
    assert.equal(got.method, "DELETE");
    assert.equal(got.url, "/p/q?r=s&t=u");
    const names = got.lines.map(([k]) => k);
    for (const h of ["x-hop", "keep-alive", "proxy-authorization"]) assert.ok(!names.includes(h), h);
    assert.ok(got.lines.some(([k, v]) => k === "x-keep" && v === "k"));
    assert.ok(got.lines.some(([k, v]) => k === "origin" && v === APP));
  });
});

describe("serve: preflight_continue forwards allowed preflights and adds the grant to the upstream's answer", () => {
  let up: TestUpstream;
  let s: Served;
  before(async () => {
    up = await upstream((_req, res) => {
      res.writeHead(204, ["Vary", "Accept-Encoding", "X-From", "upstream"]);
      res.end();
    });
    s = await serve(["--config", configFile({ ...CONFIG, preflight_continue: true }), "--upstream", up.url]);
  });
  after(async () => {
    await s?.stop();
    await up?.close();
  });
  test("the upstream answers the OPTIONS, its status is kept, the filter's headers are on it", async () => {
    const seen = up.seen.length;
    const r = await request(`${s.url}/pf`, { method: "OPTIONS", headers: [["Origin", APP], ["Access-Control-Request-Method", "PUT"]] });
    assert.equal(up.seen.length, seen + 1);
    assert.equal(up.seen.at(-1)!.method, "OPTIONS");
    assert.equal(r.status, 204);
    assert.equal(header(r, "x-from"), "upstream");
    assert.equal(header(r, "access-control-allow-origin"), APP);
    assert.ok(tokens(r.lines, "access-control-allow-methods").includes("PUT"));
    const vary = lowerSet(tokens(r.lines, "vary"));
    for (const t of ["accept-encoding", "origin", "access-control-request-method", "access-control-request-headers"]) assert.ok(vary.has(t), t);
  });
});

describe("serve: built-in echo upstream, streaming, 503", () => {
  let s: Served;
  before(async () => {
    s = await serve(["--config", configFile(CONFIG)]);
  });
  after(async () => {
    await s?.stop();
  });

  test("echo returns the request as JSON, with the filter's grant on it", async () => {
    const r = await request(`${s.url}/hello?a=b`, { headers: [["Origin", APP], ["X-Two", "1"], ["X-Two", "2"]] });
    assert.equal(r.status, 200);
    const j = JSON.parse(r.body) as { method: string; path: string; headers: Array<[string, string]> };
    assert.equal(j.method, "GET");
    assert.equal(j.path, "/hello?a=b");
    assert.deepEqual(j.headers.filter(([k]) => k === "x-two").map(([, v]) => v), ["1", "2"]);
    assert.equal(header(r, "access-control-allow-origin"), APP);
  });

  test("a 2 MiB body streams through to the upstream", async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, "x");
    const r = await request(`${s.url}/upload`, { method: "POST", headers: [["Origin", APP], ["Content-Type", "text/plain"]], body });
    assert.equal(r.status, 200);
    const j = JSON.parse(r.body) as { bodyLength: number };
    assert.equal(j.bodyLength, body.length);
  });
});

describe("serve: upstream unreachable", () => {
  let s: Served;
  before(async () => {
    s = await serve(["--config", configFile(CONFIG), "--upstream", `http://127.0.0.1:${await deadPort()}`]);
  });
  after(async () => {
    await s?.stop();
  });
  test("503 like Envoy, with the CORS grant so browser code can read the error", async () => {
    const r = await request(`${s.url}/`, { headers: [["Origin", APP]] });
    assert.equal(r.status, 503);
    assert.equal(header(r, "access-control-allow-origin"), APP);
  });
});

describe("serve: lifecycle and configuration errors", () => {
  test("SIGTERM and SIGINT close it cleanly (exit 0)", async () => {
    for (const sig of ["SIGTERM", "SIGINT"] as const) {
      const s = await serve(["--config", configFile(CONFIG)]);
      const r = await s.stop(sig);
      assert.equal(r.code, 0, `${sig}: ${r.stderr}`);
    }
  });

  test("a rejected configuration: exit 1 with the filter's error lines", async () => {
    const r = await runCli(["serve", "--listen", "127.0.0.1:0", "--config", configFile({ allow_origins: "https://a.example.com" })]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /allow_origins/);
    assert.doesNotMatch(r.stdout, /listening on/);
  });

  test("every error is reported, each with its key path", async () => {
    const r = await runCli(["serve", "--listen", "127.0.0.1:0", "--config", configFile({ allow_origins: ["https://a.example.com/path"], max_age: -5 })]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /allow_origins\[0\]/);
    assert.match(r.stderr, /max_age/);
  });

  test("malformed JSON: exit 1", async () => {
    const r = await runCli(["serve", "--listen", "127.0.0.1:0", "--config", configFile('{"allow_origins": [', "json")]);
    assert.equal(r.code, 1);
    assert.notEqual(r.stderr.trim(), "");
  });

  test("a Higress WasmPlugin the controller would not push: exit 1 saying so", async () => {
    const r = await runCli(["serve", "--listen", "127.0.0.1:0", "--config", configFile(
      "apiVersion: extensions.higress.io/v1alpha1\nkind: WasmPlugin\nmetadata: {name: cors}\nspec:\n  defaultConfigDisable: true\n  matchRules:\n  - ingress: [a]\n    configDisable: true\n", "yaml")]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not be pushed/);
  });

  test("unknown option: usage error (exit 2)", async () => {
    const r = await runCli(["serve", "--bogus"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option --bogus/);
  });

  test("--config - : usage error (exit 2), a reload could not read standard input again", async () => {
    const r = await runCli(["serve", "--listen", "127.0.0.1:0", "--config", "-"], JSON.stringify(CONFIG));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /give a file, not -/);
    assert.doesNotMatch(r.stdout, /listening on/);
  });
});
