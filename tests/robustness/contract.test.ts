// behaviour.md §6 (never trap, never leak, never inject) and §7 (host interface): only valid tokens are
// echoed, hostile inputs never trap, memory is reclaimed per request, the module's exports / imports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACAH, ACAM, ACAO, TAO, actual, assert403, configure, exchange, hdr, host, load, preflight, run, wasm } from "../spec/helpers.js";
import type { Case, Req } from "../spec/helpers.js";
import type { SimResult } from "../../src/host/index.js";
import { mulberry32 } from "../cases/prng.js";

const O = "https://app.example.com";
const ECHO_ALL = { allow_origin_patterns: ["*"], allow_methods: ["*"], allow_headers: ["*"], timing_allow_origins: ["*"] };

function assertClean(r: SimResult): void {
  for (const [n, v] of r.headers) {
    assert.ok(!/[\r\n\0]/.test(n), `header name with CR/LF/NUL: ${JSON.stringify(n)}`);
    assert.ok(!/[\r\n\0]/.test(v), `header ${n} value with CR/LF/NUL: ${JSON.stringify(v)}`);
  }
  const names = r.headers.map(([n]) => n.toLowerCase());
  assert.ok(!names.includes("x-injected"), "an injected header appeared");
}

const rng = mulberry32;
function randomBytes(r: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) {
    const pick = r();
    s += pick < 0.6 ? String.fromCharCode(0x20 + Math.floor(r() * 95)) : pick < 0.8 ? ",:/[]*.\t "[Math.floor(r() * 9)] : String.fromCharCode(Math.floor(r() * 256));
  }
  return s;
}

