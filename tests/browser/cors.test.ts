// A real browser (Debian's Chromium driven by playwright-core) enforcing CORS: a page on origin A calls fetch()
// on origin B running the real build/cors.wasm — once through the dev proxy, once through the real pinned
// Envoy — with the same scenarios. What the filter saw (preflights end there) is, for the dev proxy, a wrapper
// around its host; for Envoy, an access log line per request (every request passes the filter).
// Without Chromium this file fails when CI=true and skips with a message otherwise.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrap, startEnvoy, type RunningEnvoy } from "../../src/envoy/index.js";
import { loadFilter, type FilterLike, type HeaderList } from "../../src/proxy/filter.js";
import { startProxy, type RunningProxy } from "../../src/proxy/server.js";
import { upstream, type TestUpstream } from "../proxy/helpers.js";
import { repoRoot } from "../e2e/cli-helpers.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === "true" || process.env.CI === "1";
const skip = !haveChromium && !inCi ? `Chromium not found at ${CHROMIUM} (install Debian's chromium; CI fails instead of skipping)` : false;

type Ctx = import("playwright-core").BrowserContext;

interface PageServer {
  origin: string;
  close(): Promise<void>;
}

async function pageServer(): Promise<PageServer> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>cors page</title><p>origin page</p>");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

let pageA: PageServer;
let pageC: PageServer;
let up: TestUpstream;
let proxy: RunningProxy;
let envoy: RunningEnvoy;
let ctx: Ctx;
let userDataDir: string;
/** Requests the dev proxy's filter saw, as method + path (preflights included: they end at the filter). */
const filterSaw: Array<{ method: string; path: string; acrm?: string }> = [];

type Seen = Array<{ method: string; path: string; acrm?: string }>;
interface Target {
  name: string;
  url(): string;
  /** Every request the filter saw so far. */
  saw(): Promise<Seen>;
}

const ACCESS = "SAW %REQ(:METHOD)% %REQ(:PATH)% %REQ(ACCESS-CONTROL-REQUEST-METHOD)%\n";
let settles = 0;
/** Envoy's access log, complete up to now: a marker request is sent and waited for (lines are written as
 *  requests complete, flushed every 10 ms). */
async function envoySaw(): Promise<Seen> {
  const marker = `/__settle__/${++settles}`;
  await new Promise<void>((resolve, reject) => {
    http.get(`http://127.0.0.1:${envoyPort}${marker}`, (r) => { r.resume(); r.on("end", resolve); }).on("error", reject);
  });
  const deadline = Date.now() + 5000;
  while (!envoy.log().includes(`SAW GET ${marker} `)) {
    if (Date.now() > deadline) throw new Error("Envoy's access log did not show the marker request");
    await new Promise((r) => setTimeout(r, 10));
  }
  return [...envoy.log().matchAll(/^SAW (\S+) (\S+) (\S+)$/gm)]
    .filter((m) => !m[2].startsWith("/__settle__/"))
    .map((m) => ({ method: m[1], path: m[2], acrm: m[3] === "-" ? undefined : m[3] }));
}
let envoyPort = 0;

const targets: Target[] = [
  { name: "dev proxy", url: () => proxy.url, saw: async () => filterSaw },
  { name: "Envoy", url: () => `http://127.0.0.1:${envoyPort}`, saw: envoySaw },
];

before(async () => {
  if (skip) return;
  assert.ok(haveChromium, `Chromium is required when CI is set: not found at ${CHROMIUM}`);
  pageA = await pageServer();
  pageC = await pageServer();
  up = await upstream((req, res, body) => {
    res.writeHead(200, {
      "content-type": "application/json",
      "x-request-id": "req-42",
      "x-hidden": "not exposed",
    });
    res.end(JSON.stringify({ method: req.method, url: req.url, cookie: req.headers.cookie ?? null, custom: req.headers["x-custom"] ?? null, body }));
  });
  const config = JSON.stringify({
    allow_origins: [pageA.origin],
    allow_methods: ["GET", "POST", "PUT"],
    allow_headers: ["Content-Type", "X-Custom"],
    expose_headers: ["X-Request-Id"],
    allow_credentials: true,
    max_age: 600,
  });
  const loaded = await loadFilter({ wasmPath: join(repoRoot, "build", "cors.wasm"), config });
  assert.ok(loaded.accepted && loaded.host, `configuration rejected: ${loaded.errors.join("; ")}`);
  const host = loaded.host;
  const counting: FilterLike = {
    newStream(init) {
      const s = host.newStream(init);
      return {
        requestHeaders(h: HeaderList, eos?: boolean) {
          const get = (n: string) => h.find(([k]) => k === n)?.[1];
          filterSaw.push({ method: get(":method") ?? "", path: get(":path") ?? "", acrm: get("access-control-request-method") });
          return s.requestHeaders(h, eos);
        },
        responseHeaders: (h: HeaderList, eos?: boolean) => s.responseHeaders(h, eos),
        finish: () => s.finish(),
      };
    },
  };
  proxy = await startProxy({ filter: counting, port: 0, upstream: up.url, log: () => {} });
  const u = new URL(up.url);
  envoy = await startEnvoy(bootstrap({
    admin: { port: 0 },
    listeners: [{ name: "browser", port: 0, cluster: "upstream", accessLog: ACCESS, plugin: { wasm: join(repoRoot, "build", "cors.wasm"), configuration: config } }],
    clusters: [{ name: "upstream", host: u.hostname, port: Number(u.port) }],
  }), { args: ["--file-flush-interval-msec", "10"] });
  envoyPort = (await envoy.listeners()).browser.port;
  const { chromium } = await import("playwright-core");
  userDataDir = mkdtempSync(join(tmpdir(), "cors-chromium-"));
  ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
});

