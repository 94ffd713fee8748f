// Host-call ablations in real Envoy (issue #9 §3; `make bench-ablation`): what each host call costs. One Envoy
// (--concurrency 1) with one listener per setup, every route answering with Envoy's direct_response (no upstream
// hop, so the filter's share of the request is as large as it gets): no filter, Envoy's native CORS filter, floor
// F1 (no-op), floor F2 (read origin and :method, add ACAO and Vary), F2 plus one more host call each
// (bench/floors/ablation.ts), and this filter. Two measures:
//   - CPU µs per request (default): wrk on each listener in turn, interleaved rounds, Envoy's utime+stime from /proc
//     over the round ÷ requests; median of the rounds. Noisy on a shared machine: compare within one run.
//   - instructions per request (ABLATION_CALLGRIND=1): the same Envoy under `valgrind --tool=callgrind
//     --smc-check=all` (V8 generates code), counters zeroed, then exactly ABLATION_REQUESTS requests on one
//     keep-alive connection, dumped; deterministic to ~0.5 %.
// Writes build/bench/ablation.{json,md}. Settings: BENCH_ROUNDS (5), BENCH_SECONDS (2), BENCH_CONNECTIONS (16),
// ABLATION_REQUESTS (1000), ABLATION_ONLY (setup names separated by ";"), ABLATION_BASELINE (another build of the
// filter, e.g. the previous commit's: its rows are added as "baseline …", to compare two builds in one run). Under
// valgrind at most four modules (F1, F2, the ablation floor, the filter, the baseline) fit in one Envoy: every VM
// reserves 8 GiB of address space, and the worker fails to create the fifth module's VM.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";
import { ENVOY, OUT, cleanup, cpuModel, cpuUs, ensureWrk, envoyVersion, get, startEnvoy, wrk, wrkScript } from "./procs.js";
import { median } from "../stats.js";
import { wasmFilter } from "../../src/envoy/bootstrap.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5), SECONDS = Number(process.env.BENCH_SECONDS ?? 2), CONNS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const CALLGRIND = process.env.ABLATION_CALLGRIND === "1";
const REQUESTS = Number(process.env.ABLATION_REQUESTS ?? 1000);
const ADMIN = 20290, FIRST_PORT = 20291;

const BASELINE = process.env.ABLATION_BASELINE;
const MODULES = {
  F1: resolve("build/bench/noop.wasm"), F2: resolve("build/bench/minimal_io.wasm"), ablation: resolve("build/bench/ablation.wasm"),
  filter: resolve("build/cors.wasm"), baseline: resolve(BASELINE ?? "build/cors.wasm"),
};
const ORIGIN = "https://app.example.com";
const POLICY = { allow_origins: [ORIGIN], allow_methods: ["GET", "PUT", "POST", "DELETE", "PATCH"], allow_headers: ["Content-Type", "Authorization", "X-Requested-With"], max_age: 600 };
const BIG = {
  ...POLICY,
  allow_origins: [...Array.from({ length: 10_000 }, (_, i) => `https://app${i}.example.com`), ORIGIN],
  allow_origin_patterns: Array.from({ length: 1_000 }, (_, i) => `https://*.tenant${i}.example.com`),
};
const NATIVE = { allow_origin_string_match: [{ exact: ORIGIN }], allow_methods: "GET,PUT,POST,DELETE,PATCH", allow_headers: "Content-Type,Authorization,X-Requested-With", max_age: "600" };

interface Request { method: string; headers: Record<string, string>; expect: number }
const ACTUAL: Request = { method: "GET", headers: { origin: ORIGIN, "sec-fetch-mode": "cors", "sec-fetch-site": "cross-site" }, expect: 200 };
// What Chrome sends with a cross-origin fetch (request headers listed in one call cost more the more there are).
const BROWSER: Request = { method: "GET", headers: {
  ...ACTUAL.headers, accept: "*/*", "accept-encoding": "gzip, deflate, br, zstd", "accept-language": "en-GB,en;q=0.9,de;q=0.8",
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  referer: "https://app.example.com/dashboard/settings", "sec-ch-ua": "\"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"",
  "sec-ch-ua-mobile": "?0", "sec-ch-ua-platform": "\"Linux\"", "sec-fetch-dest": "empty", priority: "u=1, i",
  cookie: "session=" + "s".repeat(200) + "; theme=dark; consent=" + "c".repeat(100),
}, expect: 200 };
const NO_ORIGIN: Request = { method: "GET", headers: { "sec-fetch-mode": "no-cors", "sec-fetch-site": "same-origin" }, expect: 200 };
const REJECTED: Request = { method: "OPTIONS", headers: { origin: "https://evil.example.org", "access-control-request-method": "PUT" }, expect: 403 };
const PREFLIGHT: Request = { method: "OPTIONS", headers: { origin: ORIGIN, "access-control-request-method": "PUT", "access-control-request-headers": "content-type", "sec-fetch-mode": "cors", "sec-fetch-site": "cross-site" }, expect: 200 };