const cases: Case[] = [
  // ------------------------------------------------------------------ only valid tokens echoed
  {
    name: "§6 ACRM with CR/LF is never echoed (allow_methods [\"*\"]): preflight fails",
    fn: async () => {
      const r = await run(ECHO_ALL, preflight(O, "PUT\r\nX-Injected: 1"));
      assert403(r);
      assert.equal(hdr(r, ACAM), null);
      assertClean(r);
    },
  },
  {
    name: "§6 ACRM with NUL, comma, space or a bare LF is never echoed",
    fn: async () => {
      for (const m of ["PUT\0", "PUT,DELETE", "PUT DELETE", "PU\nT", "P(T)"]) {
        const r = await run(ECHO_ALL, preflight(O, m));
        assert403(r);
        assert.equal(hdr(r, ACAM), null, JSON.stringify(m));
        assertClean(r);
      }
    },
  },
  {
    name: "§6 two ACRM lines arrive joined with \",\" and are not a token: never echoed",
    fn: async () => {
      const h = await host(ECHO_ALL);
      const r = exchange(h, { method: "OPTIONS", headers: [["origin", O], ["access-control-request-method", "PUT"], ["access-control-request-method", "DELETE"]] });
      assert403(r);
      assert.equal(hdr(r, ACAM), null);
    },
  },
  {
    name: "§6 ACRM with Latin-1 bytes is never echoed",
    fn: async () => {
      const r = await run(ECHO_ALL, preflight(O, "P\u00dcT"));
      assert403(r);
      assert.equal(hdr(r, ACAM), null);
    },
  },
  {
    name: "§6 ACRH with CR/LF or NUL is never echoed (allow_headers [\"*\"])",
    fn: async () => {
      for (const v of ["x-a\r\nX-Injected: 1", "x-a,\nx-b", "x-a\0", "x-\u00e4"]) {
        const r = await run(ECHO_ALL, preflight(O, "PUT", v));
        assert403(r);
        assert.equal(hdr(r, ACAH), null, JSON.stringify(v));
        assertClean(r);
      }
    },
  },
  {
    name: "§6 an Origin with CR/LF is never echoed (pattern \"*\", TAO \"*\")",
    fn: async () => {
      for (const o of ["https://a.example.com\r\nX-Injected: 1", "https://a.example.com\n", "https://a.example.com\0", "https://a.example.com\r"]) {
        const r = await run(ECHO_ALL, actual(o));
        assert.equal(hdr(r, ACAO), null, JSON.stringify(o));
        assert.equal(hdr(r, TAO), null, JSON.stringify(o));
        assertClean(r);
        const p = await run(ECHO_ALL, preflight(o, "PUT"));
        assert.equal(hdr(p, ACAO), null, JSON.stringify(o));
        assertClean(p);
      }
    },
  },
  {
    name: "§6 an Origin with a comma is never echoed (pattern \"*\")",
    fn: async () => {
      const r = await run(ECHO_ALL, actual("https://a.example.com,https://b.example.com"));
      assert.equal(hdr(r, ACAO), null);
      const ok = await run(ECHO_ALL, actual("https://a.example.com"));
      assert.equal(hdr(ok, ACAO), "https://a.example.com", "control: a clean origin is echoed");
      assert.equal(hdr(ok, TAO), "*");
    },
  },
  // ------------------------------------------------------------------ never trap on any input
  {
    name: "§6 huge inputs never trap: 1 MiB Origin, 1 MiB ACRH, 100k-element ACRH, 64 KiB ACRM",
    fn: async () => {
      for (const cfg of [ECHO_ALL, { allow_origins: ["*"] }, { allow_origins: [O], allow_origin_regexes: ["https://.*\\.example\\.com"] }]) {
        const h = await host(cfg);
        const big = "https://" + "a".repeat(1 << 20) + ".com";
        exchange(h, actual(big));
        exchange(h, preflight(big, "PUT"));
        assert403(exchange(h, preflight(O, "PUT", "x".repeat(1 << 20))));
        assert403(exchange(h, preflight(O, "PUT", ",".repeat(100000))));
        // a 64 KiB ACRM is still a token: it may be echoed under allow_methods ["*"], never trap
        const m = exchange(h, preflight(O, "M".repeat(65536)));
        if (m.status !== 403) assert.equal(hdr(m, ACAM), "M".repeat(65536));
        assert.equal(h.failed, false);
      }
    },
  },
  {
    name: "§6 many header lines (2000 origin lines, 2000 unrelated lines) never trap",
    fn: async () => {
      const h = await host(ECHO_ALL);
      const lines: [string, string][] = [];
      for (let i = 0; i < 2000; i++) lines.push(["origin", O], [`x-h${i}`, "v"]);
      const r = exchange(h, { method: "GET", headers: lines });
      assert.equal(hdr(r, ACAO), null, "2000 joined origins are malformed");
    },
  },
  {
    name: "§6 random header bytes never trap (2000 requests, 3 policies, fixed seed)",
    fn: async () => {
      const rand = rng(0xc0ffee);
      const hosts = [await host(ECHO_ALL), await host({ allow_origins: ["*"], expose_headers: ["X-A"] }), await host({ allow_origins: [O, "null"], allow_origin_patterns: ["*://*.example.com:[*]"], allow_origin_regexes: ["(?i)https://[a-z]+\\.example\\.org"], reject_actual: true, timing_allow_origins: [O] })];
      for (let i = 0; i < 2000; i++) {
        const h = hosts[i % 3];
        const headers: Record<string, string> = { origin: randomBytes(rand, Math.floor(rand() * 80)) };
        if (rand() < 0.6) headers["access-control-request-method"] = randomBytes(rand, Math.floor(rand() * 12));
        if (rand() < 0.6) headers["access-control-request-headers"] = randomBytes(rand, Math.floor(rand() * 200));
        if (rand() < 0.3) headers["x-forwarded-proto"] = randomBytes(rand, 8);
        if (rand() < 0.3) headers["sec-fetch-mode"] = randomBytes(rand, 8);
        if (rand() < 0.3) headers["access-control-request-private-network"] = randomBytes(rand, 5);
        const req: Req = { method: rand() < 0.5 ? "OPTIONS" : randomBytes(rand, 6), host: randomBytes(rand, 20), headers };
        const r = exchange(h, req, { headers: [["vary", randomBytes(rand, 30)]] });
        for (const [n, v] of r.headers) {
          if (n === "vary") continue; // the upstream's own tokens are kept as sent
          assert.ok(!/[\r\n\0]/.test(v), `${n}: ${JSON.stringify(v)}`);
        }
      }
      for (const h of hosts) assert.equal(h.failed, false);
    },
  },
  {
    name: "§6 hostile configurations never trap (deep nesting, huge strings, random bytes) — rejected cleanly",
    fn: async () => {
      const rand = rng(42);
      const configs: string[] = [
        "[".repeat(100000),
        "{\"allow_origins\":" + "[".repeat(50000) + "]".repeat(50000) + "}",
        JSON.stringify({ allow_origins: ["https://" + "a".repeat(1 << 20) + ".com/x"] }),
        JSON.stringify({ allow_origin_regexes: ["(".repeat(10000) + "a" + ")".repeat(10000)] }),
        JSON.stringify({ allow_origin_regexes: ["a{1000}{1000}{1000}"] }),
        "{\"max_age\": 1e999}",
        "{\"max_age\": -0}",
        "{\"allow_origins\": [\"\\ud800\"]}",
        "\u0000\u0001\u0002",
        "{\"a\":1,\"a\":2}",
      ];
      for (let i = 0; i < 200; i++) configs.push(randomBytes(rand, Math.floor(rand() * 120)));
      for (const c of configs) {
        const out = await configure(c);
        if (!out.ok) assert.ok(out.errors.length >= 1, `rejected without an error line: ${JSON.stringify(c.slice(0, 80))}`);
      }
    },
  },
  {
    name: "§6 memory is reclaimed per request: linear memory after 20000 requests equals memory after 1000",
    fn: async () => {
      const h = await host({ allow_origins: [O], allow_origin_patterns: ["https://*.example.org"], allow_origin_regexes: ["https://[a-z]+\\.example\\.net"], allow_headers: ["*"], expose_headers: ["X-A"], timing_allow_origins: ["*"], debug: false });
      const mem = () => (h.exports.memory as WebAssembly.Memory).buffer.byteLength;
      const reqs: Req[] = [
        preflight(O, "PUT", "x-a,x-b,x-c"),
        actual("https://a.b.example.org"),
        actual("https://abc.example.net", "POST"),
        actual("https://evil.example"),
        preflight("https://evil.example", "PUT"),
        actual(null),
      ];
      const up = { headers: [["vary", "Accept-Encoding"], ["vary", "Cookie"], [ACAO, "*"]] as [string, string][] };
      for (let i = 0; i < 1000; i++) exchange(h, reqs[i % reqs.length], up);
      const after1k = mem();
      for (let i = 0; i < 19000; i++) exchange(h, reqs[i % reqs.length], up);
      assert.equal(mem(), after1k, `memory grew from ${after1k} to ${mem()} bytes`);
    },
  },
  // ------------------------------------------------------------------ §7 host interface
  {
    name: "§7 exports: the required proxy-wasm 0.2.1 callbacks, malloc and memory",
    fn: async () => {
      const mod = new WebAssembly.Module(wasm() as Uint8Array<ArrayBuffer>);
      const exports = new Set(WebAssembly.Module.exports(mod).map((e) => e.name));
      for (const n of ["proxy_abi_version_0_2_1", "malloc", "proxy_on_memory_allocate", "_initialize", "proxy_on_context_create", "proxy_on_vm_start", "proxy_on_configure", "proxy_on_request_headers", "proxy_on_response_headers", "proxy_on_done", "proxy_on_log", "proxy_on_delete", "memory"]) {
        assert.ok(exports.has(n), `missing export ${n}`);
      }
    },
  },
  {
    name: "§7 imports: only the portable env set (+ wasi proc_exit), no env.abort/trace/seed, no other WASI",
    fn: async () => {
      const allowed = new Set(["proxy_log", "proxy_get_buffer_bytes", "proxy_get_header_map_value", "proxy_get_header_map_pairs", "proxy_add_header_map_value", "proxy_replace_header_map_value", "proxy_remove_header_map_value", "proxy_send_local_response", "proxy_get_property", "proxy_define_metric", "proxy_increment_metric", "proxy_set_effective_context"].map((n) => `env.${n}`));
      allowed.add("wasi_snapshot_preview1.proc_exit");
      const mod = new WebAssembly.Module(wasm() as Uint8Array<ArrayBuffer>);
      const bad = WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`).filter((n) => !allowed.has(n));
      assert.deepEqual(bad, []);
    },
  },
  {
    name: "§7 the module links and works on the Kong and APISIX profiles",
    fn: async () => {
      for (const profile of ["kong", "apisix"] as const) {
        const h = await load({ profile });
        assert.equal(h.configure(JSON.stringify({ allow_origins: [O] })), true, profile);
        const r = exchange(h, actual(O));
        assert.equal(hdr(r, ACAO), O, profile);
      }
    },
  },
];
for (const c of cases) test(c.name, c.fn);
