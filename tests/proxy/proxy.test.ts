// The dev proxy's plumbing, with an in-process fake filter (the real .wasm is exercised in tests/e2e).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { startProxy, type RunningProxy } from "../../src/proxy/server.js";
import { FakeFilter } from "./fake-filter.js";
import { all, deadPort, header, rawUpstream, request, upstream } from "./helpers.js";

const ORIGIN = "https://app.example.com";
const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

async function proxyTo(up: string | undefined, filter = new FakeFilter(new Set([ORIGIN])), props?: Record<string, string>) {
  const p: RunningProxy = await startProxy({ filter, port: 0, upstream: up, streamProperties: props, log: () => {} });
  closers.push(() => p.close());
  return { p, filter };
}

test("listens on port 0 and reports the real port", async () => {
  const { p } = await proxyTo(undefined);
  assert.ok(p.port > 0);
  assert.equal(p.url, `http://127.0.0.1:${p.port}`);
});

test("Envoy-style request headers reach the filter: pseudo-headers, Host → :authority, lower-case, repeats kept", async () => {
  const up = await upstream();
  closers.push(() => up.close());
  const { p, filter } = await proxyTo(up.url, undefined, { "xds.route_name": "r1" });
  await request(`${p.url}/a/b?x=1&y=2`, {
    headers: [["Host", "api.example.com:8443"], ["X-Custom", "one"], ["X-Custom", "two"], ["Origin", ORIGIN], ["Connection", "keep-alive, X-Drop"], ["X-Drop", "gone"]],
  });
  const seen = filter.requests.at(-1)!;
  const h = seen.headers;
  assert.deepEqual(h.slice(0, 4), [[":authority", "api.example.com:8443"], [":path", "/a/b?x=1&y=2"], [":method", "GET"], [":scheme", "http"]]);
  assert.deepEqual(h.filter(([k]) => k === "x-custom"), [["x-custom", "one"], ["x-custom", "two"]]);
  assert.ok(!h.some(([k]) => k === "host"), "Host became :authority");
  assert.ok(!h.some(([k]) => k === "connection" || k === "x-drop"), "hop-by-hop lines are not shown to the filter");
  assert.ok(h.every(([k]) => k === k.toLowerCase()));
  assert.equal(seen.endOfStream, true, "a bodiless request: end_of_stream on the headers");
  assert.deepEqual(seen.properties, { "xds.route_name": "r1" });
});

test("forwards method, path+query, headers (filter's edits included), drops hop-by-hop, adds x-forwarded-*", async () => {
  const up = await upstream();
  closers.push(() => up.close());
  const { p } = await proxyTo(up.url);
  const r = await request(`${p.url}/items/7?full=1`, {
    method: "PATCH",
    headers: [
      ["Host", "api.example.com"], ["Origin", ORIGIN], ["Content-Type", "application/json"],
      ["Connection", "X-Hop"], ["X-Hop", "1"], ["Keep-Alive", "timeout=5"], ["TE", "trailers"],
      ["Proxy-Authorization", "Basic eA=="], ["Upgrade", "h2c"], ["X-Twice", "a"], ["X-Twice", "b"],
    ],
    body: '{"a":1}',
  });
  assert.equal(r.status, 200);
  const s = up.seen.at(-1)!;
  assert.equal(s.method, "PATCH");
  assert.equal(s.url, "/items/7?full=1");
  assert.equal(s.body, '{"a":1}');
  const names = s.lines.map(([k]) => k);
  for (const hop of ["x-hop", "keep-alive", "te", "proxy-authorization", "upgrade"]) assert.ok(!names.includes(hop), `${hop} removed`);
  assert.deepEqual(s.lines.find(([k]) => k === "host"), ["host", "api.example.com"]);
  assert.deepEqual(s.lines.filter(([k]) => k === "x-twice").map(([, v]) => v), ["a", "b"]);
  assert.ok(s.lines.some(([k, v]) => k === "x-filter-saw" && v === "1"), "header added by the filter is forwarded");
  assert.ok(s.lines.some(([k, v]) => k === "x-forwarded-for" && v.includes("127.0.0.1")));
  assert.ok(s.lines.some(([k, v]) => k === "x-forwarded-proto" && v === "http"));
});

