// One full exchange (conformance runner, CLI `explain`): the request as Envoy's codec hands it to filters
// (:authority from Host, :path, :method, :scheme, then the other lines), the upstream's answer through the
// response phase, then done/log/delete.

import { toHeaderList } from "./headers.js";
import type { Stream } from "./stream.js";
import type { HeaderList, LocalReply, SimRequest, SimResponse, SimResult } from "./types.js";

export function requestLines(req: SimRequest): HeaderList {
  const lines: HeaderList = [];
  const rest: HeaderList = [];
  let authority: string | null = null;
  for (const [name, value] of toHeaderList(req.headers)) {
    if (name.toLowerCase() === "host") {
      if (authority === null) authority = value;
    } else rest.push([name, value]);
  }
  if (authority !== null) lines.push([":authority", authority]);
  lines.push([":path", req.path ?? "/"]);
  lines.push([":method", req.method]);
  lines.push([":scheme", req.scheme ?? "http"]);
  return lines.concat(rest);
}

function withoutPseudo(list: HeaderList): HeaderList {
  return list.filter(([n]) => !n.startsWith(":"));
}

export function runExchange(stream: Stream, req: SimRequest, upstream: SimResponse | null, logs: () => SimResult["logs"]): SimResult {
  try {
    const out = stream.requestHeaders(requestLines(req), req.endOfStream ?? true);
    if (out.kind === "local") {
      const { kind: _k, ...local } = out;
      const localReply: LocalReply = local;
      return { reachesUpstream: false, status: local.status, headers: local.headers, body: local.body, localReply, logs: logs() };
    }
    if (out.kind === "stop") {
      return { reachesUpstream: false, status: 0, headers: [], body: "", stalled: true, logs: logs() };
    }
    const up: SimResponse = upstream ?? { status: 200, headers: {} };
    const body = up.body ?? "";
    const respLines: HeaderList = [[":status", String(up.status)], ...toHeaderList(up.headers)];
    const resp = stream.responseHeaders(respLines, body.length === 0);
    const result: SimResult = {
      reachesUpstream: true,
      status: resp.status,
      headers: withoutPseudo(resp.headers),
      body: resp.localReply ? resp.localReply.body : body,
      upstreamRequest: out.headers,
      logs: [],
    };
    if (resp.localReply) result.localReply = resp.localReply;
    if (resp.stopped) result.stalled = true;
    stream.finish();
    result.logs = logs();
    return result;
  } finally {
    stream.finish();
  }
}