after(async () => {
  await ctx?.close();
  await proxy?.close();
  await envoy?.stop();
  await up?.close();
  await pageA?.close();
  await pageC?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

async function onPage(origin: string) {
  const page = await ctx.newPage();
  await page.goto(origin + "/");
  return page;
}

for (const t of targets) {
  test(`${t.name}: simple GET from an allowed origin: JS reads the body and the exposed header only`, { skip }, async () => {
    const page = await onPage(pageA.origin);
    const r = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return { status: res.status, body: await res.json(), exposed: res.headers.get("x-request-id"), hidden: res.headers.get("x-hidden") };
    }, `${t.url()}/data?q=1`);
    assert.equal(r.status, 200);
    assert.equal(r.body.url, "/data?q=1");
    assert.equal(r.exposed, "req-42");
    assert.equal(r.hidden, null, "a header not in expose_headers stays hidden");
    await page.close();
  });

  test(`${t.name}: credentialed fetch from an allowed origin: the cookie travels and the response is readable`, { skip }, async () => {
    const page = await onPage(pageA.origin);
    const r = await page.evaluate(async (url) => {
      document.cookie = "sid=abc123; path=/";
      const res = await fetch(url, { credentials: "include" });
      return { status: res.status, body: await res.json() };
    }, `${t.url()}/me`);
    assert.equal(r.status, 200);
    assert.equal(r.body.cookie, "sid=abc123");
    await page.close();
  });

  test(`${t.name}: PUT with a custom header: a real preflight, then the PUT; the second PUT uses the preflight cache`, { skip }, async () => {
    const page = await onPage(pageA.origin);
    const put = (n: number) =>
      page.evaluate(async ([url, n]) => {
        const res = await fetch(url as string, { method: "PUT", headers: { "X-Custom": `v${n}`, "Content-Type": "application/json" }, body: JSON.stringify({ n }) });
        return { status: res.status, body: await res.json() };
      }, [`${t.url()}/items/1`, n] as const);
    const before = (await t.saw()).filter((r) => r.method === "OPTIONS" && r.path === "/items/1").length;
    const first = await put(1);
    assert.equal(first.status, 200);
    assert.equal(first.body.method, "PUT");
    assert.equal(first.body.custom, "v1");
    const preflights = (await t.saw()).filter((r) => r.method === "OPTIONS" && r.path === "/items/1");
    assert.equal(preflights.length - before, 1, "exactly one preflight before the PUT");
    assert.equal(preflights.at(-1)!.acrm, "PUT");
    const second = await put(2);
    assert.equal(second.status, 200);
    assert.equal(second.body.custom, "v2");
    assert.equal((await t.saw()).filter((r) => r.method === "OPTIONS" && r.path === "/items/1").length - before, 1, "max_age: the browser reused the preflight");
    await page.close();
  });

  test(`${t.name}: a disallowed origin: fetch() rejects with a TypeError (simple GET and preflighted PUT)`, { skip }, async () => {
    const page = await onPage(pageC.origin);
    const seenBefore = (await t.saw()).length;
    const r = await page.evaluate(async (url) => {
      const out: string[] = [];
      for (const init of [{}, { method: "PUT", headers: { "X-Custom": "1" } }]) {
        try {
          await fetch(url, init);
          out.push("resolved");
        } catch (e) {
          out.push((e as Error).name);
        }
      }
      return out;
    }, `${t.url()}/data`);
    assert.deepEqual(r, ["TypeError", "TypeError"]);
    // it is CORS that failed them, not the network: the GET and the PUT's preflight reached the filter
    const saw = (await t.saw()).slice(seenBefore).filter((x) => x.path === "/data");
    assert.ok(saw.some((x) => x.method === "GET"), "the simple GET was sent (and forwarded without a grant)");
    assert.ok(saw.some((x) => x.method === "OPTIONS" && x.acrm === "PUT"), "the PUT's preflight was sent and refused");
    assert.ok(!saw.some((x) => x.method === "PUT"), "the PUT itself never left the browser");
    await page.close();
  });
}