test("response headers pass the filter's response callback; several lines per name survive", async () => {
  const up = await upstream((_req, res) => {
    res.writeHead(200, ["Vary", "Accept-Encoding", "Vary", "Cookie", "Access-Control-Allow-Origin", "*", "Content-Type", "text/plain"]);
    res.end("hello");
  });
  closers.push(() => up.close());
  const { p, filter } = await proxyTo(up.url);
  const r = await request(`${p.url}/`, { headers: [["Origin", ORIGIN]] });
  const seen = filter.responses.at(-1)!.headers;
  assert.deepEqual(seen[0], [":status", "200"]);
  assert.deepEqual(seen.filter(([k]) => k === "vary").map(([, v]) => v), ["Accept-Encoding", "Cookie"], "the filter sees every Vary line");
  assert.deepEqual(all(r, "vary"), ["Accept-Encoding, Cookie, Origin"]);
  assert.deepEqual(all(r, "access-control-allow-origin"), [ORIGIN]);
  assert.deepEqual(all(r, "x-fake"), ["a", "b"], "two lines of one name stay two lines");
  assert.equal(r.body, "hello");
});

test("local reply: sent as is, upstream never reached, response callback not run twice", async () => {
  const up = await upstream();
  closers.push(() => up.close());
  const { p, filter } = await proxyTo(up.url);
  const before = filter.responses.length;
  const ok = await request(`${p.url}/x`, { method: "OPTIONS", headers: [["Origin", ORIGIN], ["Access-Control-Request-Method", "PUT"]] });
  assert.equal(ok.status, 200);
  assert.equal(header(ok, "access-control-allow-origin"), ORIGIN);
  assert.deepEqual(all(ok, "vary"), ["Origin", "Access-Control-Request-Method"]);
  assert.equal(header(ok, "content-length"), "0");
  const no = await request(`${p.url}/x`, { method: "OPTIONS", headers: [["Origin", "https://evil.example"], ["Access-Control-Request-Method", "PUT"]] });
  assert.equal(no.status, 403);
  assert.equal(no.body, "Invalid CORS request");
  assert.equal(header(no, "content-type"), "text/plain");
  assert.equal(up.seen.length, 0);
  assert.equal(filter.responses.length, before, "the proxy does not call the response callback for a local reply");
});

test("streams the request body to the upstream and the response body back", async () => {
  let gotFirst!: () => void;
  const firstChunk = new Promise<void>((r) => (gotFirst = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const server = http.createServer((req, res) => {
    req.once("data", () => gotFirst());
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("part1;");
    void released.then(() => res.end("part2"));
    req.resume();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  closers.push(() => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }));
  const port = (server.address() as import("node:net").AddressInfo).port;
  const { p, filter } = await proxyTo(`http://127.0.0.1:${port}`);
  const u = new URL(p.url);
  const received: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const req = http.request({ hostname: u.hostname, port: u.port, path: "/upload", method: "POST", headers: { "transfer-encoding": "chunked" } }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        received.push(c);
        if (c.includes("part1")) release();
      });
      res.on("end", () => resolve());
    });
    req.on("error", reject);
    req.write("chunk-1 ");
    // the upstream sees the first chunk while the client has not finished the body
    void firstChunk.then(() => req.end("chunk-2"));
  });
  await done;
  assert.equal(received.join(""), "part1;part2");
  assert.equal(filter.requests.at(-1)!.endOfStream, false, "a request with a body: no end_of_stream on the headers");
});

test("upstream unreachable: 503 like Envoy, passed through the response callback", async () => {
  const port = await deadPort();
  const { p, filter } = await proxyTo(`http://127.0.0.1:${port}`);
  const r = await request(`${p.url}/`, { headers: [["Origin", ORIGIN]] });
  assert.equal(r.status, 503);
  assert.match(r.body, /upstream connect error/);
  assert.equal(header(r, "access-control-allow-origin"), ORIGIN);
  assert.deepEqual(filter.responses.at(-1)!.headers[0], [":status", "503"]);
});

