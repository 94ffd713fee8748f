// Linear memory stays flat over many requests: host-allocated blocks (malloc) are taken back and the
// module's own collections (assembly/abi/collect.ts) reclaim per-request garbage; the host never calls __collect.
import { test } from "node:test";
import assert from "node:assert/strict";
import { load, modules, pages, type HeaderList } from "./modules.js";

const N = Number(process.env.ABI_MEMORY_REQUESTS ?? 100_000);

for (const { name, wasm } of modules()) test(`${name}: memory pages are flat after ${N} requests`, async () => {
  const h = await load(wasm);
  h.configure('{"allow_origins":["https://a.example","https://b.example"]}');
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
      const s = h.newStream();
      const req = s.requestHeaders(kinds[i % kinds.length], false);
      if (req.kind !== "local") s.responseHeaders(upstream);
      s.finish();
    }
  };
  run(1000);
  const warm = pages(h);
  run(N / 10);
  const tenth = pages(h);
  run(N - N / 10 - 1000);
  const end = pages(h);
  console.log(`# ${name} pages: after 1,000 = ${warm}, after ${N / 10} = ${tenth}, after ${N} = ${end}`);
  assert.ok(end <= 4, `memory grew to ${end} pages`);
  assert.equal(end, tenth, "memory kept growing");
  assert.equal(h.logs.length, 0, "no per-request logging");
  assert.equal(h.failed, false, h.failure ?? "");
});
