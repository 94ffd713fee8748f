// The host facts of docs/host.md that can be seen from outside, shown by real Envoy: the probe fixtures of
// tests/host/ (tests/fixtures/*.ts) loaded into the pinned Envoy, their log lines read from Envoy's log (the
// `wasm` component at trace, so the probe's "cb <callback>" lines show), what clients receive, the response
// code details from an access log, /stats, and load refusals from file-based LDS updates (Envoy builds the
// plugin exactly as at startup and NACKs it: the message is the one a refused startup prints).
// Every expectation here is the value docs/host.md states and tests/host/ asserts of the Node host.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrap, ldsFile, parseLogLine, startEnvoy, type Listener, type RunningEnvoy, type WasmPlugin } from "../../src/envoy/index.js";
import { ROOT, loadError } from "../host/helpers.js";
import { requestBytes, sendRaw, type Lines, type RawResponse } from "./raw-http.js";
import { CASE_HEADER, startScriptedUpstream, type ScriptedUpstream, type UpstreamAnswer } from "./upstream.js";

const fixture = (name: string) => join(ROOT, "build", "fixtures", `${name}.wasm`);
const ACCESS = `ACCESS %REQ(${CASE_HEADER})% %RESPONSE_CODE% %RESPONSE_CODE_DETAILS%\n`;

interface Probe {
  name: string;
  script: string;
  plugin?: Partial<WasmPlugin>;
  routeName?: string;
  cluster?: string;
}

// each probe in its own VM (vm_id = its name): the probe keeps its script in globals
const probes: Probe[] = [
  { name: "order", script: "", plugin: { vmConfiguration: "# vm" } },
  {
    name: "buffers",
    script: "configure buf 7 0 100\nrequest buf 7 0 100\nresponse buf 7 0 100\nconfigure buf 7 0 0\nconfigure buf 7 500 4\nconfigure buf 9 0 4",
    plugin: { vmConfiguration: "vm_start buf 7 0 100\nroot_create buf 7 0 5\nvm_start buf 6 0 8" },
  },
  {
    name: "windows",
    script: ["response get req origin", "response pairs req", "response add req x-late 1", "done get req origin", "log get req origin",
      "done get resp :status", "log get resp :status", "request get resp :status", "delete get req origin"].join("\n"),
  },
  {
    name: "maps",
    script: ["request get req :method", "request get req :authority", "request get req X-CUSTOM", "request get req x-missing",
      "request get req origin", "request get req x-forwarded-proto", "request get req x-empty", "request get 9 origin",
      "request get 1 x", "request get 3 x", "request add 8 x y", "request pairs 42", "request effective 999", "request effective root",
      "request get req :path"].join("\n"),
  },
  {
    name: "edits",
    script: "request add req x-to-upstream 1\nresponse replace resp x-up changed\nresponse add resp vary Origin\nresponse add resp x-new a\nresponse add resp x-new b",
  },
  { name: "local", script: "request local 403 cors~forbidden Invalid~CORS~request x-a=1 x-a=2\nresponse pairs resp\nresponse add resp x-from-response-phase yes\nresponse get req origin" },
  { name: "localempty", script: "request local 204 cors~preflight~ok -" },
  { name: "localjson", script: "request local 403 x {} content-type=application/json" },
  { name: "deferred", script: "request local 200 cors_preflight - x-a=1\nrequest log 2 after-local\nrequest return 0" },
  { name: "fromresponse", script: "response local 502 from_response oops" },
  { name: "fromcreate", script: "create local 429 early -" },
  { name: "twice", script: "request local 401 a -\nrequest local 402 b -" },
  { name: "second", script: "request local 403 first - x-a=1\nresponse local 500 second -" },
  { name: "rootlocal", script: "configure local 403 x -" },
  {
    name: "props",
    script: ["xds/route_name", "xds/cluster_name", "plugin_name", "plugin_root_id", "plugin_vm_id", "route_name", "cluster_name",
      "xds/nothing", "nothing", "request/path", "request/url_path", "request/host", "request/method", "request/scheme"].map((p) => `request prop ${p}`).join("\n"),
    plugin: { rootId: "cors_root" },
    routeName: "default/foo",
    cluster: "outbound|80||svc.default.svc.cluster.local",
  },
  { name: "metrics", script: "configure metric 0 cors.not_cors\nconfigure metric 1 cors.gauge\nconfigure metric 2 cors.hist\nrequest inc cors.not_cors 1" },
  { name: "levels", script: "configure logstatus 5 crit\nconfigure logstatus 6 off\nconfigure logstatus 9 nine\nconfigure logstatus -1 neg\nrequest log 2 from-stream" },
  { name: "trapclosed", script: "request trapif x-trap\nrequest add req x-probe 1" },
  { name: "trapopen", script: "request trapif x-trap\nrequest add req x-probe 1", plugin: { failurePolicy: "FAIL_OPEN" } },
  { name: "traprespopen", script: "response trap", plugin: { failurePolicy: "FAIL_OPEN" } },
  { name: "traplocal", script: "request local 200 ok -\nresponse trap" },
  { name: "exit", script: "request exit\nrequest add req x-after 1" },
];

