// examples/README.md shows what a user sees from examples/envoy.yaml. These tests replay its curl commands
// against the dev proxy serving that very file (`serve --config examples/envoy.yaml`) and check every line
// shown; the counters shown for Envoy's admin /stats are checked by replaying the same requests through
// the host. The other examples are served too, with requests their configurations decide.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { join } from "node:path";
import { ROOT, readExample } from "./examples.js";
import { extractConfigs, loadHost, WASM_PATH, type HeaderList } from "./helpers.js";

// ---------------------------------------------------------------------------------------------------------
// the transcript

interface CurlCommand {
  method: string;
  url: URL;
  headers: Array<[string, string]>;
}

interface Exchange {
  command: string;
  curl: CurlCommand;
  statusLine?: string;
  headers: Array<[string, string]>;
  body?: string;
  /** Lines of a stats listing (`name: value`). */
  stats?: Array<[string, number]>;
}

/** Splits a shell command line (single and double quotes, backslash-newline continuations). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (ch === '"') {
      const end = line.indexOf('"', i + 1);
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (ch === "\\" && line[i + 1] === "\n") i++;
    else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

function parseCurl(command: string): CurlCommand {
  const w = shellWords(command);
  assert.equal(w[0], "curl", command);
  let method = "GET";
  let url: URL | undefined;
  const headers: Array<[string, string]> = [];
  for (let i = 1; i < w.length; i++) {
    const a = w[i];
    if (a === "-X") method = w[++i];
    else if (a === "-H") {
      const h = w[++i];
      const c = h.indexOf(":");
      headers.push([h.slice(0, c).trim(), h.slice(c + 1).trim()]);
    } else if (a === "-s" || a === "-i" || a === "-si") continue;
    else if (/^https?:\/\//.test(a)) url = new URL(a);
    else assert.fail(`unsupported curl argument ${a} in: ${command}`);
  }
  assert.ok(url !== undefined, `no URL in: ${command}`);
  return { method, url, headers };
}

export function parseTranscript(markdown: string): Exchange[] {
  const out: Exchange[] = [];
  for (const m of markdown.matchAll(/```console\n([\s\S]*?)```/g)) {
    const lines = m[1].replace(/\n$/, "").split("\n");
    assert.ok(lines[0].startsWith("$ "), `a console block starts with a command: ${lines[0]}`);
    const command = lines[0].slice(2);
    const curl = parseCurl(command);
    const rest = lines.slice(1);
    const ex: Exchange = { command, curl, headers: [] };
    if (curl.url.pathname.startsWith("/stats")) {
      ex.stats = rest.map((l) => {
        const mm = /^(\S+): (\d+)$/.exec(l);
        assert.ok(mm !== null, `a stats line: ${l}`);
        return [mm[1], Number(mm[2])] as [string, number];
      });
      out.push(ex);
      continue;
    }
    ex.statusLine = rest[0];
    let i = 1;
    for (; i < rest.length && rest[i] !== "…" && rest[i] !== ""; i++) {
      const c = rest[i].indexOf(":");
      ex.headers.push([rest[i].slice(0, c).toLowerCase(), rest[i].slice(c + 1).trim()]);
    }
    if (rest[i] === "…") i++;
    if (rest[i] === "" && i + 1 < rest.length) ex.body = rest.slice(i + 1).join("\n");
    out.push(ex);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// the dev proxy

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
});

async function serve(configFile: string, extra: string[] = []): Promise<{ base: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [join(ROOT, "bin", "cors-proxy-wasm.mjs"), "serve", "--config", configFile, "--listen", "127.0.0.1:0", "--wasm", WASM_PATH, ...extra],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let output = "";
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve ${configFile}: not listening after 20 s:\n${output}`)), 20_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ""));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve ${configFile} exited with ${code}:\n${output}`));
    });
  });
  return {
    base,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

interface Response {
  statusLine: string;
  headers: Array<[string, string]>;
  body: string;
}

function request(base: string, method: string, path: string, headers: Array<[string, string]>): Promise<Response> {
  const target = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, method, path, headers: Object.fromEntries(headers.map(([k, v]) => [k, v])), agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const hs: Array<[string, string]> = [];
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) hs.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
          resolve({ statusLine: `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`, headers: hs, body: Buffer.concat(chunks).toString("utf8") });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** The request curl sends for `c` (Host from the URL, curl's default headers). */
