// Linear memory over a long run in real Envoy (issue #9 §2: "flat after 10⁶ requests, in Envoy and the host").
// One Envoy (--concurrency 1) runs build/cors.wasm in two VMs (vm_ids "example" with examples/cors.json and "big"
// with 10,000 exact origins + 1,000 patterns), routes answered by direct_response with the upstream's own Vary and
// CORS headers. wrk sends a rotation of ordinary and hostile requests (a wrk Lua script): allowed and rejected
// actual requests and preflights, no Origin, a malformed Origin, a 2 KiB and a 32 KiB Origin, 64 ACRH names, an
// 8 KiB ACRH, a 16 KiB cookie. The observable: the size of each wasm linear memory, read from /proc/PID/smaps (V8
// reserves 8 GiB per memory and commits the memory's current size as the read-write mapping right before that
// reservation, so the committed size is the module's pages × 64 KiB); Envoy's RSS beside it. Sampled after each
// tenth of the run: flat means the last sample equals the one after the first tenth.
// Writes build/bench/soak.json. Settings: BENCH_SOAK_REQUESTS (1,000,000 per VM), BENCH_CONNECTIONS (16).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ENVOY, OUT, cleanup, ensureWrk, get, rssMiB, startEnvoy, wrk } from "./procs.js";
import { wasmFilter } from "../../src/envoy/bootstrap.js";

const REQUESTS = Number(process.env.BENCH_SOAK_REQUESTS ?? 1_000_000);
const CONNS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ADMIN = 20390;
const WASM = resolve("build/cors.wasm");

const BIG = {
  allow_origins: [...Array.from({ length: 10_000 }, (_, i) => `https://app${i}.example.com`), "https://app.example.com"],
  allow_origin_patterns: Array.from({ length: 1_000 }, (_, i) => `https://*.tenant${i}.example.com`),
  allow_methods: ["GET", "PUT", "POST", "DELETE", "PATCH"], allow_headers: ["Content-Type", "Authorization", "X-Requested-With"],
};
export const SOAK_VMS = [
  { vm: "example", port: 20391, config: readFileSync("examples/cors.json", "utf8") },
  { vm: "big", port: 20392, config: JSON.stringify(BIG) },
];

const addr = (port: number) => ({ socket_address: { address: "127.0.0.1", port_value: port } });
export function soakConfig(): Record<string, unknown> {
  const listeners = SOAK_VMS.map(({ vm, port, config }) => ({
    name: vm, address: addr(port),
    filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: {
      "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
      stat_prefix: vm, codec_type: "AUTO",
      route_config: { name: vm, virtual_hosts: [{ name: vm, domains: ["*"],
        response_headers_to_add: [["vary", "Accept-Encoding"], ["access-control-allow-origin", "*"], ["access-control-expose-headers", "X-Upstream"]]
          .map(([key, value]) => ({ header: { key, value }, append_action: "APPEND_IF_EXISTS_OR_ADD" })),
        routes: [{ match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: "ok\n" } } }] }] },
      http_filters: [
        wasmFilter({ name: vm, vmId: vm, wasm: WASM, configuration: config }),
        { name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } },
      ],
    } }] }],
  }));
  return { admin: { address: addr(ADMIN) }, static_resources: { listeners } };
}

const A = "https://app.example.com";
/** The rotation: [method, headers]. */
export const SOAK_REQUESTS: Array<[string, Record<string, string>]> = [
  ["GET", { origin: A, "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors" }],
  ["GET", {}],
  ["OPTIONS", { origin: A, "access-control-request-method": "PUT", "access-control-request-headers": "content-type,authorization" }],
  ["OPTIONS", { origin: "https://evil.example.org", "access-control-request-method": "PUT" }],
  ["GET", { origin: "https://evil.example.org" }],
  ["GET", { origin: "https://app.example.com@evil.example.org" }],
  ["GET", { origin: "https://" + "a".repeat(2030) + ".example.com" }],
  ["GET", { origin: "https://" + "b".repeat(32 * 1024) + ".example.com" }],
  ["OPTIONS", { origin: A, "access-control-request-method": "PUT", "access-control-request-headers": Array.from({ length: 64 }, (_, i) => `x-h${i}`).join(",") }],
  ["OPTIONS", { origin: A, "access-control-request-method": "PUT", "access-control-request-headers": "x-" + "h".repeat(8190) }],
  ["GET", { origin: A, cookie: "s=" + "c".repeat(16 * 1024) }],
];