function probeListener(p: Probe): Listener {
  return {
    name: p.name,
    port: 0,
    cluster: p.cluster ?? "upstream",
    routeName: p.routeName,
    accessLog: ACCESS,
    plugin: { name: p.name, vmId: p.name, wasm: fixture("probe"), configuration: p.script, ...p.plugin },
  };
}

let envoy: RunningEnvoy;
let upstream: ScriptedUpstream;
let ports: Record<string, { host: string; port: number }>;
const work = mkdtempSync(join(tmpdir(), "cors-envoy-facts-"));
const lds = join(work, "lds.json");

before(async () => {
  upstream = await startScriptedUpstream();
  writeFileSync(lds, JSON.stringify(ldsFile([])));
  const clusters = [...new Set(["upstream", ...probes.map((p) => p.cluster ?? "upstream")])];
  envoy = await startEnvoy(
    bootstrap({
      admin: { port: 0 },
      listeners: probes.map(probeListener),
      ldsPath: lds,
      clusters: clusters.map((name) => ({ name, host: upstream.host, port: upstream.port })),
    }),
    { args: ["--component-log-level", "wasm:trace", "--file-flush-interval-msec", "10"] },
  );
  ports = await envoy.listeners();
});
after(async () => {
  await envoy?.stop();
  await upstream?.close();
  rmSync(work, { recursive: true, force: true });
});

let sent = 0;
interface Sent extends RawResponse {
  tag: string;
  reachesUpstream: boolean;
  upstreamRequest?: Lines;
}

/** A request to the probe `name` (GET / with Host and Origin unless `lines` says otherwise). */
async function send(name: string, opts: { method?: string; path?: string; lines?: Lines; upstream?: UpstreamAnswer } = {}): Promise<Sent> {
  const tag = `${name}:${++sent}`;
  if (opts.upstream) upstream.answers.set(String(sent), opts.upstream);
  const lines: Lines = opts.lines ?? [["Host", "api.example.com"], ["Origin", "https://a"]];
  const r = await sendRaw({ host: "127.0.0.1", port: ports[name].port }, requestBytes(opts.method ?? "GET", opts.path ?? "/", [...lines, [CASE_HEADER, tag]]));
  return { ...r, tag, reachesUpstream: upstream.seen.has(tag), upstreamRequest: upstream.lastRequest.get(tag) };
}

interface ModuleLine {
  level: string;
  prefix: string;
  message: string;
}

/** The module's log lines (`wasm log<prefix>: <message>`) in `log` (by default all Envoy printed so far), read
 *  by src/envoy's parser: these tests are also its test against real Envoy. */
function moduleLines(log: string = envoy.log()): ModuleLine[] {
  const out: ModuleLine[] = [];
  for (const raw of log.split("\n")) {
    const l = parseLogLine(raw);
    if (l !== null && l.prefix !== null) out.push({ level: l.level, prefix: l.prefix, message: l.message! });
  }
  return out;
}