function curlHeaders(c: CurlCommand): Array<[string, string]> {
  return [["host", c.url.host], ["user-agent", "curl/8.5.0"], ["accept", "*/*"], ...c.headers];
}

const CORS_HEADER = /^(access-control-|vary$|timing-allow-origin$)/;

function checkResponse(ex: Exchange, res: Response): void {
  const where = `$ ${ex.command}`;
  assert.equal(res.statusLine, ex.statusLine, `${where}: status line`);
  for (const [name, value] of ex.headers) {
    const got = res.headers.filter(([n]) => n === name).map(([, v]) => v);
    assert.deepEqual(got, [value], `${where}: ${name}`);
  }
  const shown = new Set(ex.headers.map(([n]) => n));
  const unshown = res.headers.filter(([n]) => CORS_HEADER.test(n) && !shown.has(n));
  assert.deepEqual(unshown, [], `${where}: CORS headers the transcript does not show`);
  if (ex.body !== undefined) assert.equal(res.body.replace(/\n$/, ""), ex.body, `${where}: body`);
}

const README = "examples/README.md";

test("examples/README.md's transcript parses: requests to :10000, then the counters", () => {
  const exchanges = parseTranscript(readExample(README));
  const proxied = exchanges.filter((e) => e.stats === undefined);
  assert.ok(proxied.length >= 4);
  assert.ok(proxied.some((e) => e.statusLine?.includes(" 403 ")), "shows a rejected origin (403)");
  assert.ok(proxied.some((e) => e.curl.method === "OPTIONS" && e.statusLine?.includes(" 200 ")), "shows a preflight");
  const stats = exchanges.filter((e) => e.stats !== undefined);
  assert.equal(stats.length, 1);
  assert.equal(stats[0].curl.url.port, "9901");
  assert.deepEqual(stats[0].stats!.map(([n]) => n), [
    // Envoy 1.40's /stats keeps its custom-stat namespace (measured: tests/envoy/host-facts.test.ts)
    "wasmcustom.cors.actual_allowed",
    "wasmcustom.cors.actual_rejected",
    "wasmcustom.cors.not_cors",
    "wasmcustom.cors.preflight_allowed",
    "wasmcustom.cors.preflight_rejected",
  ]);
});

test("the dev proxy serving examples/envoy.yaml answers exactly as examples/README.md shows", async () => {
  const exchanges = parseTranscript(readExample(README)).filter((e) => e.stats === undefined);
  const proxy = await serve("examples/envoy.yaml");
  try {
    for (const ex of exchanges) {
      assert.equal(ex.curl.url.port, "10000", ex.command);
      const res = await request(proxy.base, ex.curl.method, ex.curl.url.pathname + ex.curl.url.search, curlHeaders(ex.curl));
      checkResponse(ex, res);
    }
  } finally {
    await proxy.stop();
  }
});

test("the counters examples/README.md shows are what the filter counts for those requests", async () => {
  const exchanges = parseTranscript(readExample(README));
  const [config] = extractConfigs("examples/envoy.yaml");
  const host = await loadHost({ profile: "envoy", pluginName: "cors" });
  assert.ok(host.configure(config.text));
  for (const ex of exchanges) {
    if (ex.stats !== undefined) {
      for (const [name, value] of ex.stats) assert.equal(host.metric(name), value, `${name} after the requests above`);
      continue;
    }
    const c = ex.curl;
    const headers: HeaderList = [
      [":method", c.method],
      [":path", c.url.pathname + c.url.search],
      [":authority", c.url.host],
      [":scheme", "http"],
      ...curlHeaders(c).filter(([n]) => n !== "host"),
    ];
    const s = host.newStream();
    const outcome = s.requestHeaders(headers, true);
    if (outcome.kind === "continue") s.responseHeaders([[":status", "200"], ["content-type", "application/json"]], false);
    s.finish();
  }
});

// ---------------------------------------------------------------------------------------------------------
// the other examples, served directly

interface Probe {
  what: string;
  method: string;
  headers: Array<[string, string]>;
  status: number;
  /** Expected Access-Control-Allow-Origin (null: none). */
  acao: string | null;
  more?: Array<[string, string]>;
}

