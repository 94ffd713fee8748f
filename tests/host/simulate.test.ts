// simulate(): one full exchange (conformance runner, CLI explain).
import assert from "node:assert/strict";
import { test } from "node:test";
import { requestLines } from "../../src/host/index.js";
import { probe } from "./helpers.js";

test("request lines: :authority from host, :path, :method, :scheme, then the other lines; arrays = several lines", () => {
  assert.deepEqual(
    requestLines({ method: "OPTIONS", scheme: "https", path: "/p", headers: { Host: "h", origin: ["a", "b"], "x-y": "1" } }),
    [[":authority", "h"], [":path", "/p"], [":method", "OPTIONS"], [":scheme", "https"], ["origin", "a"], ["origin", "b"], ["x-y", "1"]],
  );
});

test("upstream exchange: status and headers as the client gets them (no pseudo-headers), body from upstream", async () => {
  const host = await probe("response add resp x-cors 1");
  const r = host.simulate({ method: "GET", headers: { host: "h" } }, { status: 404, headers: { "Content-Type": "text/html" }, body: "nf" });
  assert.equal(r.reachesUpstream, true);
  assert.equal(r.status, 404);
  assert.equal(r.body, "nf");
  assert.deepEqual(r.headers, [["content-type", "text/html"], ["x-cors", "1"]]);
  assert.equal(r.localReply, undefined);
});

test("local reply exchange: reachesUpstream false, status, headers, body, localReply", async () => {
  const host = await probe("request local 403 cors_forbidden Invalid~CORS~request");
  const r = host.simulate({ method: "GET", headers: { host: "h", origin: "https://x" } }, { status: 200 });
  assert.deepEqual(
    { reachesUpstream: r.reachesUpstream, status: r.status, headers: r.headers, body: r.body, details: r.localReply?.details },
    {
      reachesUpstream: false, status: 403, body: "Invalid CORS request", details: "cors_forbidden",
      headers: [["content-length", "20"], ["content-type", "text/plain"]],
    },
  );
  assert.equal(host.contextCount, 1, "the stream was finished and deleted");
});

test("the upstream of a request with end_of_stream: a GET's headers callback gets eos=1", async () => {
  const host = await probe("");
  const r = host.simulate({ method: "GET", headers: { host: "h" } }, null);
  assert.ok(r.logs.some((l) => /^cb proxy_on_request_headers \d+ 4 1$/.test(l.message)));
  assert.ok(r.logs.some((l) => /^cb proxy_on_response_headers \d+ 1 1$/.test(l.message)), "empty upstream body → eos");
});
