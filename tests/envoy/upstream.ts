// A scripted upstream for the Envoy suite, on a bare socket so that it answers exactly the lines a case gives
// (repeated Vary lines, any status) and accepts whatever method Envoy forwards (Node's own parser refuses
// `get`, which Envoy passes on from HTTP/2). Each request names its case in the `x-conformance-case` header
// (`<side>:<case id>`, e.g. `envoy:kong-017`); the upstream counts the requests per tag (reaches-upstream)
// and answers the case's `upstream_response`, or a 200 without headers.
import net from "node:net";
import { STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import { RequestSplitter, headLines } from "../../src/proxy/http1.js";

export const CASE_HEADER = "x-conformance-case";

export interface UpstreamAnswer {
  status: number;
  headers?: Record<string, string | string[]> | Array<[string, string]>;
}

export interface ScriptedUpstream {
  host: string;
  port: number;
  url: string;
  /** Answers by case id (the part of the tag after the first ':'). */
  answers: Map<string, UpstreamAnswer>;
  /** Requests seen per tag. */
  seen: Map<string, number>;
  /** The header lines of the last request seen per tag (as Envoy or the dev proxy forwarded them). */
  lastRequest: Map<string, Array<[string, string]>>;
  close(): Promise<void>;
}

function answerLines(a: UpstreamAnswer): Array<[string, string]> {
  const h = a.headers ?? {};
  if (Array.isArray(h)) return h;
  const out: Array<[string, string]> = [];
  for (const [n, v] of Object.entries(h)) for (const one of Array.isArray(v) ? v : [v]) out.push([n, one]);
  return out;
}

export function responseBytes(a: UpstreamAnswer): Buffer {
  const lines = answerLines(a);
  let text = `HTTP/1.1 ${a.status} ${STATUS_CODES[a.status] ?? "Status"}\r\n`;
  for (const [n, v] of lines) text += `${n}: ${v}\r\n`;
  const bodyless = a.status === 204 || a.status === 304 || a.status < 200;
  if (!bodyless && !lines.some(([n]) => n.toLowerCase() === "content-length")) text += "content-length: 0\r\n";
  return Buffer.from(text + "\r\n", "latin1");
}

export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const answers = new Map<string, UpstreamAnswer>();
  const seen = new Map<string, number>();
  const lastRequest = new Map<string, Array<[string, string]>>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const splitter = new RequestSplitter();
    socket.on("data", (d: Buffer) => {
      for (const part of splitter.push(d)) {
        if (part.kind !== "head") continue; // bodies are read and ignored
        const lines = headLines(part.head);
        const tag = lines.find(([n]) => n.toLowerCase() === CASE_HEADER)?.[1] ?? "";
        seen.set(tag, (seen.get(tag) ?? 0) + 1);
        lastRequest.set(tag, lines.map(([n, v]) => [n.toLowerCase(), v]));
        const id = tag.slice(tag.indexOf(":") + 1);
        socket.write(responseBytes(answers.get(id) ?? { status: 200 }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: "127.0.0.1",
    port,
    url: `http://127.0.0.1:${port}`,
    answers,
    seen,
    lastRequest,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
