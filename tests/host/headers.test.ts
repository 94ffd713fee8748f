// Per-request lifecycle and header maps (host-facts.md §4.1, behaviour.md §2).
import assert from "node:assert/strict";
import { test } from "node:test";
import { callbacks, load, probe, result, results } from "./helpers.js";

const REQ: Array<[string, string]> = [
  [":authority", "api.example.com"],
  [":path", "/x?y=1"],
  [":method", "GET"],
  [":scheme", "https"],
];

test("per request: context_create(ctx, root), request_headers(ctx, lines, eos), response_headers, log, done, delete", async () => {
  const host = await probe("");
  const s = host.newStream();
  const id = s.id;
  const before = callbacks(host).length;
  s.requestHeaders([...REQ, ["origin", "https://a"]], true);
  s.responseHeaders([[":status", "200"], ["x-a", "1"]], false);
  s.finish();
  assert.deepEqual(callbacks(host).slice(before), [
    `proxy_on_context_create ${id} ${host.rootContextId}`,
    `proxy_on_request_headers ${id} 5 1`,
    `proxy_on_response_headers ${id} 2 0`,
    `proxy_on_log ${id}`,
    `proxy_on_done ${id}`,
    `proxy_on_delete ${id}`,
  ]);
  assert.equal(host.contextCount, 1); // only the root is left
});

test("request map: pseudo-headers :method :path :authority :scheme; names lower-cased; lookups case-insensitive", async () => {
  const host = await probe(
    ["request get req :method", "request get req :path", "request get req :authority", "request get req :scheme",
      "request get req x-custom", "request get req X-CUSTOM", "request pairs req"].join("\n"),
  );
  host.newStream().requestHeaders([...REQ, ["X-Custom", "v"]]);
  assert.equal(result(host, "request get req :method"), "0 GET");
  assert.equal(result(host, "request get req :path"), "0 /x?y=1");
  assert.equal(result(host, "request get req :authority"), "0 api.example.com");
  assert.equal(result(host, "request get req :scheme"), "0 https");
  assert.equal(result(host, "request get req x-custom"), "0 v");
  assert.equal(result(host, "request get req X-CUSTOM"), "0 v");
  assert.equal(result(host, "request pairs req"), "0 5 :authority=api.example.com|:path=/x?y=1|:method=GET|:scheme=https|x-custom=v");
});

test("pseudo-headers stay before regular headers, whatever the input order", async () => {
  const host = await probe("request pairs req");
  host.newStream().requestHeaders([["a", "1"], [":method", "GET"], ["b", "2"], [":path", "/"]]);
  assert.equal(result(host, "request pairs req"), "0 4 :method=GET|:path=/|a=1|b=2");
});

test("response map has :status", async () => {
  const host = await probe("response get resp :status\nresponse get resp server");
  const s = host.newStream();
  s.requestHeaders(REQ);
  s.responseHeaders([[":status", "204"], ["Server", "up"]]);
  assert.equal(result(host, "response get resp :status"), "0 204");
  assert.equal(result(host, "response get resp server"), "0 up");
});

test("a missing header → NOT_FOUND (1)", async () => {
  const host = await probe("request get req origin");
  host.newStream().requestHeaders(REQ);
  assert.equal(result(host, "request get req origin"), "1 ");
});

test("repeated origin / access-control-request-method / access-control-request-headers are joined with ','", async () => {
  const host = await probe(
    "request get req origin\nrequest get req access-control-request-method\nrequest get req access-control-request-headers\nrequest pairs req",
  );
  host.newStream().requestHeaders([
    ...REQ,
    ["Origin", "https://a"],
    ["access-control-request-headers", "x-a"],
    ["origin", "https://b"],
    ["Access-Control-Request-Method", "PUT"],
    ["access-control-request-method", "GET"],
    ["access-control-request-headers", "x-b, x-c"],
  ]);
  assert.equal(result(host, "request get req origin"), "0 https://a,https://b");
  assert.equal(result(host, "request get req access-control-request-method"), "0 PUT,GET");
  assert.equal(result(host, "request get req access-control-request-headers"), "0 x-a,x-b, x-c");
  assert.match(result(host, "request pairs req"), /^0 7 /);
});

