// Every row of every source's mapping table (src/convert/*.ts, rendered into docs/convert.md): its native
// example converts to exactly the expected configuration with exactly the expected difference kinds (or the
// expected errors), and the configuration passes the filter's own validation (build/cors.wasm, in-process).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { convertDocs, TABLES } from "../../src/convert/index.js";
import { validateConfig } from "../../src/convert/check.js";

const wasm = readFileSync(new URL("../../../build/cors.wasm", import.meta.url).pathname);

for (const t of TABLES) {
  t.rows.forEach((row, i) => {
    test(`${t.source} row ${i}: ${row.key}`, async () => {
      const r = convertDocs(t.source, [row.example.native]);
      if (row.example.errors !== undefined) {
        assert.deepEqual(r.configs, [], "no configuration when there is an error");
        assert.deepEqual(r.errors.map((e) => e.path).sort(), [...row.example.errors].sort(), JSON.stringify(r.errors));
        for (const e of r.errors) assert.ok(e.message.length > 20, `error message too thin: ${e.message}`);
        return;
      }
      assert.deepEqual(r.errors, []);
      assert.equal(r.configs.length, 1);
      assert.deepEqual(r.configs[0].config, row.example.expect);
      assert.deepEqual([...new Set(r.differences.map((d) => d.kind))].sort(), [...row.example.kinds].sort(),
        r.differences.map((d) => `${d.kind} @ ${d.path}`).join("\n"));
      for (const k of row.kinds ?? []) assert.ok(k in t.kinds, `row names unknown kind ${k}`);
      const v = await validateConfig(wasm, r.configs[0].config);
      assert.equal(v.accepted, true, v.errors.join(" | "));
    });
  });
  test(`${t.source}: every difference kind is used by some row or documented`, () => {
    for (const k of Object.keys(t.kinds)) {
      const s = t.kinds[k];
      assert.ok(s.peer.length > 0 && s.ours.length > 0, k);
    }
  });
}