interface Setup { name: string; what: string; module: keyof typeof MODULES | "none" | "native"; config?: string; request: Request }
const floor = (words: string, what: string): Setup => ({ name: `F2+${words}`, what, module: "ablation", config: words, request: ACTUAL });
const ALL_SETUPS: Setup[] = [
  { name: "none", what: "no filter", module: "none", request: ACTUAL },
  { name: "native", what: "Envoy's native CORS filter", module: "native", request: ACTUAL },
  { name: "F1", what: "no-op module: six callbacks, no host call", module: "F1", request: ACTUAL },
  { name: "F2", what: "F1 + get origin, get :method, add ACAO, add Vary", module: "F2", request: ACTUAL },
  { name: "F2 (ablation build)", what: "F2 built from bench/floors/ablation.ts, no extra call (the base of the rows below)", module: "ablation", config: "-", request: ACTUAL },
  floor("sfs", "+ get sec-fetch-site"),
  floor("authority", "+ get :authority"),
  floor("metric", "+ increment a counter"),
  floor("property", "+ get property xds.route_name"),
  floor("pairs", "+ list the response headers (get_header_map_pairs, scanned)"),
  floor("replace", "ACAO replaced instead of added"),
  floor("remove", "+ remove an absent response header"),
  floor("sfs,authority", "+ get sec-fetch-site, get :authority (the filter's request reads: 4 gets)"),
  floor("reqpairs", "the same 4 request headers from one listing (get_header_map_pairs)"),
  { name: "filter", what: "this filter (actual request, allowed)", module: "filter", config: JSON.stringify(POLICY), request: ACTUAL },
  { name: "filter big", what: "this filter, actual request, 10,000 exact origins + 1,000 patterns (the allowed origin listed last)", module: "filter", config: JSON.stringify(BIG), request: ACTUAL },
  { name: "F1 no-origin", what: "no-op module, request without Origin", module: "F1", request: NO_ORIGIN },
  { name: "filter no-origin", what: "this filter, request without Origin", module: "filter", config: JSON.stringify(POLICY), request: NO_ORIGIN },
  { name: "filter rejected", what: "this filter, rejected preflight (403)", module: "filter", config: JSON.stringify(POLICY), request: REJECTED },
  { name: "browser: F2+sfs,authority", what: "Chrome's 17 request headers: 4 gets", module: "ablation", config: "sfs,authority", request: BROWSER },
  { name: "browser: F2+reqpairs", what: "Chrome's 17 request headers: one listing", module: "ablation", config: "reqpairs", request: BROWSER },
  { name: "browser: filter", what: "this filter, Chrome's 17 request headers", module: "filter", config: JSON.stringify(POLICY), request: BROWSER },
  { name: "native preflight", what: "Envoy's native CORS filter, allowed preflight", module: "native", request: PREFLIGHT },
  { name: "F2+local", what: "F2's reads + a local 200 with ACAO and Vary (an Array and 2 HeaderPairs)", module: "ablation", config: "local", request: PREFLIGHT },
  { name: "F1+preflightio", what: "the filter's host calls for an allowed preflight, nothing else (the listing, the counter, a local 200 with its 5 headers)", module: "ablation", config: "preflightio", request: PREFLIGHT },
  { name: "filter preflight", what: "this filter, allowed preflight (local reply)", module: "filter", config: JSON.stringify(POLICY), request: PREFLIGHT },
];

const ONLY = process.env.ABLATION_ONLY?.split(";").map((x) => x.trim());
export const ABLATION_SETUPS: Setup[] = [
  ...ALL_SETUPS,
  ...(BASELINE ? ALL_SETUPS.filter((s) => s.module === "filter").map((s): Setup => ({ ...s, name: `baseline ${s.name}`, what: `${s.what}, ${BASELINE}`, module: "baseline" })) : []),
].filter((s) => !ONLY || ONLY.includes(s.name) || (s.name.startsWith("baseline ") && ONLY.includes(s.name.slice(9))));