test("every inline request header is joined, not only the CORS ones; empty lines are left out of the join", async () => {
  const host = await probe(
    "request get req x-forwarded-proto\nrequest get req access-control-request-private-network\nrequest get req origin\nrequest get req user-agent\nrequest pairs req",
  );
  host.newStream().requestHeaders([
    ...REQ,
    ["x-forwarded-proto", "https"], ["X-Forwarded-Proto", "http"],
    ["access-control-request-private-network", "true"], ["access-control-request-private-network", "true"],
    ["origin", ""], ["origin", "https://a"], ["origin", ""],
    ["user-agent", ""], ["user-agent", ""],
  ]);
  assert.equal(result(host, "request get req x-forwarded-proto"), "0 https,http");
  assert.equal(result(host, "request get req access-control-request-private-network"), "0 true,true");
  assert.equal(result(host, "request get req origin"), "0 https://a");
  assert.equal(result(host, "request get req user-agent"), "0 ");
  assert.match(result(host, "request pairs req"), /^0 8 /);
});

test("a repeated header that is not inline: get_header_map_value returns the first line; get_header_map_pairs returns every line", async () => {
  const host = await probe("request get req x-custom\nrequest pairs req");
  host.newStream().requestHeaders([...REQ, ["x-custom", "a"], ["X-Custom", ""], ["x-custom", "b"]]);
  assert.equal(result(host, "request get req x-custom"), "0 a");
  assert.match(result(host, "request pairs req"), /x-custom=a\|x-custom=\|x-custom=b$/);
});

test("the response map joins Envoy's inline response headers (vary, access-control-allow-origin, …), not the others", async () => {
  const host = await probe("response get resp vary\nresponse get resp access-control-allow-origin\nresponse pairs resp");
  const s = host.newStream();
  s.requestHeaders(REQ);
  s.responseHeaders([[":status", "200"], ["Vary", "Cookie"], ["x-app", "1"], ["vary", "Origin"], ["x-app", "2"], ["access-control-allow-origin", "*"], ["access-control-allow-origin", "*"]]);
  assert.equal(result(host, "response get resp vary"), "0 Cookie,Origin");
  assert.equal(result(host, "response get resp access-control-allow-origin"), "0 *,*");
  assert.equal(result(host, "response pairs resp"), "0 5 :status=200|vary=Cookie,Origin|x-app=1|x-app=2|access-control-allow-origin=*,*");
});

test("leading/trailing spaces and tabs of values are trimmed (codec); inner ones kept; empty values stay present", async () => {
  const host = await probe("request get req origin\nrequest get req x-a\nrequest get req x-empty");
  host.newStream().requestHeaders([...REQ, ["origin", " \t https://a \t"], ["x-a", "  a  b "], ["x-empty", "   "]]);
  assert.equal(result(host, "request get req origin"), "0 https://a");
  assert.equal(result(host, "request get req x-a"), "0 a  b");
  assert.equal(result(host, "request get req x-empty"), "0 ");
});

test("replace removes every line of the key then adds one; add appends a line; remove of an absent key is OK", async () => {
  const host = await probe(
    ["request add req x-a 3", "request replace req X-B new", "request remove req x-absent", "request pairs req"].join("\n"),
  );
  const out = host.newStream().requestHeaders([[":method", "GET"], ["x-b", "1"], ["x-a", "1"], ["x-b", "2"]]);
  assert.equal(result(host, "request add req x-a 3"), "0");
  assert.equal(result(host, "request replace req X-B new"), "0");
  assert.equal(result(host, "request remove req x-absent"), "0");
  assert.equal(result(host, "request pairs req"), "0 4 :method=GET|x-a=1|x-a=3|x-b=new");
  assert.deepEqual(out, { kind: "continue", headers: [[":method", "GET"], ["x-a", "1"], ["x-a", "3"], ["x-b", "new"]], action: 0 });
});

test("request headers are unreadable (BAD_ARGUMENT) once proxy_on_request_headers returned Continue, readable again in on_log", async () => {
  const host = await probe(
    ["response get req origin", "response pairs req", "response add req x-late 1", "done get req origin", "log get req origin"].join("\n"),
  );
  const s = host.newStream();
  s.requestHeaders([...REQ, ["origin", "https://a"]]);
  s.responseHeaders([[":status", "200"]]);
  s.finish();
  assert.equal(result(host, "response get req origin"), "2 ");
  assert.equal(result(host, "response pairs req"), "0 0"); // pairs of a map that is not available: OK, none
  assert.equal(result(host, "response add req x-late 1"), "2");
  assert.equal(result(host, "done get req origin"), "2 ");
  assert.equal(result(host, "log get req origin"), "0 https://a");
});

