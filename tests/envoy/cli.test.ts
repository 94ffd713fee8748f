// `cors-proxy-wasm envoy` spawned as users run it, on port 0 (listener and admin), against the pinned real Envoy:
// the ready line names the Envoy version, the filter answers through Envoy (`server: envoy`), the admin shows
// its counters, SIGINT / SIGTERM leave no process behind, a rejected configuration exits 1 with only the filter's
// lines, route and cluster names reach the filter (`_rules_`), and reloads go through Envoy's LDS.
import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pinnedEnvoyVersion } from "../../src/envoy/index.js";
import { startEchoUpstream } from "../../src/proxy/echo.js";
import { header, request } from "../proxy/helpers.js";
import { configFile, repoRoot, runBin, runCli, serve, type Served } from "../e2e/cli-helpers.js";

const ADMIN = ["--admin", "127.0.0.1:0"];

function envoyCli(args: string[]): Promise<Served> {
  return serve([...ADMIN, ...args], { command: "envoy" });
}

/** Every process whose parent is `pid`, and theirs (Linux /proc). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // ended meanwhile
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of parents.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function preflight(url: string, origin: string, method = "PUT") {
  return request(`${url}/api/items`, { method: "OPTIONS", headers: [["Origin", origin], ["Access-Control-Request-Method", method]] });
}

const adminOf = (s: Served): string => {
  const m = /^admin: (http:\/\/\S+) \(the filter's counters: (\S+)\)$/m.exec(s.stdout());
  assert.ok(m, s.stdout());
  assert.equal(m[2], `${m[1]}/stats?filter=cors`);
  return m[1];
};

test("envoy: ready line with the pinned version, the filter answers through Envoy, counters on the admin, SIGTERM leaves nothing running", async () => {
  const s = await envoyCli([]);
  let envoyPids: number[] = [];
  try {
    assert.match(s.stdout(), new RegExp(`^listening on http://127\\.0\\.0\\.1:\\d+ \\(Envoy ${pinnedEnvoyVersion().replace(/\./g, "\\.")}\\)$`, "m"));
    assert.match(s.stdout(), /^config: \S*examples\/cors\.json; upstream: built-in echo;/m);
    assert.match(s.stdout(), /curl -i -X OPTIONS http:\/\/127\.0\.0\.1:\d+\/api\/items -H 'Origin: https:\/\/app\.example\.com'/);
    const admin = adminOf(s);
    envoyPids = descendants(s.child.pid!);
    assert.equal(envoyPids.length, 1, "one child: Envoy");
    assert.match(readFileSync(`/proc/${envoyPids[0]}/cmdline`, "utf8"), /envoy/);

    const allowed = await preflight(s.url, "https://app.example.com");
    assert.equal(allowed.status, 200);
    assert.equal(header(allowed, "server"), "envoy");
    assert.equal(header(allowed, "access-control-allow-origin"), "https://app.example.com");
    const actual = await request(`${s.url}/api/items?page=2`, { headers: [["Origin", "https://app.example.com"]] });
    assert.equal(actual.status, 200);
    assert.equal(header(actual, "access-control-allow-origin"), "https://app.example.com");
    const echoed = JSON.parse(actual.body) as { method: string; path: string };
    assert.deepEqual([echoed.method, echoed.path], ["GET", "/api/items?page=2"], "reached the built-in echo upstream");
    const rejected = await preflight(s.url, "https://evil.example", "GET");
    assert.equal(rejected.status, 403);

    const stats = (await request(`${admin}/stats?filter=cors`)).body;
    assert.match(stats, /^wasmcustom\.cors\.preflight_allowed: 1$/m, stats);
    assert.match(stats, /^wasmcustom\.cors\.preflight_rejected: 1$/m, stats);
    assert.match(stats, /^wasmcustom\.cors\.actual_allowed: 1$/m, stats);
    const info = JSON.parse((await request(`${admin}/server_info`)).body) as { version: string };
    assert.equal(info.version.split("/")[1], pinnedEnvoyVersion());
  } finally {
    s.child.kill("SIGTERM"); // the command alone: it must stop Envoy itself
    const [code] = (await once(s.child, "exit")) as [number | null];
    assert.equal(code, 0, s.stderr());
    await s.stop();
  }
  assert.ok(envoyPids.length > 0);
  for (const pid of envoyPids) assert.ok(!alive(pid), `Envoy (pid ${pid}) outlived the command`);
});

test("envoy: SIGINT to the command alone and Ctrl-C (its whole process group) exit 0; Envoy ending on its own exits 1; nothing left; a warning shown once though 4 VMs log it", async () => {
  const ways = ["SIGINT to the command", "Ctrl-C", "Envoy killed"];
  const warns = configFile({ allow_origins: ["https://app.example.com/"] });
  await Promise.all(ways.map(async (how) => {
    const s = await envoyCli(["--concurrency", "2", "--config", warns]);
    await new Promise((r) => setTimeout(r, 300)); // the workers' VMs log their copy of the warning too
    const pids = descendants(s.child.pid!);
    assert.equal(pids.length, 1);
    const exited = once(s.child, "exit") as Promise<[number | null]>;
    if (how === "Ctrl-C") s.signal("SIGINT");
    else if (how === "SIGINT to the command") s.child.kill("SIGINT");
    else process.kill(pids[0], "SIGKILL");
    const [code] = await exited;
    await s.stop();
    if (how === "Envoy killed") {
      assert.equal(code, 1, `${how}: ${s.stderr()}`);
      assert.match(s.stderr(), /^cors-proxy-wasm envoy: Envoy exited \(SIGKILL\)$/m);
    } else {
      assert.equal(code, 0, `${how}: ${s.stderr()}`);
      assert.doesNotMatch(s.stderr(), /Envoy exited/, "a normal stop");
    }
    for (const pid of pids) assert.ok(!alive(pid), `${how}: Envoy (pid ${pid}) outlived the command`);
    const warning = /^\[warning\] cors: .*allow_origins\[0\]: "https:\/\/app\.example\.com\/": the trailing "\/" was dropped/gm;
    assert.equal(s.stderr().match(warning)?.length, 1, `${how}: the warning once:\n${s.stderr()}`);
  }));
});

test("envoy: a configuration the filter rejects exits 1 with the filter's lines, each once, and nothing else of Envoy's log", async () => {
  const bad = configFile({ allow_origins: ["https://a.example.com/x", "*"], allow_credentials: true, max_age: "1.5h" });
  const r = await runBin(["envoy", "--listen", "127.0.0.1:0", ...ADMIN, "--concurrency", "2", "--config", bad]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, "", "never listening");
  const lines = r.stderr.trimEnd().split("\n");
  const expected = [
    /^\[error\] cors: .*allow_origins\[0\]: "https:\/\/a\.example\.com\/x" has a path/,
    /^\[error\] cors: .*allow_origins\[1\]: "\*" cannot be combined with allow_credentials/,
    /^\[error\] cors: .*max_age: "1\.5h" is not a duration/,
  ];
  for (const e of expected) assert.equal(lines.filter((l) => e.test(l)).length, 1, `${e} once in:\n${r.stderr}`);
  assert.match(lines[lines.length - 1], /^cors-proxy-wasm envoy: Envoy rejected the configuration from \S+$/);
  for (const l of lines.slice(0, -1)) assert.match(l, /^\[(error|warning)\] cors: /, "only the filter's lines");
});

test("envoy: a Higress WasmPlugin with --route-name: the route's rule applies (xds.route_name)", async () => {
  const s = await envoyCli(["--config", join(repoRoot, "examples/k8s/higress/wasmplugin.yaml"), "--route-name", "ingress-cors-httpbin"]);
  try {
    const rule = await preflight(s.url, "http://httpbin.example.net", "PATCH");
    assert.equal(rule.status, 200);
    assert.equal(header(rule, "access-control-allow-origin"), "http://httpbin.example.net");
    assert.equal((await preflight(s.url, "https://console.example.com", "GET")).status, 403, "defaultConfig does not apply on that route");
  } finally {
    await s.stop();
  }
});

test("envoy: --cluster-name reaches the filter (xds.cluster_name); --upstream with a path prefix", async () => {
  const upstream = await startEchoUpstream();
  const config = configFile({
    allow_origins: ["https://global.example"],
    _rules_: [
      { _match_route_: ["r1"], allow_origins: ["https://route.example"] },
      { _match_service_: ["api.default.svc.cluster.local:8080"], allow_origins: ["https://service.example"] },
    ],
  });
  const s = await envoyCli(["--config", config, "--cluster-name", "outbound|8080||api.default.svc.cluster.local", "--upstream", `${upstream.url}/base`]);
  try {
    assert.match(s.stdout(), /; cluster: outbound\|8080\|\|api\.default\.svc\.cluster\.local;/);
    assert.equal((await preflight(s.url, "https://service.example")).status, 200);
    assert.equal((await preflight(s.url, "https://route.example")).status, 403, "no route name: the route rule does not match");
    assert.equal((await preflight(s.url, "https://global.example")).status, 403, "a rule matched: the global policy does not apply");
    const r = await request(`${s.url}/api?x=1`, { headers: [["Origin", "https://service.example"]] });
    assert.equal(header(r, "access-control-allow-origin"), "https://service.example");
    assert.equal((JSON.parse(r.body) as { path: string }).path, "/base/api?x=1", "the --upstream path is prepended");
  } finally {
    await s.stop();
    await upstream.close();
  }
});

test("envoy --watch, SIGHUP: Envoy NACKs a rejected configuration and keeps the running one; a good one applies", async () => {
  const file = configFile({ allow_origins: ["https://a.example"] });
  const s = await envoyCli(["--config", file, "--watch"]);
  const waitFor = async (re: RegExp) => {
    const deadline = Date.now() + 20_000;
    while (!re.test(s.stderr())) {
      assert.ok(Date.now() < deadline, `no ${re} in:\n${s.stderr()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    assert.equal((await preflight(s.url, "https://a.example")).status, 200);
    writeFileSync(file, JSON.stringify({ allow_origins: ["https://b.example/x"] }));
    await waitFor(/reload \(file changed\): Envoy rejected the configuration .*; kept the previous one/);
    assert.match(s.stderr(), /^\[error\] cors: .*allow_origins\[0\]: "https:\/\/b\.example\/x" has a path/m);
    assert.equal((await preflight(s.url, "https://a.example")).status, 200, "the previous configuration keeps answering");
    writeFileSync(file, JSON.stringify({ allow_origins: ["https://b.example"] }));
    await waitFor(/reload \(file changed\): now serving /);
    assert.equal((await preflight(s.url, "https://b.example")).status, 200, "the new configuration answers");
    assert.equal((await preflight(s.url, "https://a.example")).status, 403);
    s.child.kill("SIGHUP"); // the same file again: Envoy takes the update (an unchanged listener)
    await waitFor(/reload \(SIGHUP\): now serving /);
    assert.equal((await preflight(s.url, "https://b.example")).status, 200);
  } finally {
    await s.stop();
  }
});

test("envoy: usage errors (exit 2) and a missing Envoy binary (exit 1) before anything starts", async () => {
  for (const args of [["--concurrency", "0"], ["--concurrency", "two"], ["--upstream", "ftp://x"], ["--bogus"], ["--config", "-"]]) {
    const r = await runCli(["envoy", ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
  }
  const r = await runCli(["envoy", "--listen", "127.0.0.1:0", ...ADMIN, "--envoy", "/nonexistent/envoy"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Envoy binary not found: \/nonexistent\/envoy/);
});