const addr = (port: number) => ({ socket_address: { address: "127.0.0.1", port_value: port } });
function listener(s: Setup, port: number): unknown {
  const filters: unknown[] = [];
  let routeExtra: Record<string, unknown> = {};
  if (s.module === "native") {
    filters.push({ name: "envoy.filters.http.cors", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors" } });
    routeExtra = { typed_per_filter_config: { "envoy.filters.http.cors": { "@type": "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy", ...NATIVE } } };
  } else if (s.module !== "none") {
    filters.push(wasmFilter({ name: s.name, vmId: s.module, wasm: MODULES[s.module], configuration: s.config ?? "" }));
  }
  filters.push({ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } });
  const name = `l${port}`;
  return {
    name, address: addr(port),
    filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: {
      "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
      stat_prefix: name, codec_type: "AUTO",
      route_config: { name, virtual_hosts: [{ name, domains: ["*"], routes: [{ match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: "ok\n" } }, ...routeExtra }] }] },
      http_filters: filters,
    } }] }],
  };
}
export function ablationConfig(): Record<string, unknown> {
  return { admin: { address: addr(ADMIN) }, static_resources: { listeners: ABLATION_SETUPS.map((s, i) => listener(s, FIRST_PORT + i)) } };
}

/** Exactly `n` requests, one at a time on one keep-alive connection. */
async function send(port: number, r: Request, n: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < n; i++) {
      const res = await get(port, "/", r.headers, r.method, agent);
      if (res.status !== r.expect) throw new Error(`status ${res.status} on port ${port} (${ABLATION_SETUPS[port - FIRST_PORT]?.name}), expected ${r.expect}`);
    }
  } finally { agent.destroy(); }
}

interface Row { name: string; what: string; cpu: number[]; instructions: number[] }

async function measureCpu(pid: number, rows: Row[]): Promise<void> {
  ensureWrk();
  const scripts = ABLATION_SETUPS.map((s, i) => wrkScript(`ablation-${i}`, s.request.method, s.request.headers));
  ABLATION_SETUPS.forEach((_, i) => wrk(FIRST_PORT + i, scripts[i], 1, CONNS));
  for (let round = 0; round < ROUNDS; round++) {
    // rotate the starting cell so no setup always follows the same one
    for (let k = 0; k < ABLATION_SETUPS.length; k++) {
      const i = (k + round) % ABLATION_SETUPS.length;
      const before = cpuUs(pid);
      const w = wrk(FIRST_PORT + i, scripts[i], SECONDS, CONNS);
      rows[i].cpu.push((cpuUs(pid) - before) / w.requests);
    }
    console.log(`round ${round + 1}/${ROUNDS}`);
  }
}