const preflight = (origin: string, method: string, host = "www.example.net", acrh?: string): Array<[string, string]> => [
  ["host", host],
  ["origin", origin],
  ["access-control-request-method", method],
  ...(acrh !== undefined ? ([["access-control-request-headers", acrh]] as Array<[string, string]>) : []),
];

const SERVED: Array<{ file: string; args?: string[]; probes: Probe[] }> = [
  {
    // Higress's documentation requests, on the route of its Ingress
    file: "examples/k8s/higress/wasmplugin.yaml",
    args: ["--route-name", "ingress-cors-httpbin"],
    probes: [
      {
        what: "preflight from a pattern origin with a listed port",
        method: "OPTIONS",
        headers: preflight("http://httpbin2.example.org:9090", "POST", "httpbin.example.com", "Content-Type, Token"),
        status: 200,
        acao: "http://httpbin2.example.org:9090",
        more: [["access-control-allow-credentials", "true"], ["access-control-max-age", "3600"]],
      },
      {
        what: "preflight from the same host without one of the listed ports",
        method: "OPTIONS",
        headers: preflight("http://httpbin2.example.org", "GET", "httpbin.example.com"),
        status: 403,
        acao: null,
      },
      {
        what: "preflight for a method the rule does not allow",
        method: "OPTIONS",
        headers: preflight("http://httpbin2.example.org:9090", "DELETE", "httpbin.example.com"),
        status: 403,
        acao: null,
      },
    ],
  },
  {
    // no route name: the domain rule, else defaultConfig
    file: "examples/k8s/higress/wasmplugin.yaml",
    probes: [
      {
        what: "defaultConfig: its origin",
        method: "OPTIONS",
        headers: preflight("https://console.example.com", "POST", "shop.example.net"),
        status: 200,
        acao: "https://console.example.com",
      },
      {
        what: "domain rule: a pattern origin",
        method: "OPTIONS",
        headers: preflight("https://www.example.org", "PUT", "eu.api.example.org"),
        status: 200,
        acao: "https://www.example.org",
      },
      {
        what: "domain rule: it does not inherit defaultConfig's origin",
        method: "OPTIONS",
        headers: preflight("https://console.example.com", "PUT", "eu.api.example.org"),
        status: 403,
        acao: null,
      },
    ],
  },
  {
    file: "examples/k8s/istio/wasmplugin.yaml",
    probes: [
      {
        what: "preflight from a listed origin",
        method: "OPTIONS",
        headers: preflight("https://admin.example.com", "PATCH"),
        status: 200,
        acao: "https://admin.example.com",
        more: [["access-control-max-age", "3600"]],
      },
      { what: "preflight from another origin", method: "OPTIONS", headers: preflight("https://evil.example", "PATCH"), status: 403, acao: null },
    ],
  },
  {
    file: "examples/k8s/envoy-gateway/envoyextensionpolicy.yaml",
    probes: [
      {
        what: "actual request from a regex origin",
        method: "GET",
        headers: [["host", "www.example.com"], ["origin", "https://pr-42.review.example.com"]],
        status: 200,
        acao: "https://pr-42.review.example.com",
      },
      {
        what: "actual request from an origin the regex does not match",
        method: "GET",
        headers: [["host", "www.example.com"], ["origin", "https://pr-x.review.example.com"]],
        status: 200,
        acao: null,
      },
    ],
  },
];

for (const s of SERVED) {
  test(`the dev proxy serves ${s.file}${s.args ? " " + s.args.join(" ") : ""} as its configuration says`, async () => {
    const proxy = await serve(s.file, s.args);
    try {
      for (const p of s.probes) {
        const res = await request(proxy.base, p.method, "/anything", p.headers);
        const where = `${s.file}: ${p.what}`;
        assert.equal(res.statusLine.split(" ")[1], String(p.status), `${where}: status`);
        const acao = res.headers.filter(([n]) => n === "access-control-allow-origin").map(([, v]) => v);
        assert.deepEqual(acao, p.acao === null ? [] : [p.acao], `${where}: access-control-allow-origin`);
        for (const [n, v] of p.more ?? []) {
          assert.deepEqual(res.headers.filter(([k]) => k === n).map(([, x]) => x), [v], `${where}: ${n}`);
        }
      }
    } finally {
      await proxy.stop();
    }
  });
}