test("request headers stay readable while the request is paused (Pause returned)", async () => {
  const host = await probe("request return 1\nresponse get req origin");
  const s = host.newStream();
  const out = s.requestHeaders([...REQ, ["origin", "https://a"]]);
  assert.equal(out.kind, "stop");
});

test("response headers are unreadable after proxy_on_response_headers returned Continue (on_done), readable in on_log", async () => {
  const host = await probe("done get resp :status\nlog get resp :status\nrequest get resp :status");
  const s = host.newStream();
  s.requestHeaders(REQ);
  s.responseHeaders([[":status", "201"]]);
  s.finish();
  assert.equal(result(host, "request get resp :status"), "2 ");
  assert.equal(result(host, "done get resp :status"), "2 ");
  assert.equal(result(host, "log get resp :status"), "0 201");
});

test("unknown map type → BAD_ARGUMENT; trailers and other maps are not available (BAD_ARGUMENT)", async () => {
  const host = await probe("request get 9 origin\nrequest get 1 x\nrequest get 3 x\nrequest add 8 x y\nrequest pairs 42");
  host.newStream().requestHeaders(REQ);
  assert.equal(result(host, "request get 9 origin"), "2 ");
  assert.equal(result(host, "request get 1 x"), "2 ");
  assert.equal(result(host, "request get 3 x"), "2 ");
  assert.equal(result(host, "request add 8 x y"), "2");
  assert.equal(result(host, "request pairs 42"), "2");
});

test("response modifications reach the client; request modifications reach the upstream", async () => {
  const host = await probe("request add req x-to-upstream 1\nresponse replace resp x-up changed\nresponse add resp vary Origin\nresponse add resp x-new a\nresponse add resp x-new b");
  const r = host.simulate({ method: "GET", headers: { host: "h" } }, { status: 200, headers: { "x-up": "1", vary: "accept" } });
  // replace = remove + add: the replaced header moves to the end (setCopy); add to an inline header that is
  // present (vary) appends to its value (addCopy), to any other adds a line
  assert.deepEqual(r.headers, [["vary", "accept,Origin"], ["x-up", "changed"], ["x-new", "a"], ["x-new", "b"]]);
  assert.ok(r.upstreamRequest!.some(([n, v]) => n === "x-to-upstream" && v === "1"));
  assert.equal(results(host, "request add req x-to-upstream 1").length, 1);
});

test("APISIX never calls proxy_on_log (§3.2); Envoy and Kong do", async () => {
  for (const [profile, calls] of [["envoy", true], ["kong", true], ["apisix", false]] as const) {
    const host = await load("probe", { profile });
    host.configure("");
    host.simulate({ method: "GET", headers: { host: "h" } }, null);
    assert.equal(callbacks(host).some((c) => c.startsWith("proxy_on_log")), calls, profile);
    assert.ok(callbacks(host).some((c) => c.startsWith("proxy_on_delete")), profile);
  }
});

test("proxy_set_effective_context: a known id switches the context for the rest of the callback; unknown → BAD_ARGUMENT", async () => {
  const host = await probe("request effective 999\nrequest get req :method\nrequest effective root\nrequest get req :path");
  host.newStream().requestHeaders(REQ);
  assert.equal(result(host, "request effective 999"), "2");
  assert.equal(result(host, "request get req :method"), "0 GET");
  assert.equal(result(host, "request effective root"), "0");
  assert.equal(result(host, "request get req :path"), "2 "); // the root context has no request headers
});

test("values larger than the module's memory survive memory.grow during the host's allocation", async () => {
  const big = "x".repeat(300_000);
  const host = await probe("request get req x-big\nrequest pairs req");
  host.newStream().requestHeaders([...REQ, ["x-big", big]]);
  assert.equal(result(host, "request get req x-big"), `0 ${big}`);
  assert.match(result(host, "request pairs req"), new RegExp(`x-big=x{300000}$`));
});

test("newStream before configure() is refused: Envoy creates the root context first", async () => {
  const host = await load("probe");
  assert.throws(() => host.newStream(), /configure\(\) first/);
});