async function measureInstructions(pid: number, outFile: string, rows: Row[]): Promise<void> {
  const dumps = () => readdirSync(`${OUT}/envoy`).filter((f) => f.startsWith("callgrind.out.")).length;
  for (let rep = 0; rep < 2; rep++) {
    for (let i = 0; i < ABLATION_SETUPS.length; i++) {
      const s = ABLATION_SETUPS[i];
      await send(FIRST_PORT + i, s.request, 200);
      const n0 = dumps();
      spawnSync("callgrind_control", ["-z", String(pid)]);
      await send(FIRST_PORT + i, s.request, REQUESTS);
      spawnSync("callgrind_control", ["-d", String(pid)]);
      // the dump is written by the target asynchronously
      for (let t = 0; dumps() === n0 && t < 600; t++) await new Promise((r) => setTimeout(r, 100));
      const file = `${outFile}.${n0 + 1}`;
      const totals = Number(/^totals:\s+(\d+)/m.exec(readFileSync(file, "utf8"))?.[1]);
      rows[i].instructions.push(totals / REQUESTS);
      console.log(`${s.name}: ${(totals / REQUESTS).toFixed(0)} instructions/request`);
    }
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  for (const f of [ENVOY, ...Object.values(MODULES)]) if (!existsSync(f)) throw new Error(`${f} missing: make build build/bench/ablation.wasm envoy`);
  mkdirSync(`${OUT}/envoy`, { recursive: true });
  for (const f of readdirSync(`${OUT}/envoy`)) if (f.startsWith("callgrind.out")) rmSync(`${OUT}/envoy/${f}`);
  const outFile = `${OUT}/envoy/callgrind.out`;
  const wrap = CALLGRIND ? ["valgrind", "--tool=callgrind", "--smc-check=all", `--callgrind-out-file=${outFile}`] : undefined;
  const envoy = await startEnvoy("ablation", ablationConfig(), ADMIN, { core: 1, baseId: 290, wrap, timeoutMs: CALLGRIND ? 300000 : 30000 });
  // correctness first: every listener answers its request as expected
  try {
    for (let i = 0; i < ABLATION_SETUPS.length; i++) await send(FIRST_PORT + i, ABLATION_SETUPS[i].request, 1);
  } catch (e) {
    const vmFailed = /Failed to create new Wasm instance/.test(envoy.log());
    throw new Error(`${e instanceof Error ? e.message : e}${vmFailed ? "\nEnvoy could not create a Wasm VM on the worker: under valgrind each VM reserves 8 GiB of address space and about four modules (eight VMs) fit; select fewer setups with ABLATION_ONLY" : ""}\n${envoy.log().slice(-2000)}`);
  }
  const rows: Row[] = ABLATION_SETUPS.map((s) => ({ name: s.name, what: s.what, cpu: [], instructions: [] }));
  if (CALLGRIND) await measureInstructions(envoy.pid, outFile, rows);
  else await measureCpu(envoy.pid, rows);
  cleanup();

  const base = (name: string) => rows.find((r) => r.name === name);
  const col = (r: Row | undefined, k: "cpu" | "instructions") => (r ? median(r[k]) : NaN);
  const L: string[] = [];
  L.push(`## Host-call ablations in Envoy — ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`);
  L.push("");
  L.push(`Envoy ${envoyVersion()}, --concurrency 1, routes answered by direct_response, ${cpuModel()}. ` + (CALLGRIND
    ? `Instructions per request: callgrind (--smc-check=all) over ${REQUESTS} requests on one keep-alive connection, after 200 unmeasured; 2 repetitions, median.`
    : `CPU µs per request: Envoy's utime+stime over ${SECONDS} s of wrk (${CONNS} connections) ÷ requests; ${ROUNDS} interleaved rounds, median (spread = (max−min)/median).`));
  L.push("");
  const k = CALLGRIND ? "instructions" : "cpu";
  const unit = CALLGRIND ? "instructions/request" : "CPU µs/request";
  const fmt = (v: number) => (CALLGRIND ? Math.round(v).toLocaleString("en-US") : v.toFixed(1));
  const spread = (xs: number[]) => (xs.length ? (Math.max(...xs) - Math.min(...xs)) / median(xs) : NaN);
  L.push(`| setup | what | ${unit} | vs F2 | vs the row's base |${CALLGRIND ? "" : " spread |"}`);
  L.push(`|---|---|---:|---:|---:|${CALLGRIND ? "" : "---:|"}`);
  for (const r of rows) {
    const v = col(r, k);
    const against = r.name.startsWith("baseline ") ? base(r.name.slice(9)) : r.name.startsWith("browser: F2+reqpairs") ? base("browser: F2+sfs,authority") : r.name === "F2+reqpairs" ? base("F2+sfs,authority") : r.name.startsWith("F2+") && r.name !== "F2+local" ? base("F2 (ablation build)") : r.name === "F2" ? base("F1") : r.name === "F1" ? base("none") : r.name === "filter" ? base("F1") : r.name === "filter big" ? base("filter") : r.name === "filter no-origin" ? base("F1 no-origin") : r.name === "filter preflight" ? base("F1+preflightio") : null;
    const vsF2 = v - col(base("F2"), k);
    const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? "+" : ""}${fmt(x)}` : "—");
    L.push(`| ${r.name} | ${r.what} | ${fmt(v)} | ${signed(vsF2)} | ${against ? `${signed(v - col(against, k))} (vs ${against.name})` : ""} |${CALLGRIND ? "" : ` ${(spread(r.cpu) * 100).toFixed(0)} % |`}`);
  }
  L.push("");
  L.push(`Wall time: ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
  const md = L.join("\n") + "\n";
  const name = CALLGRIND ? "ablation-callgrind" : "ablation";
  writeFileSync(`${OUT}/${name}.json`, JSON.stringify({ date: new Date().toISOString(), mode: k, rows }, null, 1));
  writeFileSync(`${OUT}/${name}.md`, md);
  console.log(md);
}

// Run only as a program (tests import the configuration).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => { console.error(e instanceof Error ? e.message : e); cleanup(); process.exit(1); });
}
