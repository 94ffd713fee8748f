// HTTP/1.1 request framing and Envoy's codec rules for request heads, on raw bytes.
//
// Node's HTTP parser (llhttp) and Envoy's (Balsa, Envoy 1.40) disagree on a few inputs a CORS filter can see;
// the dev proxy puts this in front of Node's parser so that what reaches the filter is what Envoy hands it
// (measured against Envoy 1.40.0 by tests/envoy/differential.test.ts):
// - methods: Envoy accepts exactly the list below (case-sensitive); any other method, lower-case ones
//   included (`get`, `patch`, `Options`), gets Envoy's own 400 (with a `Bad Request` body; QUERY's has none)
//   before any filter runs. llhttp has a different
//   list (it accepts M-SEARCH and QUERY, which Envoy refuses, and refuses MSEARCH, which Envoy accepts);
// - a bare CR (not followed by LF) inside the head is removed (llhttp refuses the request);
// - obs-fold (a line starting with SP/HTAB continues the previous header): the CRLF is removed and the
//   leading whitespace kept, `X: one\r\n  two` → `one  two` (llhttp refuses it unless lenient);
// - the body is framed from the head with folds unfolded but bare CRs still in place: `Content-Length: 1\r0` is
//   not a number (Envoy's 400), `Transfer-Encoding: chun\rked` is not chunked (no body), a folded
//   `Transfer-Encoding:\r\n chunked` is (measured against Envoy 1.40.0 with `cors-proxy-wasm envoy`).

/** Envoy 1.40's HTTP/1 method list (source/common/http/http1/balsa_parser.cc, isMethodValid). */
export const ENVOY_HTTP1_METHODS: ReadonlySet<string> = new Set([
  "ACL", "BIND", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET", "HEAD", "LINK", "LOCK", "MERGE", "MKACTIVITY",
  "MKCALENDAR", "MKCOL", "MOVE", "MSEARCH", "NOTIFY", "OPTIONS", "PATCH", "POST", "PROPFIND", "PROPPATCH", "PURGE",
  "PUT", "REBIND", "REPORT", "SEARCH", "SOURCE", "SUBSCRIBE", "TRACE", "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE",
]);

/** Envoy's answer to a request its HTTP/1 codec refuses (no filter runs; `date` and `server: envoy` aside). */
export const ENVOY_BAD_REQUEST = Buffer.from(
  "HTTP/1.1 400 Bad Request\r\ncontent-length: 11\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nBad Request",
  "latin1",
);

/** Envoy 1.40.0 refuses QUERY (which its parser knows, unlike any other method outside the list) with a bodyless 400 (measured). */
const ENVOY_BODYLESS_REFUSAL = new Set(["QUERY"]);
export const ENVOY_BAD_REQUEST_NO_BODY = Buffer.from(
  "HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
  "latin1",
);

const CR = 13;
const LF = 10;
const SP = 32;
const HTAB = 9;

/** Index just past the empty line that ends a head (CRLFCRLF or LFLF, CRLFLF, LFCRLF), or -1. */
export function headEnd(buf: Buffer, from = 0): number {
  for (let i = Math.max(from, 0); i < buf.length; i++) {
    if (buf[i] !== LF) continue;
    if (buf[i + 1] === LF) return i + 2;
    if (buf[i + 1] === CR && buf[i + 2] === LF) return i + 3;
  }
  return -1;
}

/**
 * MSEARCH is the one method of Envoy's list that Node's parser refuses; M-SEARCH the one Node's parser accepts
 * that Envoy refuses. So the front hands MSEARCH to Node as M-SEARCH (a real M-SEARCH never gets that far), and
 * envoyMethod() turns it back.
 */
const NODE_MSEARCH = "M-SEARCH";

/** The method Envoy saw, from the one Node's parser reports behind the front. */
export function envoyMethod(nodeMethod: string): string {
  return nodeMethod === NODE_MSEARCH ? "MSEARCH" : nodeMethod;
}

/** A request head as read: the bytes handed on, and how its body is framed. */
export interface ReadHead {
  head: Buffer;
  framing: BodyFraming;
}

/** A head taken as it is (its own framing). */
export function rawHead(head: Buffer): ReadHead | { refusal: Buffer } {
  return { head, framing: requestFraming(headLines(head)) };
}

/** The request head as Envoy's codec reads it (bare CRs removed, obs-folds unfolded) and its body framing, or
 *  Envoy's refusal. */
export function normaliseRequestHead(head: Buffer): ReadHead | { refusal: Buffer } {
  const unfolded = rewriteHead(head, false);
  const framing = requestFraming(headLines(unfolded));
  if (framing.kind === "invalid") return { refusal: ENVOY_BAD_REQUEST };
  const normal = rewriteHead(unfolded, true);
  const sp = normal.indexOf(SP);
  const method = sp <= 0 ? "" : normal.toString("latin1", 0, sp);
  if (method === "MSEARCH") return { head: Buffer.concat([Buffer.from(NODE_MSEARCH, "latin1"), normal.subarray(sp)]), framing };
  if (ENVOY_HTTP1_METHODS.has(method)) return { head: normal, framing };
  return { refusal: ENVOY_BODYLESS_REFUSAL.has(method) ? ENVOY_BAD_REQUEST_NO_BODY : ENVOY_BAD_REQUEST };
}

