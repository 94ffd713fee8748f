// The dev proxy's front door: a TCP (or TLS) listener that reads each HTTP/1 request head the way Envoy's codec
// does (http1.ts: Envoy's method list, bare CRs removed, obs-folds unfolded) before Node's parser sees it, and
// answers Envoy's own 400 to what Envoy's codec refuses — so the filter sees what it would see in Envoy, and a
// request Envoy refuses never reaches it. Node's http.Server then runs on the cleaned byte stream (a Duplex
// handed to it as a connection, which Node documents for exactly this).
import net from "node:net";
import tls from "node:tls";
import { Duplex } from "node:stream";
import type http from "node:http";
import { ENVOY_BAD_REQUEST, RequestSplitter, normaliseRequestHead } from "./http1.js";

/** A client connection as Node's http.Server sees it: the cleaned bytes in, the response bytes out. */
class NormalisedSocket extends Duplex {
  private readonly splitter = new RequestSplitter(normaliseRequestHead);
  private refused = false;

  constructor(private readonly inner: net.Socket) {
    super({ allowHalfOpen: false });
    inner.on("data", (d: Buffer) => this.onData(d));
    inner.on("end", () => this.push(null));
    inner.on("close", () => this.destroy());
    inner.on("error", (e) => this.destroy(e));
    inner.on("timeout", () => this.emit("timeout"));
  }

  private onData(d: Buffer): void {
    if (this.refused) return;
    for (const part of this.splitter.push(d)) {
      if (part.kind === "body") {
        if (!this.push(part.data)) this.inner.pause();
        continue;
      }
      if (part.kind === "refused") {
        // Envoy's codec refuses the request: its 400, then the connection closes (a pipelined request
        // before it that is still unanswered is cut off; browsers do not pipeline)
        this.refused = true;
        this.push(null);
        this.inner.end(part.answer);
        return;
      }
      if (!this.push(part.head)) this.inner.pause();
    }
  }

  _read(): void {
    this.inner.resume();
  }

  _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.refused) return cb();
    this.inner.write(chunk, cb);
  }

  _final(cb: (e?: Error | null) => void): void {
    if (this.refused) return cb();
    this.inner.end(cb);
  }

  _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (!this.refused || this.inner.writableFinished) this.inner.destroy();
    else this.inner.once("finish", () => this.inner.destroy());
    cb(err);
  }

  // what node:http (and the proxy) ask of a socket
  get remoteAddress(): string | undefined {
    return this.inner.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.inner.remotePort;
  }
  get remoteFamily(): string | undefined {
    return this.inner.remoteFamily;
  }
  get localAddress(): string | undefined {
    return this.inner.localAddress;
  }
  get localPort(): number | undefined {
    return this.inner.localPort;
  }
  get encrypted(): boolean {
    return this.inner instanceof tls.TLSSocket;
  }
  setTimeout(ms: number, cb?: () => void): this {
    this.inner.setTimeout(ms);
    if (cb) this.once("timeout", cb);
    return this;
  }
  setNoDelay(noDelay?: boolean): this {
    this.inner.setNoDelay(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number): this {
    this.inner.setKeepAlive(enable, delay);
    return this;
  }
}

/** Envoy's 400 for what Node's parser still refuses after the front (a malformed head, say). */
export function answerClientErrorLikeEnvoy(server: http.Server): void {
  server.on("clientError", (_err: Error, socket: Duplex) => {
    if (socket.writable) socket.end(ENVOY_BAD_REQUEST);
    else socket.destroy();
  });
}

/** A listener (TCP, or TLS with `tls`) that feeds `server` normalised connections. */
export function frontListener(server: http.Server, tlsOptions?: { key: string | Buffer; cert: string | Buffer }): net.Server {
  const accept = (socket: net.Socket) => {
    socket.on("error", () => socket.destroy());
    server.emit("connection", new NormalisedSocket(socket));
  };
  const front = tlsOptions ? tls.createServer({ key: tlsOptions.key, cert: tlsOptions.cert }, accept) : net.createServer(accept);
  // Node's HTTP server starts tracking its connections (closeIdleConnections, its header and request timeouts)
  // when it emits "listening"; it never listens itself here, so it hears it from the front
  front.once("listening", () => server.emit("listening"));
  return front;
}
