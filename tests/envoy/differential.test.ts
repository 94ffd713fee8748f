// The differential table: requests whose bytes (or upstream answers) exercise what Envoy's codec does before
// the filter runs — joined repeated lines of inline headers, empty lines left out of the join, methods its
// HTTP/1 codec refuses, bare CRs, folded lines — and upstream answers with repeated Vary lines. Each row runs
// through real Envoy and the dev proxy; both must give the same answer (status, headers, body, reaches
// upstream), and Envoy's answer must show what the row's `expect` says (docs/behaviour.md §2, §4, measured in
// Envoy 1.40.0).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { differences, exchange, startPair, type Exchange, type FilterGroup, type Pair } from "./pair.js";
import type { Lines } from "./raw-http.js";
import type { UpstreamAnswer } from "./upstream.js";
import { combined } from "../conformance/cases.js";

interface Row {
  id: string;
  why: string;
  method: string;
  path?: string;
  lines: Lines;
  /** Bytes after the head, as written (framing included). */
  body?: string;
  upstream?: UpstreamAnswer;
  expect: { status: number; reachesUpstream: boolean; headers?: Record<string, string | null>; body?: string };
}

const CONFIG = JSON.stringify({
  allow_origins: ["https://app.example.com"],
  allow_methods: ["PUT", "PATCH", "MSEARCH"],
  allow_headers: ["x-a", "x-b"],
  allow_private_network: true,
  max_age: 600,
});
const HOST: [string, string] = ["Host", "api.example.com"];
const APP = "https://app.example.com";
const PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
const BAD_REQUEST = { status: 400, reachesUpstream: false, body: "Bad Request", headers: { "content-type": "text/plain", "access-control-allow-origin": null } };

