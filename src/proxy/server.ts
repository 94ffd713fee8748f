// The dev proxy: a real HTTP server that runs every request through the filter (one stream per request)
// the way Envoy would, then forwards to the upstream or answers with the filter's local reply.
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { FilterLike, HeaderList, StreamLike } from "./filter.js";
import { addEnvoyRequestHeaders, fromRaw, pseudo, requestHasBody, stripHopByHop, toEnvoyRequest, toFlat } from "./headers.js";
import { startEchoUpstream, type EchoUpstream } from "./echo.js";
import { answerClientErrorLikeEnvoy, frontListener } from "./front.js";
import { envoyMethod } from "./http1.js";

export interface ProxyOptions {
  filter: FilterLike;
  host?: string; // listen address, default 127.0.0.1
  port?: number; // default 10000; 0 = any free port
  /** Upstream base URL (http:// or https://); undefined = the built-in echo upstream. */
  upstream?: string;
  /** Properties set on every stream (e.g. xds.route_name). */
  streamProperties?: Record<string, string>;
  /** A TLS listener (then :scheme is https). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Called for proxy-level problems (upstream errors, filter exceptions). */
  log?: (line: string) => void;
}

export interface RunningProxy {
  url: string;
  host: string;
  port: number;
  upstream: string;
  close(): Promise<void>;
  /** Resolves when the listener has closed. */
  closed: Promise<void>;
  /** Use another filter (e.g. a reloaded configuration) for the requests that start from now on. */
  setFilter(filter: FilterLike): void;
}

/** Envoy's answer when the upstream cannot be reached. */
const UPSTREAM_FAILURE_BODY = "upstream connect error or disconnect/reset before headers. reset reason: connection failure";

function sendLines(res: http.ServerResponse, status: number, lines: HeaderList, body?: Buffer): void {
  const flat = toFlat(stripHopByHop(lines));
  if (body !== undefined) {
    // the proxy frames the body itself
    const cleaned: string[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      if (flat[i] === "content-length") continue;
      cleaned.push(flat[i], flat[i + 1]);
    }
    cleaned.push("content-length", String(body.length));
    res.writeHead(status, cleaned);
    res.end(body);
    return;
  }
  res.writeHead(status, flat);
}

function statusOf(lines: HeaderList, fallback: number): number {
  const s = Number(pseudo(lines, ":status"));
  return Number.isInteger(s) && s >= 100 && s <= 999 ? s : fallback;
}

