// Linear memory stays flat over many requests: host-allocated blocks (malloc) are taken back and the
// module's own collections (assembly/abi/collect.ts) reclaim per-request garbage; the host never calls __collect.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MiniHost, modules, HeaderList } from "./harness.js";

const N = Number(process.env.ABI_MEMORY_REQUESTS ?? 100_000);

for (const { name, wasm } of modules()) test(`${name}: memory pages are flat after ${N} requests`, async () => {
  const h = await MiniHost.load(wasm);
  const r = h.createRoot('{"allow_origins":["https://a.example","https://b.example"]}');
  const kinds: HeaderList[] = [
    [[":method", "GET"], [":path", "/"], ["origin", "https://a.example"], ["user-agent", "x".repeat(200)]],
    [[":method", "OPTIONS"], ["origin", "https://b.example"], ["access-control-request-method", "PUT"]],
    [[":method", "OPTIONS"], ["origin", "https://evil.example"], ["access-control-request-method", "PUT"]],
    [[":method", "GET"], ["origin", "https://c.example"]],
    [[":method", "GET"]],
  ];
  const upstream: HeaderList = [[":status", "200"], ["content-type", "text/plain"]];
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      const id = h.newStream(r.id);
      const req = h.requestHeaders(id, kinds[i % kinds.length]);
      if (!req.local) h.responseHeaders(id, upstream);
      h.finish(id);
    }
  };
  run(1000);
  const warm = h.pages;
  run(N / 10);
  const tenth = h.pages;
  run(N - N / 10 - 1000);
  const end = h.pages;
  console.log(`# ${name} pages: after 1,000 = ${warm}, after ${N / 10} = ${tenth}, after ${N} = ${end}`);
  assert.ok(end <= 4, `memory grew to ${end} pages`);
  assert.equal(end, tenth, "memory kept growing");
  assert.equal(h.logs.length, 0, "no per-request logging");
});