const rows: Row[] = [
  {
    id: "empty-origin-line-left-out",
    why: "an empty Origin line and a non-empty one: Envoy leaves the empty line out of the join",
    method: "GET",
    lines: [HOST, ["Origin", ""], ["Origin", APP]],
    expect: { status: 200, reachesUpstream: true, headers: { "access-control-allow-origin": APP } },
  },
  {
    id: "two-origin-lines-joined",
    why: "two non-empty Origin lines arrive as one malformed value",
    method: "GET",
    lines: [HOST, ["Origin", APP], ["origin", APP]],
    expect: { status: 200, reachesUpstream: true, headers: { "access-control-allow-origin": null } },
  },
  {
    id: "empty-acrm-line-left-out",
    why: "an empty Access-Control-Request-Method line and PUT: the preflight asks for PUT",
    method: "OPTIONS",
    lines: [HOST, ["Origin", APP], ["Access-Control-Request-Method", ""], ["Access-Control-Request-Method", "PUT"]],
    expect: { status: 200, reachesUpstream: false, headers: { "access-control-allow-origin": APP, vary: PREFLIGHT_VARY } },
  },
  {
    id: "acrh-lines-joined-empty-left-out",
    why: "ACRH lines x-a, empty, x-b arrive as one list x-a,x-b",
    method: "OPTIONS",
    lines: [HOST, ["Origin", APP], ["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "x-a"], ["Access-Control-Request-Headers", ""], ["Access-Control-Request-Headers", "x-b"]],
    expect: { status: 200, reachesUpstream: false, headers: { "access-control-allow-headers": "x-a,x-b" } },
  },
  {
    id: "two-acrpn-lines-joined",
    why: "two Access-Control-Request-Private-Network: true lines arrive as true,true (an inline header), which is not true",
    method: "OPTIONS",
    lines: [HOST, ["Origin", APP], ["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Private-Network", "true"], ["access-control-request-private-network", "true"]],
    expect: { status: 200, reachesUpstream: false, headers: { "access-control-allow-private-network": null } },
  },
  {
    id: "one-acrpn-line",
    why: "the same preflight with one ACRPN line is granted private network access",
    method: "OPTIONS",
    lines: [HOST, ["Origin", APP], ["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Private-Network", "true"]],
    expect: { status: 200, reachesUpstream: false, headers: { "access-control-allow-private-network": "true" } },
  },
  {
    id: "x-forwarded-proto-empty-line-left-out",
    why: "X-Forwarded-Proto lines empty and https arrive as https (an inline header): the https Origin of the same host is same-origin",
    method: "GET",
    lines: [["Host", "app.example.com"], ["Origin", APP], ["X-Forwarded-Proto", ""], ["X-Forwarded-Proto", "https"]],
    expect: { status: 200, reachesUpstream: true, headers: { "access-control-allow-origin": null } },
  },
  {
    id: "x-forwarded-proto-lines-joined",
    why: "X-Forwarded-Proto lines http and https arrive as http,https: the first token (http) is the scheme, so an https Origin of the same host is cross-origin",
    method: "GET",
    lines: [["Host", "app.example.com"], ["Origin", APP], ["X-Forwarded-Proto", "http"], ["X-Forwarded-Proto", "https"]],
    expect: { status: 200, reachesUpstream: true, headers: { "access-control-allow-origin": APP } },
  },
  {
    id: "method-QUERY-refused",
    why: "QUERY is not in Envoy's HTTP/1 method list either; Envoy 1.40.0 answers it with a 400 without body",
    method: "QUERY",
    lines: [HOST, ["Origin", APP]],
    expect: { status: 400, reachesUpstream: false, body: "", headers: { "content-type": null, "access-control-allow-origin": null } },
  },
  ...["patch", "Options", "get", "FOO", "M-SEARCH"].map((method): Row => ({
    id: `method-${method}-refused`,
    why: `${method} is not in Envoy's HTTP/1 method list: its codec answers 400 before any filter runs`,
    method,
    lines: [HOST, ["Origin", APP]],
    expect: BAD_REQUEST,
  })),
  {
    id: "method-MSEARCH-accepted",
    why: "MSEARCH is in Envoy's HTTP/1 method list (Node's parser refuses it): an actual request from an allowed origin",
    method: "MSEARCH",
    lines: [HOST, ["Origin", APP]],
    expect: { status: 200, reachesUpstream: true, headers: { "access-control-allow-origin": APP } },
  },
  {
    id: "bare-cr-removed",
    why: "a bare CR inside a value is removed by Envoy's codec: https://app.exa\\rmple.com arrives as the allowed origin",
    method: "GET",
    lines: [HOST, ["Origin", "https://app.exa\rmple.com"]],
    expect: { status: 200, reachesUpstream: true, headers: { "access-control-allow-origin": APP } },
  },
  {
    id: "obs-fold-unfolded",
    why: "a folded ACRH line is unfolded: x-a,\\r\\n  x-b arrives as one list naming x-a and x-b, both allowed",
    method: "OPTIONS",
    lines: [HOST, ["Origin", APP], ["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "x-a,\r\n  x-b"]],
    expect: { status: 200, reachesUpstream: false, headers: { "access-control-allow-headers": "x-a,x-b" } },
  },
  {
    id: "obs-fold-unfolded-denied",
    why: "a folded ACRH line naming a header that is not allowed (x-c): the preflight is refused",
    method: "OPTIONS",
    lines: [HOST, ["Origin", APP], ["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "x-a,\r\n\tx-c"]],
    expect: { status: 403, reachesUpstream: false, body: "Invalid CORS request" },
  },
  {
    id: "upstream-vary-empty-and-star",
    why: "the upstream sends Vary: ,, and Vary: * (Envoy joins them as ,,,*): a * member makes the merged value *",
    method: "GET",
    lines: [HOST, ["Origin", APP]],
    upstream: { status: 200, headers: [["Vary", ",,"], ["Vary", "*"]] },
    expect: { status: 200, reachesUpstream: true, headers: { vary: "*", "access-control-allow-origin": APP } },
  },
  {
    id: "upstream-vary-two-lines",
    why: "the upstream sends Vary: Cookie and Vary: Origin (Envoy joins them as Cookie,Origin): one value in one form",
    method: "GET",
    lines: [HOST, ["Origin", APP]],
    upstream: { status: 200, headers: [["Vary", "Cookie"], ["Vary", "Origin"]] },
    expect: { status: 200, reachesUpstream: true, headers: { vary: "Cookie, Origin" } },
  },
  {
    id: "upstream-vary-two-lines-added",
    why: "the upstream sends Vary: Cookie and Vary: Accept-Encoding: Origin is added to the one merged value",
    method: "GET",
    lines: [HOST, ["Origin", APP]],
    upstream: { status: 200, headers: [["Vary", "Cookie"], ["Vary", "Accept-Encoding"]] },
    expect: { status: 200, reachesUpstream: true, headers: { vary: "Cookie, Accept-Encoding, Origin" } },
  },
  {
    id: "upstream-acao-two-lines",
    why: "the upstream sends two Access-Control-Allow-Origin lines (an inline response header in Envoy): the filter's grant replaces them",
    method: "GET",
    lines: [HOST, ["Origin", APP]],
    upstream: { status: 200, headers: [["Access-Control-Allow-Origin", "https://other.example"], ["Access-Control-Allow-Origin", "*"]] },
    expect: { status: 200, reachesUpstream: true, headers: { "access-control-allow-origin": APP } },
  },
  {
    id: "content-length-bare-cr",
    why: "a bare CR inside Content-Length: the body is framed before the CR is removed, so 1\\r0 is not a number: Envoy's 400",
    method: "POST",
    lines: [HOST, ["Origin", APP], ["Content-Length", "1\r0"]],
    body: "0123456789",
    expect: BAD_REQUEST,
  },
  {
    id: "transfer-encoding-folded",
    why: "a folded Transfer-Encoding line is unfolded before the body is framed: the chunked body reaches the upstream",
    method: "POST",
    lines: [HOST, ["Origin", APP], ["Transfer-Encoding", "\r\n chunked"]],
    body: "5\r\nhello\r\n0\r\n\r\n",
    expect: { status: 200, reachesUpstream: true, headers: { "access-control-allow-origin": APP } },
  },
  {
    id: "upstream-custom-header-two-lines",
    why: "a header that is not inline (x-app) keeps its two lines",
    method: "GET",
    lines: [HOST, ["Origin", APP]],
    upstream: { status: 200, headers: [["X-App", "1"], ["X-App", "2"]] },
    // two lines read "1, 2" (header() joins lines so); one merged line would read "1,2"
    expect: { status: 200, reachesUpstream: true, headers: { "x-app": "1, 2" } },
  },
];

const group: FilterGroup = { name: "differential", config: CONFIG };
let pair: Pair;
before(async () => {
  pair = await startPair([group]);
  for (const r of rows) if (r.upstream) pair.upstream.answers.set(r.id, r.upstream);
});
after(async () => {
  await pair?.close();
});

async function run(r: Row, side: "envoy" | "host"): Promise<Exchange> {
  const t = pair.targets.get(group.name)![side];
  return exchange(pair, t, `${side}:${r.id}`, r.method, r.path ?? "/", r.lines, r.body);
}

const header = (x: Exchange, name: string): string | null => combined(x.headers, name);

for (const r of rows) {
  test(`${r.id}: ${r.why}`, async () => {
    const envoy = await run(r, "envoy");
    assert.equal(envoy.status, r.expect.status, "Envoy's status");
    assert.equal(envoy.reachesUpstream, r.expect.reachesUpstream, "Envoy: reaches upstream");
    for (const [name, want] of Object.entries(r.expect.headers ?? {})) assert.equal(header(envoy, name), want, `Envoy's ${name}`);
    if (r.expect.body !== undefined) assert.equal(envoy.body, r.expect.body, "Envoy's body");
    const host = await run(r, "host");
    assert.deepEqual(differences(envoy, host), [], `${r.id}: the dev proxy disagrees with Envoy`);
  });
}

test("what the upstream receives: a non-inline header keeps its lines; a folded line is unfolded keeping its leading whitespace; a bare CR is gone", async () => {
  const r: Row = {
    id: "upstream-view", why: "", method: "GET",
    lines: [HOST, ["X-Custom", "1"], ["X-Custom", "2"], ["X-Folded", "one\r\n  two"], ["X-Cr", "a\rb"]],
    expect: { status: 200, reachesUpstream: true },
  };
  for (const side of ["envoy", "host"] as const) {
    const x = await run(r, side);
    const got = x.upstreamRequest!.filter(([n]) => n.startsWith("x-") && n !== "x-forwarded-for" && n !== "x-forwarded-proto" && n !== "x-conformance-case" && !n.startsWith("x-envoy") && n !== "x-request-id");
    assert.deepEqual(got, [["x-custom", "1"], ["x-custom", "2"], ["x-folded", "one  two"], ["x-cr", "ab"]], side);
  }
});