/** Lines of the probe `name`'s stream contexts (prefix "<plugin> <vm>", both its name) or root contexts ("<vm>"). */
function streamLines(name: string): string[] {
  return moduleLines().filter((l) => l.prefix === `${name} ${name}`).map((l) => l.message);
}
function rootLines(name: string): string[] {
  return moduleLines().filter((l) => l.prefix === name).map((l) => l.message);
}

/** The probe's result for an op ("<phase> <op> <args> -> <result>"): every distinct value seen. */
function results(lines: string[], op: string): string[] {
  const p = `${op} -> `;
  return [...new Set(lines.filter((l) => l.startsWith(p)).map((l) => l.slice(p.length)))];
}
function result(lines: string[], op: string): string {
  const r = results(lines, op);
  assert.equal(r.length, 1, `one result for "${op}", got ${JSON.stringify(r)}\n${lines.join("\n")}`);
  return r[0];
}

/** Waits until `f()` is true (Envoy's access log is flushed every 10 ms, its app log as written). */
async function eventually(f: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `%RESPONSE_CODE% %RESPONSE_CODE_DETAILS%` of a request, from the access log. */
async function details(tag: string): Promise<string> {
  const re = new RegExp(`^ACCESS ${tag.replace(/[|\\]/g, "\\$&")} (.*)$`, "m");
  await eventually(() => re.test(envoy.log()), `the access log line of ${tag}`);
  return re.exec(envoy.log())![1];
}

/** Waits until `n` streams of the probe `name` ended (proxy_on_delete is the last callback of a stream). */
async function settled(name: string, n = 1): Promise<void> {
  await eventually(() => streamLines(name).filter((l) => l.startsWith("cb proxy_on_delete")).length >= n, `${n} stream(s) of ${name} to end`);
}

function header(r: RawResponse, name: string): string[] {
  return r.headers.filter(([n]) => n === name).map(([, v]) => v);
}

describe("root context and configuration (docs/host.md: Root context and configuration)", () => {
  test("context_create(root, 0), vm_start(root, vmConfigSize), configure(root, size), in that order", () => {
    const cbs = rootLines("order").filter((l) => l.startsWith("cb "));
    assert.deepEqual(cbs.slice(0, 3), ["cb proxy_on_context_create 1 0", "cb proxy_on_vm_start 1 4", "cb proxy_on_configure 1 0"]);
  });

  test("the plugin configuration is readable in proxy_on_configure and the root proxy_on_context_create, NOT_FOUND in proxy_on_vm_start and the stream callbacks; the VM configuration is readable", async () => {
    await send("buffers");
    await settled("buffers");
    const root = rootLines("buffers");
    const script = probes.find((p) => p.name === "buffers")!.script;
    assert.equal(result(root, "configure buf 7 0 100"), `0 ptr=set size=${Math.min(100, script.length)} data=${script}`.split("\n")[0]);
    assert.equal(result(root, "root_create buf 7 0 5"), "0 ptr=set size=5 data=confi");
    assert.equal(result(root, "vm_start buf 7 0 100"), "1 ptr=untouched size=untouched data=");
    assert.equal(result(root, "vm_start buf 6 0 8"), "0 ptr=set size=8 data=vm_start");
    assert.equal(result(root, "configure buf 7 0 0"), "0 ptr=0 size=0 data=");
    assert.equal(result(root, "configure buf 7 500 4"), "0 ptr=0 size=0 data=");
    assert.equal(result(root, "configure buf 9 0 4"), "2 ptr=untouched size=untouched data=");
    const stream = streamLines("buffers");
    assert.equal(result(stream, "request buf 7 0 100"), "1 ptr=untouched size=untouched data=");
    assert.equal(result(stream, "response buf 7 0 100"), "1 ptr=untouched size=untouched data=");
  });

  test("proxy_send_local_response from the root context returns OK and Envoy starts", () => {
    assert.equal(result(rootLines("rootlocal"), "configure local 403 x -"), "0");
  });
});

describe("streams and header maps (docs/host.md: Streams and header maps)", () => {
  test("per request: context_create(ctx, root), request_headers(ctx, n, eos), response_headers, log, done, delete", async () => {
    const r = await send("order");
    assert.equal(r.status, 200);
    await settled("order");
    const cbs = streamLines("order").filter((l) => l.startsWith("cb "));
    const id = /^cb proxy_on_context_create (\d+) 1$/.exec(cbs[0])?.[1];
    assert.ok(id, cbs.join("\n"));
    assert.equal(cbs.length, 6, cbs.join("\n"));
    assert.match(cbs[1], new RegExp(`^cb proxy_on_request_headers ${id} \\d+ 1$`));
    assert.match(cbs[2], new RegExp(`^cb proxy_on_response_headers ${id} \\d+ 1$`));
    assert.deepEqual(cbs.slice(3), [`cb proxy_on_log ${id}`, `cb proxy_on_done ${id}`, `cb proxy_on_delete ${id}`]);
  });

  test("request headers BAD_ARGUMENT once proxy_on_request_headers returned Continue, readable again in on_log (not in on_done); response headers likewise", async () => {
    await send("windows");
    await settled("windows");
    const l = streamLines("windows");
    assert.equal(result(l, "response get req origin"), "2 ");
    assert.equal(result(l, "response pairs req"), "0 0", "pairs of a map that is not available: OK, none");
    assert.equal(result(l, "response add req x-late 1"), "2");
    assert.equal(result(l, "log get req origin"), "0 https://a");
    assert.equal(result(l, "log get resp :status"), "0 200");
    assert.equal(result(l, "done get req origin"), "2 ");
    assert.equal(result(l, "done get resp :status"), "2 ");
    assert.equal(result(l, "delete get req origin"), "2 ");
    assert.equal(result(l, "request get resp :status"), "2 ");
  });

  test("pseudo-headers; lookups case-insensitive; missing → NOT_FOUND; values trimmed, empty kept; inline headers joined without empty lines; unknown maps BAD_ARGUMENT; set_effective_context", async () => {
    await send("maps", {
      lines: [["Host", "api.example.com"], ["X-Custom", "v1"], ["x-custom", "v2"], ["Origin", ""], ["Origin", " \t https://a \t"],
        ["X-Forwarded-Proto", "https"], ["x-forwarded-proto", "http"], ["X-Empty", "   "]],
    });
    // after proxy_set_effective_context(root) the probe's lines carry the root context's prefix
    await eventually(() => rootLines("maps").some((l) => l.startsWith("request get req :path")), "the request callback");
    const l = [...streamLines("maps"), ...rootLines("maps")];
    assert.equal(result(l, "request get req :method"), "0 GET");
    assert.equal(result(l, "request get req :authority"), "0 api.example.com");
    assert.equal(result(l, "request get req X-CUSTOM"), "0 v1");
    assert.equal(result(l, "request get req x-missing"), "1 ");
    assert.equal(result(l, "request get req origin"), "0 https://a");
    assert.equal(result(l, "request get req x-forwarded-proto"), "0 https,http");
    assert.equal(result(l, "request get req x-empty"), "0 ");
    for (const op of ["request get 9 origin", "request get 1 x", "request get 3 x"]) assert.equal(result(l, op), "2 ", op);
    assert.equal(result(l, "request add 8 x y"), "2");
    assert.equal(result(l, "request pairs 42"), "2");
    assert.equal(result(l, "request effective 999"), "2");
    assert.equal(result(l, "request effective root"), "0");
    assert.equal(result(l, "request get req :path"), "2 ", "the root context has no request headers");
  });

  test("replace moves the header to the end; add appends to an inline header (vary) and adds a line to others; request changes reach the upstream", async () => {
    const r = await send("edits", { upstream: { status: 200, headers: [["x-up", "1"], ["vary", "accept"]] } });
    assert.deepEqual(header(r, "vary"), ["accept,Origin"]);
    assert.deepEqual(header(r, "x-up"), ["changed"]);
    assert.deepEqual(header(r, "x-new"), ["a", "b"]);
    assert.ok(r.upstreamRequest!.some(([n, v]) => n === "x-to-upstream" && v === "1"));
  });
});

describe("local replies (docs/host.md: Local replies)", () => {
  test("the reply passes through the same filter's proxy_on_response_headers with :status, the given headers, content-length and content-type text/plain; its changes reach the client; details spaces → _", async () => {
    const r = await send("local");
    await settled("local");
    assert.equal(r.status, 403);
    assert.equal(r.body, "Invalid CORS request");
    assert.equal(r.reachesUpstream, false);
    assert.deepEqual(header(r, "x-a"), ["1", "2"]);
    assert.deepEqual(header(r, "content-type"), ["text/plain"]);
    assert.deepEqual(header(r, "x-from-response-phase"), ["yes"]);
    const l = streamLines("local");
    assert.equal(result(l, "response pairs resp"), "0 5 :status=403|x-a=1|x-a=2|content-length=20|content-type=text/plain");
    assert.equal(result(l, "response get req origin"), "0 https://a", "request headers are readable in the reply's response callback");
    assert.equal(await details(r.tag), "403 cors_forbidden");
  });

  test("an empty body gets no content-type; a module content-type is kept", async () => {
    const empty = await send("localempty");
    assert.equal(empty.status, 204);
    assert.deepEqual(header(empty, "content-type"), []);
    assert.equal(await details(empty.tag), "204 cors_preflight_ok");
    const json = await send("localjson");
    assert.deepEqual(header(json, "content-type"), ["application/json"]);
    assert.equal(json.body, "{}");
  });

  test("deferred until the callback returns (the rest of it runs), Continue forced to Stop, the upstream not reached", async () => {
    const r = await send("deferred");
    await settled("deferred");
    assert.equal(r.status, 200);
    assert.equal(r.reachesUpstream, false);
    const l = streamLines("deferred");
    const iLocal = l.indexOf("request local 200 cors_preflight - x-a=1 -> 0");
    const iAfter = l.indexOf("after-local");
    const iResp = l.findIndex((m) => m.startsWith("cb proxy_on_response_headers"));
    assert.ok(iLocal >= 0 && iLocal < iAfter && iAfter < iResp, l.join("\n"));
  });

  test("a local reply from the response phase replaces the upstream response without re-entering the filter", async () => {
    const r = await send("fromresponse");
    await settled("fromresponse");
    assert.equal(r.status, 502);
    assert.equal(r.body, "oops");
    assert.deepEqual(header(r, "content-type"), ["text/plain"]);
    assert.equal(streamLines("fromresponse").filter((l) => l.startsWith("cb proxy_on_response_headers")).length, 1);
  });

  test("a local reply from the stream's proxy_on_context_create is sent after proxy_on_request_headers ran", async () => {
    const r = await send("fromcreate");
    await settled("fromcreate");
    assert.equal(r.status, 429);
    const cbs = streamLines("fromcreate").filter((l) => l.startsWith("cb "));
    assert.match(cbs[1] ?? "", /^cb proxy_on_request_headers \d+ \d+ 1$/, cbs.join("\n"));
    assert.match(cbs[2] ?? "", /^cb proxy_on_response_headers \d+ 1 1$/, cbs.join("\n"));
  });

  test("two local replies in one callback: the first wins", async () => {
    const r = await send("twice");
    assert.equal(r.status, 401);
  });

  test("a second local reply from the response callback of a local reply replaces it, without re-entering the filter", async () => {
    const r = await send("second");
    await settled("second");
    assert.equal(r.status, 500);
    assert.deepEqual(header(r, "x-a"), []);
    assert.equal(await details(r.tag), "500 second");
    assert.equal(streamLines("second").filter((l) => l.startsWith("cb proxy_on_response_headers")).length, 1);
  });
});

describe("properties (docs/host.md: Properties)", () => {
  test("xds.route_name, xds.cluster_name, plugin_name, plugin_root_id, plugin_vm_id, request.*; no top-level route_name / cluster_name", async () => {
    await send("props", { path: "/a/b?q=1" });
    await eventually(() => moduleLines().some((l) => l.message.startsWith("request prop request/scheme")), "the request callback");
    const l = moduleLines().filter((m) => m.prefix === "props cors_root props").map((m) => m.message);
    const got = (p: string) => result(l, `request prop ${p}`);
    assert.equal(got("xds/route_name"), "0 default/foo");
    assert.equal(got("xds/cluster_name"), "0 outbound|80||svc.default.svc.cluster.local");
    assert.equal(got("plugin_name"), "0 props");
    assert.equal(got("plugin_root_id"), "0 cors_root");
    assert.equal(got("plugin_vm_id"), "0 props");
    assert.equal(got("route_name"), "1 ");
    assert.equal(got("cluster_name"), "1 ");
    assert.equal(got("xds/nothing"), "1 ");
    assert.equal(got("nothing"), "1 ");
    assert.equal(got("request/path"), "0 /a/b?q=1");
    assert.equal(got("request/url_path"), "0 /a/b");
    assert.equal(got("request/host"), "0 api.example.com");
    assert.equal(got("request/method"), "0 GET");
    assert.equal(got("request/scheme"), "0 http");
  });
});

describe("metrics and logs (docs/host.md: Metrics, Failure)", () => {
  test("ids carry the type in the low 2 bits; /stats shows wasmcustom.<name>; Prometheus strips the namespace and adds no envoy_", async () => {
    const root = rootLines("metrics");
    assert.equal(result(root, "configure metric 0 cors.not_cors"), "0 4");
    assert.equal(result(root, "configure metric 1 cors.gauge"), "0 5");
    assert.equal(result(root, "configure metric 2 cors.hist"), "0 6");
    await send("metrics");
    await send("metrics");
    const stats = await envoy.stats("cors\\.");
    assert.equal(stats.get("wasmcustom.cors.not_cors"), 2);
    assert.equal(stats.get("cors.not_cors"), undefined);
    const text = (await envoy.admin("/stats?filter=cors\\.not_cors")).body;
    assert.match(text, /^wasmcustom\.cors\.not_cors: 2$/m);
    const prom = (await envoy.admin("/stats/prometheus")).body;
    assert.match(prom, /^# TYPE cors_not_cors counter\ncors_not_cors\{\} 2$/m);
    assert.match(prom, /^# TYPE cors_gauge gauge\ncors_gauge\{\} 0$/m);
  });

  test("the metrics fixture: Envoy's ids and statuses for define / increment / record / get", async () => {
    // its own LDS listener (and VM); its lines are the first configure's
    const out = await ldsApply([{ name: "metricsfx", port: 0, cluster: "upstream", plugin: { name: "metricsfx", vmId: "metricsfx", wasm: fixture("metrics"), configuration: "" } }]);
    assert.equal(out.rejected, false);
    const m = moduleLines().filter((l) => l.prefix === "metricsfx").map((l) => l.message);
    for (const line of ["define 0 fixture.requests -> 0 4", "define 0 fixture.requests -> 0 8", "define 1 fixture.gauge -> 0 5", "define 2 fixture.hist -> 0 6",
      "define 3 fixture.bad -> 2 0", "inc counter 0 -> 2", "inc counter -1 -> 2", "inc counter 2 -> 0", "inc again 3 -> 0", "inc gauge 5 -> 0",
      "inc gauge -2 -> 0", "inc hist 1 -> 2", "inc unknown 1 -> 1", "record hist 7 -> 0", "get counter -> 0 5", "get gauge -> 0 3", "get hist -> 2 0"]) {
      assert.ok(m.includes(line), `missing "${line}" in\n${m.join("\n")}`);
    }
    assert.equal(m.find((l) => l.startsWith("get counter")), "get counter -> 0 5", "both ids count into one stat");
  });

  test("proxy_log: levels 0–5 logged at their level; above critical (or negative) BAD_ARGUMENT and dropped", () => {
    const levels = moduleLines().filter((l) => l.prefix === "levels");
    assert.ok(levels.some((l) => l.level === "critical" && l.message === "crit"));
    const root = levels.map((l) => l.message);
    assert.equal(result(root, "configure logstatus 5 crit"), "0");
    for (const op of ["6 off", "9 nine", "-1 neg"]) {
      assert.equal(result(root, `configure logstatus ${op}`), "2", op);
      assert.ok(!root.includes(op.split(" ")[1]), `${op}: dropped`);
    }
  });

  test("log prefix: a stream context's lines carry plugin name, root id and vm id; a root context's root id and vm id; empty parts left out", async () => {
    await send("levels");
    await eventually(() => moduleLines().some((l) => l.message === "from-stream"), "the stream's line");
    assert.equal(moduleLines().find((l) => l.message === "from-stream")!.prefix, "levels levels");
    assert.ok(moduleLines().some((l) => l.prefix === "levels" && l.message === "crit"));
    assert.ok(moduleLines().some((l) => l.prefix === "props cors_root props"));
    assert.ok(moduleLines().some((l) => l.prefix === "cors_root props" && l.message.startsWith("cb proxy_on_configure")));
  });
});

describe("failure (docs/host.md: Failure)", () => {
  test("FAIL_CLOSED: the trapping request and every later one get a local 503, details wasm_fail_stream, empty body", async () => {
    const ok = await send("trapclosed");
    assert.equal(ok.status, 200);
    const trapped = await send("trapclosed", { lines: [["Host", "h"], ["x-trap", "1"]] });
    assert.deepEqual([trapped.status, trapped.body, trapped.reachesUpstream], [503, "", false]);
    assert.equal(await details(trapped.tag), "503 wasm_fail_stream");
    assert.match(envoy.log(), /Function: proxy_on_request_headers failed: Uncaught RuntimeError: unreachable/);
    const later = await send("trapclosed");
    assert.deepEqual([later.status, later.reachesUpstream], [503, false]);
    assert.equal(await details(later.tag), "503 wasm_fail_stream");
  });

  test("FAIL_OPEN: the trapping request still gets the 503; later requests pass untouched (the filter no longer runs)", async () => {
    const trapped = await send("trapopen", { lines: [["Host", "h"], ["x-trap", "1"]] });
    assert.deepEqual([trapped.status, trapped.reachesUpstream], [503, false]);
    assert.equal(await details(trapped.tag), "503 wasm_fail_stream");
    const later = await send("trapopen");
    assert.deepEqual([later.status, later.reachesUpstream], [200, true]);
    assert.ok(!later.upstreamRequest!.some(([n]) => n === "x-probe"), "the filter no longer runs");
  });

  test("a trap in the response phase (even FAIL_OPEN) or in a local reply's response callback → the 503", async () => {
    const resp = await send("traprespopen");
    assert.equal(resp.status, 503);
    assert.equal(await details(resp.tag), "503 wasm_fail_stream");
    const local = await send("traplocal");
    assert.equal(local.status, 503);
    assert.equal(await details(local.tag), "503 wasm_fail_stream");
  });

  test("wasi proc_exit returns: the callback runs on and the request passes", async () => {
    const r = await send("exit");
    assert.deepEqual([r.status, r.reachesUpstream], [200, true]);
    assert.ok(r.upstreamRequest!.some(([n]) => n === "x-after"), "the callback went on after proc_exit");
  });
});

// Load refusals and start functions: each fixture as its own LDS update, so the lines are its own.
async function ldsApply(listeners: Listener[]): Promise<{ rejected: boolean; log: string }> {
  const from = envoy.log().length;
  const rejected = (await envoy.updateListeners(lds, listeners)) === "rejected";
  // the admin may answer before Envoy's log lines of the update have been read from its stderr
  const marker = rejected ? "Filesystem config update rejected" : `lds: add/update listener '${listeners[0].name}'`;
  await eventually(() => envoy.log().slice(from).includes(marker), `"${marker}" in Envoy's log`);
  return { rejected, log: envoy.log().slice(from) };
}
const fixtureListener = (name: string): Listener => ({
  name: `fx-${name}`, port: 0, cluster: "upstream", plugin: { name, vmId: name, wasm: fixture(name), configuration: "" },
});

describe("load and start (docs/host.md: Loading and linking, Start)", () => {
  for (const name of ["no_abi", "no_malloc", "import_x", "import_mismatch", "imported_global", "abi021_continue_request", "bad_signature", "start_hostcall"]) {
    test(`${name}: refused with the host's message`, async () => {
      const want = await loadError(name);
      const out = await ldsApply([fixtureListener(name)]);
      assert.equal(out.rejected, true, `${name} was not refused`);
      assert.ok(out.log.includes(want), `Envoy's log does not say ${JSON.stringify(want)}:\n${out.log.split("\n").filter((l) => /wasm/.test(l)).join("\n")}`);
      assert.ok(out.log.includes(`lds: listener 'fx-${name}' config rejected`));
    });
  }

  for (const name of ["poma_only", "abi010_continue_request", "wasi_unstable", "kong_missing"]) {
    test(`${name}: loads`, async () => {
      const out = await ldsApply([fixtureListener(name)]);
      assert.equal(out.rejected, false, out.log);
    });
  }

  test("start: _initialize then main(0, 0); _start only without _initialize; proxy_log and fd_write (info) allowed, lines without a prefix", async () => {
    const main = await ldsApply([fixtureListener("start_main")]);
    assert.equal(main.rejected, false);
    const startLines = (log: string) => moduleLines(log).filter((l) => l.level === "info" && l.prefix === "").map((l) => l.message);
    assert.deepEqual(startLines(main.log).slice(0, 2), ["_initialize", "main 0 0"]);
    // Envoy starts the workers' copies of a VM after the listener update is in, so the start lines of the
    // previous fixture can still land in the next update's window (seen under load): keep each fixture's own.
    const fromMain = new Set(["_initialize", "main 0 0"]);
    const only = await ldsApply([fixtureListener("start_only")]);
    assert.deepEqual(startLines(only.log).filter((l) => !fromMain.has(l)).slice(0, 1), ["top level via _start"]);
    const log = await ldsApply([fixtureListener("start_log")]);
    const fromEarlier = new Set([...fromMain, "top level via _start"]);
    assert.deepEqual(startLines(log.log).filter((l) => !fromEarlier.has(l)).slice(0, 2), ["start: proxy_log works, clock_time_get=0", "start: stdout line"]);
  });

  test("a trap in proxy_on_configure rejects the configuration", async () => {
    const out = await ldsApply([{ name: "fx-configtrap", port: 0, cluster: "upstream", plugin: { name: "configtrap", vmId: "configtrap", wasm: fixture("probe"), configuration: "configure trap" } }]);
    assert.equal(out.rejected, true);
    assert.match(out.log, /Function: proxy_on_configure failed: Uncaught RuntimeError: unreachable/);
  });

  test("proxy_on_configure returning false rejects the configuration; proxy_on_vm_start returning false fails the VM start", async () => {
    const cfg = await ldsApply([{ name: "fx-cfgfalse", port: 0, cluster: "upstream", plugin: { name: "cfgfalse", vmId: "cfgfalse", wasm: fixture("probe"), configuration: "configure return 0" } }]);
    assert.equal(cfg.rejected, true);
    const vm = await ldsApply([{ name: "fx-vmfalse", port: 0, cluster: "upstream", plugin: { name: "vmfalse", vmId: "vmfalse", wasm: fixture("probe"), configuration: "", vmConfiguration: "vm_start return 0" } }]);
    assert.equal(vm.rejected, true);
    assert.ok(!moduleLines().some((l) => l.prefix === "vmfalse" && l.message.startsWith("cb proxy_on_configure")), "proxy_on_configure is not called");
  });
});