test("hop-by-hop response headers from the upstream are removed", async () => {
  const raw = await rawUpstream(
    "HTTP/1.1 200 OK\r\nConnection: close, X-Secret-Hop\r\nX-Secret-Hop: 1\r\nKeep-Alive: timeout=5\r\n" +
      "Proxy-Authenticate: Basic\r\nTrailer: X-T\r\nContent-Length: 2\r\nX-Keep: yes\r\n\r\nok",
  );
  closers.push(() => raw.close());
  const { p } = await proxyTo(raw.url);
  const r = await request(`${p.url}/`);
  assert.equal(r.status, 200);
  assert.equal(r.body, "ok");
  for (const h of ["x-secret-hop", "keep-alive", "proxy-authenticate", "trailer"]) assert.equal(header(r, h), undefined, h);
  assert.equal(header(r, "x-keep"), "yes");
});

test("the built-in echo upstream returns the request it saw as JSON", async () => {
  const { p } = await proxyTo(undefined);
  const r = await request(`${p.url}/echo/me?q=1`, { method: "POST", headers: [["X-A", "1"], ["X-A", "2"], ["Content-Type", "text/plain"]], body: "payload" });
  assert.equal(r.status, 200);
  assert.equal(header(r, "content-type"), "application/json");
  const j = JSON.parse(r.body) as { method: string; path: string; headers: Array<[string, string]>; body: string };
  assert.equal(j.method, "POST");
  assert.equal(j.path, "/echo/me?q=1");
  assert.deepEqual(j.headers.filter(([k]) => k === "x-a").map(([, v]) => v), ["1", "2"]);
  assert.equal(j.body, "payload");
});

test("close() resolves `closed`", async () => {
  const filter = new FakeFilter(new Set());
  const p = await startProxy({ filter, port: 0, log: () => {} });
  await p.close();
  await p.closed;
  assert.ok(filter.finished >= 0);
});

test("close() ends an idle keep-alive connection itself instead of waiting for its 5 s keep-alive timeout", async () => {
  const p = await startProxy({ filter: new FakeFilter(new Set()), port: 0, log: () => {} });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const u = new URL(p.url);
  const socket = await new Promise<import("node:net").Socket>((resolve, reject) => {
    const req = http.request({ hostname: u.hostname, port: u.port, path: "/", agent }, (res) => {
      const s = res.socket;
      res.resume();
      res.on("end", () => resolve(s));
    });
    req.on("error", reject);
    req.end();
  });
  // idle now, in the agent's pool, which unrefs it: ref it so that waiting for its close keeps the test alive
  socket.ref();
  const socketClosed = new Promise<void>((r) => socket.once("close", () => r()));
  const started = Date.now();
  await p.close();
  await socketClosed; // closed by the proxy: the agent keeps it open otherwise
  const took = Date.now() - started;
  agent.destroy();
  // Node's server tracks connections only once it has emitted "listening"; untracked, the connection stays
  // open until keepAliveTimeout (5 s) and close() takes that long
  assert.ok(took < 2500, `close() took ${took} ms`);
});

test("absolute-form request target: :authority and :path taken from it, as Envoy does", async () => {
  const up = await upstream();
  closers.push(() => up.close());
  const { p, filter } = await proxyTo(up.url);
  const u = new URL(p.url);
  await new Promise<void>((resolve, reject) => {
    const req = http.request({ hostname: u.hostname, port: u.port, path: "http://api.example.com:8080/a?b=c", headers: { host: "api.example.com:8080" } }, (res) => {
      res.resume();
      res.on("end", () => resolve());
    });
    req.on("error", reject);
    req.end();
  });
  const h = filter.requests.at(-1)!.headers;
  assert.deepEqual(h.slice(0, 2), [[":authority", "api.example.com:8080"], [":path", "/a?b=c"]]);
  assert.equal(up.seen.at(-1)!.url, "/a?b=c");
});
