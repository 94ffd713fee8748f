// proxy_send_local_response as Envoy does it (host-facts.md §4.2).
import assert from "node:assert/strict";
import { test } from "node:test";
import { callbacks, load, messages, probe, result } from "./helpers.js";

const REQ: Array<[string, string]> = [[":authority", "h"], [":path", "/"], [":method", "OPTIONS"], [":scheme", "http"], ["origin", "https://a"]];

test("deferred until the callback returns; the callback's Continue is forced to Stop; the upstream is not reached", async () => {
  const host = await probe("request local 200 cors_preflight - x-a=1\nrequest log 2 after-local\nrequest return 0");
  const out = host.newStream().requestHeaders(REQ);
  assert.equal(out.kind, "local");
  const m = messages(host);
  const iLocal = m.indexOf("request local 200 cors_preflight - x-a=1 -> 0");
  const iAfter = m.indexOf("after-local");
  const iResp = m.findIndex((l) => l.startsWith("cb proxy_on_response_headers"));
  assert.ok(iLocal >= 0 && iLocal < iAfter && iAfter < iResp, m.join("\n"));
  const r = host.simulate({ method: "OPTIONS", headers: { host: "h", origin: "https://a" } }, { status: 599 });
  assert.equal(r.reachesUpstream, false);
  assert.equal(r.status, 200);
});

test("the reply passes through the SAME filter's proxy_on_response_headers, with :status and the given headers; its changes reach the client", async () => {
  const host = await probe(
    "request local 403 cors_forbidden Invalid~CORS~request x-a=1 x-a=2\nresponse pairs resp\nresponse add resp x-from-response-phase yes",
  );
  const s = host.newStream();
  const out = s.requestHeaders(REQ);
  assert.equal(
    result(host, "response pairs resp"),
    "0 5 :status=403|x-a=1|x-a=2|content-length=20|content-type=text/plain",
  );
  assert.deepEqual(out, {
    kind: "local",
    status: 403,
    headers: [["x-a", "1"], ["x-a", "2"], ["content-length", "20"], ["content-type", "text/plain"], ["x-from-response-phase", "yes"]],
    body: "Invalid CORS request",
    details: "cors_forbidden",
    grpcStatus: null,
    action: 0, // what the probe returned; Envoy stops the request whatever it is
  });
  const id = s.id;
  assert.ok(callbacks(host).includes(`proxy_on_response_headers ${id} 5 0`));
});

test("during the local reply's response callback the request headers are still readable (the request was stopped)", async () => {
  const host = await probe("request local 200 p -\nresponse get req origin");
  host.newStream().requestHeaders(REQ);
  assert.equal(result(host, "response get req origin"), "0 https://a");
});

test("details: spaces become '_'; an empty body gets no content-type; a module content-type is kept; grpc_status -1 → none", async () => {
  const host = await probe("request local 204 cors~preflight~ok -");
  const out = host.newStream().requestHeaders(REQ);
  assert.equal(out.kind, "local");
  if (out.kind !== "local") return;
  assert.equal(out.details, "cors_preflight_ok");
  assert.deepEqual(out.headers, []);
  assert.equal(out.grpcStatus, null);
  const h2 = await probe("request local 403 x {} content-type=application/json");
  const o2 = h2.newStream().requestHeaders(REQ);
  assert.ok(o2.kind === "local");
  if (o2.kind === "local") assert.deepEqual(o2.headers, [["content-type", "application/json"], ["content-length", "2"]]);
});

test("a second local reply from the response callback of a local reply replaces it, without re-entering the filter; recorded as an error", async () => {
  const host = await probe("request local 403 first - x-a=1\nresponse local 500 second -");
  const s = host.newStream();
  const out = s.requestHeaders(REQ);
  assert.deepEqual(out.kind === "local" && [out.status, out.details, out.headers], [500, "second", []]);
  assert.equal(host.errors.length, 1);
  assert.match(host.errors[0], /response callback of its own local reply/);
  assert.equal(result(host, "response local 500 second -"), "0");
  assert.equal(callbacks(host).filter((c) => c.startsWith("proxy_on_response_headers")).length, 1);
});

test("Kong: a second local response traps ('local response already stashed')", async () => {
  const host = await load("probe", { profile: "kong" });
  host.configure("request local 403 first -\nrequest local 500 second -");
  host.newStream().requestHeaders(REQ);
  assert.equal(host.failed, true);
  assert.match(host.failure!, /local response already stashed/);
});

test("two local replies in one request callback: the first wins, the second is recorded", async () => {
  const host = await probe("request local 401 a -\nrequest local 402 b -");
  const out = host.newStream().requestHeaders(REQ);
  assert.equal(out.kind === "local" && out.status, 401);
  assert.match(host.errors[0], /twice in one callback/);
});

test("a local reply from the response phase replaces the upstream response without re-entering the filter", async () => {
  const host = await probe("response local 502 from_response oops");
  const s = host.newStream();
  assert.equal(s.requestHeaders(REQ).kind, "continue");
  const before = callbacks(host).filter((c) => c.startsWith("proxy_on_response_headers")).length;
  const out = s.responseHeaders([[":status", "200"], ["x-up", "1"]]);
  assert.equal(out.status, 502);
  assert.equal(out.localReply?.body, "oops");
  assert.deepEqual(out.headers, [[":status", "502"], ["content-length", "4"], ["content-type", "text/plain"]]);
  assert.equal(callbacks(host).filter((c) => c.startsWith("proxy_on_response_headers")).length, before + 1);
});

test("a local reply sent from the stream's proxy_on_context_create is sent after proxy_on_request_headers ran (Envoy defers it)", async () => {
  const host = await probe("create local 429 early -\nrequest get req origin");
  const s = host.newStream();
  const out = s.requestHeaders(REQ);
  assert.equal(out.kind === "local" && out.status, 429);
  assert.deepEqual(callbacks(host).slice(-3), [`proxy_on_context_create ${s.id} ${host.rootContextId}`, `proxy_on_request_headers ${s.id} 5 1`, `proxy_on_response_headers ${s.id} 1 1`]);
  assert.equal(result(host, "request get req origin"), "0 https://a");
});