/** `head` with its obs-folds unfolded, and with its bare CRs removed when `dropBareCr`. */
function rewriteHead(head: Buffer, dropBareCr: boolean): Buffer {
  const out = Buffer.alloc(head.length);
  let n = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c === CR && head[i + 1] !== LF) {
      if (!dropBareCr) out[n++] = c;
      continue; // bare CR
    }
    if (c === CR || c === LF) {
      // end of a line: a following SP/HTAB line is a continuation (obs-fold), unless it ends the head
      const eol = c === CR ? i + 2 : i + 1;
      const next = head[eol];
      if ((next === SP || next === HTAB) && !isEmptyLineAt(head, eol)) {
        i = eol - 1;
        continue;
      }
      if (c === CR) {
        out[n++] = CR;
        out[n++] = LF;
        i++;
        continue;
      }
    }
    out[n++] = c;
  }
  return out.subarray(0, n);
}

function isEmptyLineAt(buf: Buffer, at: number): boolean {
  let i = at;
  while (buf[i] === SP || buf[i] === HTAB) i++;
  return i >= buf.length || buf[i] === CR || buf[i] === LF;
}

/** Header lines of a head (after the start line), names as sent, values trimmed of SP/HTAB. */
export function headLines(head: Buffer): Array<[string, string]> {
  const text = head.toString("latin1");
  const lines = text.split(/\r?\n/);
  const out: Array<[string, string]> = [];
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k];
    if (line === "") break;
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    out.push([line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "")]);
  }
  return out;
}

export type BodyFraming = { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" } | { kind: "invalid" };

/** How a request body is framed (RFC 9112 §6.3: chunked wins over Content-Length; neither = no body; a
 *  Content-Length that is not digits is invalid, §6.3 item 5). */
export function requestFraming(lines: Array<[string, string]>): BodyFraming {
  let length: string | null = null;
  for (const [name, value] of lines) {
    const n = name.toLowerCase();
    if (n === "transfer-encoding" && /(^|,)\s*chunked\s*$/i.test(value)) return { kind: "chunked" };
    if (n === "content-length" && length === null) length = value;
  }
  if (length === null) return { kind: "none" };
  if (!/^\d+$/.test(length)) return { kind: "invalid" };
  return Number(length) > 0 ? { kind: "length", length: Number(length) } : { kind: "none" };
}

export type FramedPart =
  | { kind: "head"; head: Buffer }
  | { kind: "body"; data: Buffer }
  /** readHead refused the request: `answer` goes to the client, and nothing after it is read. */
  | { kind: "refused"; answer: Buffer };

/**
 * Splits a byte stream of HTTP/1 requests into heads and body bytes (keep-alive and pipelining), so a head can
 * be rewritten without touching a body. Bodies pass as they came (chunk framing included). Each head goes
 * through `readHead` first and the body is framed as it says (normaliseRequestHead: as Envoy frames it, so a
 * folded `Transfer-Encoding` is chunked). One case is left: `Transfer-Encoding: chun\rked` frames no body, as in
 * Envoy, but the cleaned head Node parses says chunked, so the request ends in a 400 where Envoy answers it.
 */
export class RequestSplitter {
  private buf: Buffer = Buffer.alloc(0);
  private state: "head" | "length" | "chunk-size" | "chunk-data" | "trailers" | "refused" = "head";
  private remaining = 0;

  constructor(private readonly readHead: (head: Buffer) => ReadHead | { refusal: Buffer } = rawHead) {}

  push(data: Buffer): FramedPart[] {
    if (this.state === "refused") return [];
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    const parts: FramedPart[] = [];
    for (;;) {
      if (this.state === "head") {
        const end = headEnd(this.buf);
        if (end < 0) break;
        const read = this.readHead(this.buf.subarray(0, end));
        this.buf = this.buf.subarray(end);
        if ("refusal" in read) {
          parts.push({ kind: "refused", answer: read.refusal });
          this.state = "refused";
          this.buf = Buffer.alloc(0);
          break;
        }
        parts.push({ kind: "head", head: read.head });
        const framing = read.framing;
        if (framing.kind === "length") {
          this.state = "length";
          this.remaining = framing.length;
        } else if (framing.kind === "chunked") {
          this.state = "chunk-size";
        }
      } else if (this.state === "length") {
        if (this.buf.length === 0) break;
        const take = Math.min(this.remaining, this.buf.length);
        parts.push({ kind: "body", data: this.buf.subarray(0, take) });
        this.buf = this.buf.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = "head";
      } else if (this.state === "chunk-size") {
        const eol = this.buf.indexOf(LF);
        if (eol < 0) break;
        const size = parseInt(this.buf.toString("latin1", 0, eol).split(";")[0].trim(), 16);
        parts.push({ kind: "body", data: this.buf.subarray(0, eol + 1) });
        this.buf = this.buf.subarray(eol + 1);
        if (!Number.isFinite(size) || size === 0) this.state = "trailers";
        else {
          this.state = "chunk-data";
          this.remaining = size + 2; // the data and its CRLF
        }
      } else if (this.state === "chunk-data") {
        if (this.buf.length === 0) break;
        const take = Math.min(this.remaining, this.buf.length);
        parts.push({ kind: "body", data: this.buf.subarray(0, take) });
        this.buf = this.buf.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = "chunk-size";
      } else {
        // trailers: lines until an empty one
        const eol = this.buf.indexOf(LF);
        if (eol < 0) break;
        const empty = eol === 0 || (eol === 1 && this.buf[0] === CR);
        parts.push({ kind: "body", data: this.buf.subarray(0, eol + 1) });
        this.buf = this.buf.subarray(eol + 1);
        if (empty) this.state = "head";
      }
    }
    return parts;
  }
}
