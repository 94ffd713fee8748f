// Reloading the configuration of a running `serve`: SIGHUP and --watch. A rejected configuration leaves the
// running one in place, as Envoy keeps the previous configuration when proxy_on_configure returns false.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { header, request } from "../proxy/helpers.js";
import { configFile, serve, type Served } from "./cli-helpers.js";

const A = "https://a.example.com";
const B = "https://b.example.com";

async function allowed(s: Served, origin: string): Promise<boolean> {
  const r = await request(`${s.url}/`, { headers: [["Origin", origin]] });
  return header(r, "access-control-allow-origin") === origin;
}

async function until(what: string, s: Served, cond: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what} did not happen in 10 s; stderr:\n${s.stderr()}`);
}

for (const mode of ["SIGHUP", "--watch"] as const) {
  test(`${mode}: a new configuration is served; a rejected one keeps the running one`, async () => {
    const file = configFile({ allow_origins: [A] });
    const s = await serve(["--config", file, ...(mode === "--watch" ? ["--watch"] : [])]);
    try {
      assert.equal(await allowed(s, A), true);
      assert.equal(await allowed(s, B), false);
      writeFileSync(file, JSON.stringify({ allow_origins: [B] }));
      if (mode === "SIGHUP") s.signal("SIGHUP");
      await until("the reload", s, () => allowed(s, B));
      assert.equal(await allowed(s, A), false);
      const before = s.stderr().length;
      writeFileSync(file, JSON.stringify({ allow_origins: ["https://c.example.com/path"], max_age: -1 }));
      if (mode === "SIGHUP") s.signal("SIGHUP");
      await until("the rejection report", s, () => /kept the previous/.test(s.stderr().slice(before)));
      assert.match(s.stderr().slice(before), /max_age/);
      assert.equal(await allowed(s, B), true, "still serving the last accepted configuration");
    } finally {
      const r = await s.stop();
      if (mode === "SIGHUP") assert.equal(r.code, 0, r.stderr);
    }
  });
}
