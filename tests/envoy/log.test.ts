// src/envoy/log.ts on the three forms of a module's line Envoy 1.40 prints (docs/host-facts.md §10 "Log prefix"),
// as captured from real Envoy, and on lines that are not the module's. host-facts.test.ts reads real Envoy's log
// through the same parser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { moduleLines, parseLogLine } from "../../src/envoy/index.js";

const AT = "[2026-12-07 14:45:40.045][22721]";
const SRC = "[source/extensions/common/wasm/context.cc:1157]";

const ROWS: { line: string; prefix: string | null; message: string | null; module: string | null }[] = [
  // a stream context: plugin name, root id and VM id, empty parts left out
  { line: `${AT}[debug][wasm] ${SRC} wasm log cors cors: decision allowed`, prefix: "cors cors", message: "decision allowed", module: "cors cors: decision allowed" },
  // a root context (proxy_on_configure): one part
  { line: `${AT}[error][wasm] ${SRC} wasm log cors: allow_origins[0]: "https://b.example/x" has a path`, prefix: "cors", message: 'allow_origins[0]: "https://b.example/x" has a path', module: 'cors: allow_origins[0]: "https://b.example/x" has a path' },
  // the VM's start function: no prefix at all
  { line: `${AT}[info][wasm] ${SRC} wasm log: _initialize`, prefix: "", message: "_initialize", module: "_initialize" },
  // Envoy's own wasm lines and other components are not the module's
  { line: `${AT}[error][wasm] ${SRC} Function: proxy_on_configure failed: Uncaught RuntimeError: unreachable`, prefix: null, message: null, module: null },
  { line: `${AT}[info][main] [source/server/server.cc:1000] wasm log: looks like one`, prefix: null, message: null, module: null },
];

test("parseLogLine: a module's line with each prefix form, and lines that are not the module's", () => {
  for (const r of ROWS) {
    const l = parseLogLine(r.line);
    assert.ok(l !== null, r.line);
    assert.deepEqual({ prefix: l.prefix, message: l.message, module: l.module }, { prefix: r.prefix, message: r.message, module: r.module }, r.line);
  }
  assert.equal(parseLogLine("not an Envoy log line"), null);
});

test("moduleLines keeps the module's lines at the levels asked for", () => {
  const log = ROWS.map((r) => r.line).join("\n");
  assert.deepEqual(moduleLines(log), ["[debug] cors cors: decision allowed", '[error] cors: allow_origins[0]: "https://b.example/x" has a path', "[info] _initialize"]);
  assert.deepEqual(moduleLines(log, ["info"]), ["[info] _initialize"]);
});
