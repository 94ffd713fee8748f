// A tiny in-process stand-in for the wasm filter (same shape as the host's streams), so the dev proxy's
// plumbing (headers, bodies, local replies, response callback, 503) is tested on its own.
import type { FilterLike, HeaderList, RequestOutcome, StreamLike } from "../../src/proxy/filter.js";

export interface SeenRequest {
  headers: HeaderList;
  endOfStream: boolean;
  properties: Record<string, string>;
}

export interface SeenResponse {
  headers: HeaderList;
  endOfStream: boolean;
}

export class FakeFilter implements FilterLike {
  requests: SeenRequest[] = [];
  responses: SeenResponse[] = [];
  finished = 0;
  constructor(readonly origins: Set<string>) {}

  newStream(init?: { properties?: Record<string, string> }): StreamLike {
    const filter = this;
    const properties = init?.properties ?? {};
    let grant: string | null = null;
    let local = false;
    return {
      requestHeaders(headers: HeaderList, endOfStream = false): RequestOutcome {
        filter.requests.push({ headers: headers.map(([k, v]) => [k, v]), endOfStream, properties });
        const get = (n: string) => headers.find(([k]) => k === n)?.[1];
        const origin = get("origin");
        if (origin === undefined) return { kind: "continue", headers };
        const allowed = filter.origins.has(origin);
        if (get(":method") === "OPTIONS" && get("access-control-request-method") !== undefined) {
          local = true;
          if (!allowed) {
            return {
              kind: "local", status: 403, body: "Invalid CORS request", details: "cors_forbidden", grpcStatus: null,
              headers: [["content-type", "text/plain"], ["vary", "Origin"]],
            };
          }
          return {
            kind: "local", status: 200, body: "", details: "cors_preflight", grpcStatus: null,
            headers: [["access-control-allow-origin", origin], ["access-control-allow-methods", "GET,PUT"], ["vary", "Origin"], ["vary", "Access-Control-Request-Method"]],
          };
        }
        if (allowed) grant = origin;
        // the filter may rewrite request headers
        return { kind: "continue", headers: [...headers, ["x-filter-saw", "1"]] };
      },
      responseHeaders(headers: HeaderList, endOfStream = false) {
        filter.responses.push({ headers: headers.map(([k, v]) => [k, v]), endOfStream });
        const status = Number(headers.find(([k]) => k === ":status")?.[1]);
        if (local) return { headers, status };
        const out: HeaderList = headers.filter(([k]) => !k.startsWith("access-control-") && k !== "vary");
        const vary: string[] = [];
        for (const [k, v] of headers) if (k === "vary") for (const t of v.split(",")) if (t.trim()) vary.push(t.trim());
        if (!vary.some((t) => t.toLowerCase() === "origin")) vary.push("Origin");
        out.push(["vary", vary.join(", ")]);
        if (grant !== null) out.push(["access-control-allow-origin", grant]);
        out.push(["x-fake", "a"], ["x-fake", "b"]);
        return { headers: out, status };
      },
      finish() {
        filter.finished++;
      },
    };
  }
}
