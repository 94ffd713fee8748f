// The built-in upstream: answers 200 with the request it saw as JSON.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface EchoUpstream {
  url: string;
  close(): Promise<void>;
}

export interface EchoBody {
  method: string;
  path: string;
  /** Header lines exactly as received (names lower-cased, repeats kept, in order). */
  headers: Array<[string, string]>;
  /** The request body, as text (truncated after 64 KiB), and its full length in bytes. */
  body: string;
  bodyLength: number;
}

const MAX_BODY_ECHO = 64 * 1024;

export function echoHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  let length = 0;
  let kept = 0;
  req.on("data", (c: Buffer) => {
    length += c.length;
    if (kept < MAX_BODY_ECHO) {
      const part = c.subarray(0, MAX_BODY_ECHO - kept);
      chunks.push(part);
      kept += part.length;
    }
  });
  req.on("end", () => {
    const headers: Array<[string, string]> = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      headers.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
    }
    const echo: EchoBody = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers,
      body: Buffer.concat(chunks).toString("utf8"),
      bodyLength: length,
    };
    const body = Buffer.from(formatEcho(echo));
    res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
    res.end(req.method === "HEAD" ? undefined : body);
  });
}

export async function startEchoUpstream(): Promise<EchoUpstream> {
  const server = http.createServer(echoHandler);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections?.();
      }),
  };
}

/** Pretty JSON with one header line per row (readable in a terminal, still plain JSON). */
export function formatEcho(e: EchoBody): string {
  const rows = e.headers.map((h) => `    ${JSON.stringify(h)}`).join(",\n");
  return (
    `{\n  "method": ${JSON.stringify(e.method)},\n  "path": ${JSON.stringify(e.path)},\n` +
    `  "headers": [${rows === "" ? "" : `\n${rows}\n  `}],\n` +
    `  "body": ${JSON.stringify(e.body)},\n  "bodyLength": ${e.bodyLength}\n}\n`
  );
}
