// Small HTTP helpers shared by the proxy / e2e tests.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface Reply {
  status: number;
  /** Lines as received: lower-cased names, repeats kept. */
  lines: Array<[string, string]>;
  body: string;
}

export function header(r: Reply, name: string): string | undefined {
  return r.lines.find(([k]) => k === name)?.[1];
}

export function all(r: Reply, name: string): string[] {
  return r.lines.filter(([k]) => k === name).map(([, v]) => v);
}

/** One request; headers as lines (so repeats can be sent). */
export function request(
  url: string,
  opts: { method?: string; headers?: Array<[string, string]>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const flat: string[] = [];
    for (const [k, v] of opts.headers ?? []) flat.push(k, v);
    if (!(opts.headers ?? []).some(([k]) => k.toLowerCase() === "host")) flat.unshift("Host", u.host);
    const req = http.request(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: opts.method ?? "GET",
        headers: flat as unknown as http.OutgoingHttpHeaders,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const lines: Array<[string, string]> = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
          resolve({ status: res.statusCode ?? 0, lines, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

export interface TestUpstream {
  url: string;
  port: number;
  seen: Array<{ method: string; url: string; lines: Array<[string, string]>; body: string }>;
  close(): Promise<void>;
}

/** A node:http upstream; `handle` may answer itself, else 200 "ok". */
export async function upstream(
  handle?: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void,
): Promise<TestUpstream> {
  const seen: TestUpstream["seen"] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const lines: Array<[string, string]> = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method ?? "", url: req.url ?? "", lines, body });
      if (handle) handle(req, res, body);
      else res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** A raw TCP upstream that answers every request with exactly `response` bytes, then closes. */
export async function rawUpstream(response: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = net.createServer((sock) => {
    let buf = "";
    sock.on("data", (d) => {
      buf += d.toString("latin1");
      if (buf.includes("\r\n\r\n")) sock.end(response);
    });
    sock.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A port nothing listens on. */
export async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
