// The dev proxy's front door (src/proxy/front.ts, http1.ts): a request body is framed as Envoy 1.40 frames it —
// from the head with obs-folds unfolded, before bare CRs are removed. Framed from the raw head instead, a folded
// `Transfer-Encoding` made the chunked body look like a second request (a 400), and a bare CR inside
// `Content-Length` left the server waiting for a body (no answer) where Envoy answers its 400. The same two
// requests run against real Envoy in tests/envoy/differential.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RequestSplitter, normaliseRequestHead } from "../../src/proxy/http1.js";
import { startProxy } from "../../src/proxy/server.js";
import { FakeFilter } from "./fake-filter.js";
import { sendRaw } from "../envoy/raw-http.js";

const FOLDED_CHUNKED = "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
const CR_IN_LENGTH = "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r0\r\n\r\n0123456789";

test("RequestSplitter frames the body from the head readHead returns", () => {
  const parts = new RequestSplitter(normaliseRequestHead).push(Buffer.from(FOLDED_CHUNKED, "latin1"));
  assert.deepEqual(parts.map((p) => p.kind), ["head", "body", "body", "body", "body"]);
  assert.match((parts[0] as { head: Buffer }).head.toString("latin1"), /Transfer-Encoding: +chunked\r\n/);
  const length = new RequestSplitter(normaliseRequestHead).push(Buffer.from(CR_IN_LENGTH, "latin1"));
  assert.deepEqual(length.map((p) => p.kind), ["refused"]);
});

test("RequestSplitter stops at a refused head and hands over the refusal", () => {
  const refusal = Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n");
  const s = new RequestSplitter(() => ({ refusal }));
  assert.deepEqual(s.push(Buffer.from("GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n")), [{ kind: "refused", answer: refusal }]);
  assert.deepEqual(s.push(Buffer.from("GET / HTTP/1.1\r\n\r\n")), []);
});

test("the dev proxy forwards a chunked body behind a folded Transfer-Encoding; a Content-Length with a bare CR gets Envoy's 400", async () => {
  const p = await startProxy({ filter: new FakeFilter(new Set()), port: 0, log: () => {} });
  try {
    const target = { host: "127.0.0.1", port: p.port };
    const folded = await sendRaw(target, Buffer.from(FOLDED_CHUNKED, "latin1"), { timeoutMs: 5000 });
    assert.equal(folded.status, 200);
    assert.equal((JSON.parse(folded.body) as { body: string }).body, "hello");
    const cr = await sendRaw(target, Buffer.from(CR_IN_LENGTH, "latin1"), { timeoutMs: 5000 });
    assert.deepEqual([cr.status, cr.body], [400, "Bad Request"]);
  } finally {
    await p.close();
  }
});