export async function startProxy(opts: ProxyOptions): Promise<RunningProxy> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));
  let echo: EchoUpstream | null = null;
  let upstreamBase: URL;
  if (opts.upstream === undefined) {
    echo = await startEchoUpstream();
    upstreamBase = new URL(echo.url);
  } else {
    upstreamBase = new URL(opts.upstream);
    if (upstreamBase.protocol !== "http:" && upstreamBase.protocol !== "https:") {
      throw new Error(`--upstream must be an http:// or https:// URL, got ${opts.upstream}`);
    }
  }
  const scheme: "http" | "https" = opts.tls ? "https" : "http";
  // swapped whole by setFilter (a reloaded configuration), as Envoy swaps a plugin: streams already open
  // finish on the filter they started with
  let filter: FilterLike = opts.filter;
  const upstreamAgentOpts = { keepAlive: true };
  const upstreamAgent =
    upstreamBase.protocol === "https:" ? new https.Agent(upstreamAgentOpts) : new http.Agent(upstreamAgentOpts);

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const method = envoyMethod(req.method ?? "GET");
    const url = req.url ?? "/";
    const rawLines = fromRaw(req.rawHeaders);
    const envoyHeaders = addEnvoyRequestHeaders(toEnvoyRequest(method, url, scheme, req.rawHeaders), scheme);
    const hasBody = requestHasBody(rawLines);
    let stream: StreamLike;
    let outcome;
    try {
      stream = filter.newStream({ properties: opts.streamProperties ?? {} });
      outcome = stream.requestHeaders(envoyHeaders, !hasBody);
    } catch (e) {
      log(`dev proxy: the filter failed on ${method} ${url}: ${(e as Error).message}`);
      req.resume();
      sendLines(res, 500, [["content-type", "text/plain"]], Buffer.from("dev proxy: filter error\n"));
      return;
    }
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      try {
        stream.finish();
      } catch (e) {
        log(`dev proxy: finishing the stream failed: ${(e as Error).message}`);
      }
    };
    res.on("close", finish);

    if (outcome.kind === "local") {
      // Already passed through the filter's response callback by the host (as Envoy does).
      req.resume();
      const body = Buffer.from(outcome.body, "latin1"); // one char per byte (src/host LocalReply)
      if (method === "HEAD") {
        sendLines(res, outcome.status, outcome.headers);
        res.end();
      } else {
        sendLines(res, outcome.status, outcome.headers, body);
      }
      return;
    }

    // Continue: forward what the filter left of the request.
    const fwd = outcome.headers;
    const fMethod = pseudo(fwd, ":method") ?? method;
    const fPath = pseudo(fwd, ":path") ?? url;
    const authority = pseudo(fwd, ":authority") ?? "";
    const lines: HeaderList = [];
    if (authority !== "") lines.push(["host", authority]);
    for (const [k, v] of stripHopByHop(fwd)) {
      if (k.startsWith(":") || k === "host") continue;
      lines.push([k, v]);
    }
    // framing of the body we stream on
    if (hasBody && !lines.some(([k]) => k === "content-length")) lines.push(["transfer-encoding", "chunked"]);
    const remote = req.socket.remoteAddress ?? "";
    const xffIdx = lines.findIndex(([k]) => k === "x-forwarded-for");
    if (xffIdx >= 0) lines[xffIdx] = ["x-forwarded-for", `${lines[xffIdx][1]}, ${remote}`];
    else if (remote !== "") lines.push(["x-forwarded-for", remote]);

    const basePath = upstreamBase.pathname.replace(/\/$/, "");
    const target = basePath + (fPath.startsWith("/") ? fPath : "/" + fPath);
    const flat: string[] = [];
    for (const [k, v] of lines) flat.push(k, v);
    const mod = upstreamBase.protocol === "https:" ? https : http;
    const upReq = mod.request({
      protocol: upstreamBase.protocol,
      hostname: upstreamBase.hostname.replace(/^\[|\]$/g, ""),
      port: upstreamBase.port || (upstreamBase.protocol === "https:" ? 443 : 80),
      method: fMethod,
      path: target,
      headers: flat as unknown as http.OutgoingHttpHeaders,
      agent: upstreamAgent,
      setHost: false,
    });
    let responded = false;
    upReq.on("response", (upRes) => {
      responded = true;
      const status = upRes.statusCode ?? 502;
      const upLines: HeaderList = [[":status", String(status)], ...stripHopByHop(fromRaw(upRes.rawHeaders))];
      const bodyless =
        fMethod === "HEAD" || status === 204 || status === 304 || (status >= 100 && status < 200) ||
        upLines.some(([k, v]) => k === "content-length" && v.trim() === "0");
      let out: HeaderList;
      try {
        out = stream.responseHeaders(upLines, bodyless).headers;
      } catch (e) {
        log(`dev proxy: the filter failed on the response to ${fMethod} ${fPath}: ${(e as Error).message}`);
        out = upLines;
      }
      sendLines(res, statusOf(out, status), out);
      upRes.pipe(res);
      upRes.on("error", () => res.destroy());
    });
    upReq.on("error", (err) => {
      if (responded) {
        res.destroy();
        return;
      }
      responded = true;
      log(`dev proxy: upstream ${upstreamBase.host} unreachable for ${fMethod} ${fPath}: ${(err as Error).message}`);
      const body = Buffer.from(UPSTREAM_FAILURE_BODY);
      const lines503: HeaderList = [
        [":status", "503"],
        ["content-length", String(body.length)],
        ["content-type", "text/plain"],
      ];
      let out: HeaderList = lines503;
      try {
        out = stream.responseHeaders(lines503, false).headers;
      } catch (e) {
        log(`dev proxy: the filter failed on the 503: ${(e as Error).message}`);
      }
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendLines(res, statusOf(out, 503), out, fMethod === "HEAD" ? undefined : body);
      if (fMethod === "HEAD") res.end();
    });
    req.on("aborted", () => upReq.destroy());
    res.on("close", () => {
      if (!res.writableFinished) upReq.destroy();
    });
    req.pipe(upReq);
  };

  // Node's HTTP server runs behind the front listener (front.ts), which hands it each request head as Envoy's
  // codec would read it (and answers Envoy's 400 to what that codec refuses); TLS ends at the front.
  const server = http.createServer(handler);
  server.keepAliveTimeout = 5000;
  answerClientErrorLikeEnvoy(server);
  const front = frontListener(server, opts.tls);
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    front.once("error", reject);
    front.listen(opts.port ?? 10000, host, () => {
      front.off("error", reject);
      resolve();
    });
  });
  const addr = front.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" || host.includes(":") ? `[${addr.address}]` : host;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  front.on("close", () => resolveClosed());
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    if (closing) return closing;
    closing = (async () => {
      await new Promise<void>((r) => {
        front.close(() => r());
        server.closeIdleConnections?.();
        setTimeout(() => server.closeAllConnections?.(), 1000).unref();
      });
      server.close();
      upstreamAgent.destroy();
      if (echo) await echo.close();
    })();
    return closing;
  };
  return {
    url: `${scheme}://${shownHost}:${addr.port}`,
    host: shownHost,
    port: addr.port,
    upstream: echo ? "built-in echo" : upstreamBase.href,
    close,
    closed,
    setFilter: (f: FilterLike) => {
      filter = f;
    },
  };
}
