// A hand-written HTTP/1.1 client on a bare socket (TCP or TLS): the request goes out byte for byte as given
// (repeated lines, empty values, the case of names, bare CRs, folded lines — Node's http client would
// normalise some of them), and the response comes back as its header lines in order. Plus an HTTP/2 (h2c)
// request for what HTTP/1 cannot carry through Envoy (a lower-case method).
import net from "node:net";
import tls from "node:tls";
import http2 from "node:http2";
import { headEnd } from "../../src/proxy/http1.js";

export interface Target {
  host: string;
  port: number;
  tls?: boolean;
}

export interface RawResponse {
  status: number;
  /** Header lines as received, names lower-cased, order and repeats kept. */
  headers: Array<[string, string]>;
  body: string;
}

export type Lines = Array<[string, string]>;

/** `METHOD path HTTP/1.1`, then every line `name: value` exactly as given, then the empty line. */
export function requestBytes(method: string, path: string, lines: Lines, body = ""): Buffer {
  let text = `${method} ${path} HTTP/1.1\r\n`;
  for (const [name, value] of lines) text += `${name}: ${value}\r\n`;
  return Buffer.from(text + "\r\n" + body, "latin1");
}

function parseHead(head: string): { status: number; headers: Lines } {
  const lines = head.split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
  if (!m) throw new Error(`not an HTTP/1 response: ${JSON.stringify(lines[0])}`);
  const headers: Lines = [];
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    headers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return { status: Number(m[1]), headers };
}

/** Body bytes of a complete response in `rest`, or null when more is needed (`closed`: the peer ended). */
function bodyOf(headers: Lines, status: number, isHead: boolean, rest: Buffer, closed: boolean): Buffer | null {
  if (isHead || status === 204 || status === 304 || (status >= 100 && status < 200)) return Buffer.alloc(0);
  const te = headers.find(([n]) => n === "transfer-encoding");
  if (te && /chunked/i.test(te[1])) {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const eol = rest.indexOf("\r\n", at);
      if (eol < 0) return null;
      const size = parseInt(rest.toString("latin1", at, eol), 16);
      if (size === 0) return rest.indexOf("\r\n\r\n", eol) >= 0 || rest.length >= eol + 4 ? Buffer.concat(parts) : null;
      if (rest.length < eol + 2 + size + 2) return null;
      parts.push(rest.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
  }
  const cl = headers.find(([n]) => n === "content-length");
  if (cl) {
    const n = Number(cl[1]);
    return rest.length >= n ? rest.subarray(0, n) : null;
  }
  return closed ? rest : null;
}

/** Sends `bytes` on a new connection and reads one response (the connection is closed after it). */
export function sendRaw(target: Target, bytes: Buffer, opts: { head?: boolean; timeoutMs?: number } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket: net.Socket = target.tls
      ? tls.connect({ host: target.host, port: target.port, rejectUnauthorized: false, servername: "localhost" })
      : net.connect(target.port, target.host);
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (err: Error | null, r?: RawResponse) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(r!);
    };
    const attempt = (closed: boolean) => {
      const end = headEnd(buf);
      if (end < 0) {
        if (closed) finish(new Error(`connection closed before a response head (${buf.length} bytes: ${JSON.stringify(buf.toString("latin1").slice(0, 200))})`));
        return;
      }
      const { status, headers } = parseHead(buf.toString("latin1", 0, end));
      const body = bodyOf(headers, status, opts.head === true, buf.subarray(end), closed);
      if (body !== null) finish(null, { status, headers, body: body.toString("latin1") });
      else if (closed) finish(new Error("connection closed in the middle of the body"));
    };
    socket.setTimeout(opts.timeoutMs ?? 10_000, () => finish(new Error("timeout waiting for the response")));
    socket.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      attempt(false);
    });
    socket.on("end", () => attempt(true));
    socket.on("close", () => attempt(true));
    socket.on("error", (e) => finish(e));
    socket.write(bytes);
  });
}

/** One request over HTTP/2 with prior knowledge (h2c): pseudo-headers from `method`, `path`, `authority`. */
export function sendH2(target: Target, method: string, path: string, authority: string, lines: Lines): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const client = http2.connect(`http://${target.host}:${target.port}`);
    client.on("error", reject);
    const headers: Record<string, string | string[]> = { ":method": method, ":path": path, ":authority": authority, ":scheme": "http" };
    for (const [name, value] of lines) {
      const n = name.toLowerCase();
      const had = headers[n];
      headers[n] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
    }
    const req = client.request(headers, { endStream: true });
    let status = 0;
    const out: Lines = [];
    req.on("response", (h) => {
      status = Number(h[":status"]);
      for (const [n, v] of Object.entries(h)) {
        if (n.startsWith(":")) continue;
        for (const one of Array.isArray(v) ? v : [v]) out.push([n, String(one)]);
      }
    });
    let body = "";
    req.setEncoding("latin1");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => {
      client.close();
      resolve({ status, headers: out, body });
    });
    req.on("error", (e) => {
      client.close();
      reject(e);
    });
  });
}
