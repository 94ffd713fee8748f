// The filter logs each message once: Envoy prefixes the plugin's names (`wasm log <plugin> <root id> <vm id>:`
// for a stream, `wasm log <root id> <vm id>:` for the root context), so the module adds none of its own — no
// `cors: cors: …`. The dev proxy prints the same text Envoy does (src/proxy/filter.ts envoyLogText).
import { test } from "node:test";
import assert from "node:assert/strict";
import { bootstrap, parseLogLine, startEnvoy } from "../../src/envoy/index.js";
import { envoyLogText, loadFilter } from "../../src/proxy/filter.js";
import { WASM } from "./pair.js";
import { requestBytes, sendRaw } from "./raw-http.js";
import { startScriptedUpstream } from "./upstream.js";

const CONFIG = JSON.stringify({ allow_origins: ["https://app.example.com/"], debug: true });
const REQUEST: Array<[string, string]> = [["Host", "api.example.com"], ["Origin", "https://evil.example"]];

/** `[level] <message>` of every module line Envoy printed (its own line head dropped). */
function envoyModuleLines(log: string): string[] {
  const levels = ["info", "warning", "error"];
  return log.split("\n").map(parseLogLine).filter((l) => l !== null && l.message !== null && levels.includes(l.level))
    .map((l) => `[${l!.level === "warning" ? "warn" : l!.level}] ${l!.text}`);
}

test("Envoy prints each filter line with the plugin's prefix once; the dev proxy prints the same lines", async () => {
  const upstream = await startScriptedUpstream();
  const envoy = await startEnvoy(bootstrap({
    admin: { port: 0 },
    listeners: [{ name: "main", port: 0, cluster: "upstream", plugin: { wasm: WASM, configuration: CONFIG } }],
    clusters: [{ name: "upstream", host: upstream.host, port: upstream.port }],
  }));
  try {
    const { main } = await envoy.listeners();
    const r = await sendRaw({ host: "127.0.0.1", port: main.port }, requestBytes("GET", "/", REQUEST));
    assert.equal(r.status, 200);
    const decision = 'wasm log cors cors: decision kind=actual verdict=rejected reason=origin_not_allowed origin="https://evil.example"';
    const deadline = Date.now() + 5000;
    while (!envoy.log().includes(decision)) {
      assert.ok(Date.now() < deadline, `no "${decision}" in Envoy's log`);
      await new Promise((res) => setTimeout(res, 10));
    }
    const lines = envoyModuleLines(envoy.log());
    assert.ok(!envoy.log().includes("cors: cors:"), "a line reads cors: cors:");
    const warning = '[warn] wasm log cors: allow_origins[0]: "https://app.example.com/": the trailing "/" was dropped (an origin has no path)';
    assert.ok(lines.includes(warning), lines.join("\n"));
    assert.ok(lines.includes(`[info] ${decision}`), lines.join("\n"));

    // the dev proxy's host, configured the same way, prints the same text
    const printed: string[] = [];
    const names = ["trace", "debug", "info", "warn", "error", "critical"];
    const loaded = await loadFilter({ wasmPath: WASM, config: CONFIG, logger: (level, message, prefix) => {
      if (prefix !== undefined) printed.push(`[${names[level]}] ${envoyLogText(message, prefix)}`);
    } });
    assert.equal(loaded.accepted, true);
    const s = loaded.host!.newStream();
    s.requestHeaders([[":authority", "api.example.com"], [":path", "/"], [":method", "GET"], [":scheme", "http"], ["origin", "https://evil.example"]]);
    s.finish();
    assert.ok(printed.includes(warning), printed.join("\n"));
    assert.ok(printed.includes(`[info] ${decision}`), printed.join("\n"));
  } finally {
    await envoy.stop();
    await upstream.close();
  }
});