function luaScript(file: string): void {
  const reqs = SOAK_REQUESTS.map(([m, h]) => `wrk.format(${JSON.stringify(m)}, "/", {${Object.entries(h).map(([k, v]) => `[${JSON.stringify(k)}] = ${JSON.stringify(v)}`).join(", ")}})`);
  writeFileSync(file, `local reqs = {${reqs.join(",\n")}}
local i = 0
request = function() i = i % #reqs + 1; return reqs[i] end
`);
}

interface Sample { requests: number; pagesByVm: number[]; rssMiB: number }

/** The committed size (64 KiB pages) of every wasm memory of a process, in mapping order. */
export function wasmMemoryPages(pid: number): number[] {
  const maps: { s: bigint; e: bigint; perm: string }[] = [];
  for (const line of readFileSync(`/proc/${pid}/maps`, "utf8").split("\n")) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+)/.exec(line);
    if (m) maps.push({ s: BigInt(`0x${m[1]}`), e: BigInt(`0x${m[2]}`), perm: m[3] });
  }
  const out: number[] = [];
  for (let i = 0; i + 1 < maps.length; i++) {
    const m = maps[i], n = maps[i + 1];
    if (m.perm.startsWith("rw") && n.perm === "---p" && n.s === m.e && n.e - m.s > 4n << 30n) out.push(Number((m.e - m.s) >> 16n));
  }
  return out;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  ensureWrk();
  for (const f of [ENVOY, WASM]) if (!existsSync(f)) throw new Error(`${f} missing: make build envoy`);
  mkdirSync(`${OUT}/envoy`, { recursive: true });
  const envoy = await startEnvoy("soak", soakConfig(), ADMIN, { core: 1, baseId: 390 });
  const results: Record<string, { samples: Sample[] }> = {};
  for (const { vm, port } of SOAK_VMS) {
    // every kind once, answered (the big headers must pass Envoy's limits, or the soak would measure 431s)
    for (const [method, headers] of SOAK_REQUESTS) {
      const r = await get(port, "/", headers, method);
      if (r.status !== 200 && r.status !== 403) throw new Error(`${vm}: ${method} ${Object.keys(headers).join(",")} → ${r.status}`);
    }
    const script = `${OUT}/envoy/soak-${vm}.lua`;
    luaScript(script);
    const run = (seconds: number): number => wrk(port, script, seconds, CONNS).requests;
    // wrk runs for a duration: a 2-second calibration sets how long each tenth of the run takes
    let sent = run(2);
    const tenth = Math.max(1, Math.round(REQUESTS / 10 / (sent / 2)));
    const samples: Sample[] = [];
    while (samples.length < 10 || sent < REQUESTS) {
      sent += run(tenth);
      samples.push({ requests: sent, pagesByVm: wasmMemoryPages(envoy.pid), rssMiB: rssMiB(envoy.pid) });
      console.log(`${vm}: ${sent.toLocaleString("en-US")} requests, wasm memories ${samples.at(-1)!.pagesByVm.join("/")} pages, RSS ${samples.at(-1)!.rssMiB.toFixed(0)} MiB`);
    }
    results[vm] = { samples };
  }
  cleanup();
  writeFileSync(`${OUT}/soak.json`, JSON.stringify({ date: new Date().toISOString(), requestsPerVm: REQUESTS, kinds: SOAK_REQUESTS.length, vms: results, wallSeconds: (Date.now() - t0) / 1000 }, null, 1));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => { console.error(e instanceof Error ? e.message : e); cleanup(); process.exit(1); });
}
