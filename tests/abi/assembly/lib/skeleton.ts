// Walking-skeleton CORS filter: proves the pipeline end to end until assembly/config + assembly/filter
// replace it (a one-line change in assembly/index.ts). Config: {"allow_origins": [...]} with exact
// origins; "*" (or no allow_origins, or 0 bytes) = any origin, answered with a literal "*".
// Allowed preflight (OPTIONS + Access-Control-Request-Method) -> local 200 with ACAO/ACAM/Vary;
// rejected preflight -> local 403. Allowed actual request -> ACAO (+ Vary: Origin) on the response.
// The response callback of the filter's own local reply adds nothing (Envoy runs it, host-facts.md §4.2).

import {
  RootContext, HttpContext, Action, MapType, BufferType, HeaderPair, LogLevel,
  getHeader, replaceHeader, addHeader, sendLocalResponse, getBufferBytes, log,
  defineCounter, incrementCounter,
} from "../../../../assembly/abi";

export class SkeletonRoot extends RootContext {
  anyOrigin: bool = true;
  origins: Set<string> = new Set<string>();
  metricsDefined: bool = false;
  preflightAllowed: u32 = 0;
  preflightRejected: u32 = 0;
  actualAllowed: u32 = 0;
  actualRejected: u32 = 0;
  notCors: u32 = 0;

  onConfigure(configSize: u32): bool {
    if (!this.metricsDefined) {
      this.metricsDefined = true;
      this.preflightAllowed = defineCounter("cors.preflight_allowed");
      this.preflightRejected = defineCounter("cors.preflight_rejected");
      this.actualAllowed = defineCounter("cors.actual_allowed");
      this.actualRejected = defineCounter("cors.actual_rejected");
      this.notCors = defineCounter("cors.not_cors");
    }
    if (configSize == 0) {
      this.anyOrigin = true;
      this.origins = new Set<string>();
      return true;
    }
    const bytes = getBufferBytes(BufferType.PluginConfiguration, 0, configSize);
    if (bytes === null) {
      log(LogLevel.Error, "configuration: cannot read the plugin configuration");
      return false;
    }
    const text = String.UTF8.decode(bytes);
    const parsed = new OriginList();
    if (!parsed.parse(text)) {
      log(LogLevel.Error, "allow_origins: expected an array of strings");
      return false;
    }
    this.anyOrigin = parsed.any;
    this.origins = parsed.origins;
    return true;
  }

  createHttpContext(id: u32): HttpContext {
    return new SkeletonStream(id, this);
  }
}

export function createSkeletonRoot(id: u32): RootContext {
  return new SkeletonRoot(id);
}

class SkeletonStream extends HttpContext {
  /** ACAO to add on the upstream response; null = add nothing. */
  acao: string | null = null;
  /** A local reply was sent from the request phase: its response callback must add nothing. */
  localReply: bool = false;

  onRequestHeaders(headerCount: u32, endOfStream: bool): Action {
    const root = changetype<SkeletonRoot>(this.root);
    const origin = getHeader(MapType.RequestHeaders, "origin");
    if (origin === null) {
      incrementCounter(root.notCors, 1);
      return Action.Continue;
    }
    const allowed = root.anyOrigin || root.origins.has(origin);
    const acao = root.anyOrigin ? "*" : origin;
    const method = getHeader(MapType.RequestHeaders, ":method");
    const acrm = getHeader(MapType.RequestHeaders, "access-control-request-method");
    if (method !== null && method == "OPTIONS" && acrm !== null) {
      this.localReply = true;
      if (allowed) {
        incrementCounter(root.preflightAllowed, 1);
        const headers: Array<HeaderPair> = [
          new HeaderPair("access-control-allow-origin", acao),
          new HeaderPair("access-control-allow-methods", acrm),
        ];
        if (!root.anyOrigin) headers.push(new HeaderPair("vary", "Origin"));
        sendLocalResponse(200, "cors_preflight", "", headers);
      } else {
        incrementCounter(root.preflightRejected, 1);
        sendLocalResponse(403, "cors_forbidden", "", []);
      }
      return Action.Pause;
    }
    if (allowed) {
      incrementCounter(root.actualAllowed, 1);
      this.acao = acao;
    } else {
      incrementCounter(root.actualRejected, 1);
    }
    return Action.Continue;
  }

  onResponseHeaders(headerCount: u32, endOfStream: bool): Action {
    if (this.localReply) return Action.Continue;
    const acao = this.acao;
    if (acao !== null) {
      replaceHeader(MapType.ResponseHeaders, "access-control-allow-origin", acao);
      if (acao != "*") addHeader(MapType.ResponseHeaders, "vary", "Origin");
    }
    return Action.Continue;
  }
}

/** A tiny scan for "allow_origins": [ "...", ... ] (the real validating parser lives in assembly/json). */
class OriginList {
  any: bool = true;
  origins: Set<string> = new Set<string>();
  private s: string = "";
  private i: i32 = 0;

  parse(text: string): bool {
    this.s = text;
    const key = text.indexOf("\"allow_origins\"");
    if (key < 0) return true; // absent: the default ["*"]
    this.i = key + 15;
    this.ws();
    if (!this.eat(0x3A)) return false; // :
    this.ws();
    if (!this.eat(0x5B)) return false; // [
    this.any = false;
    this.ws();
    if (this.eat(0x5D)) return true; // ]
    while (true) {
      this.ws();
      const v = this.str();
      if (v === null) return false;
      if (v == "*") this.any = true;
      else this.origins.add(v);
      this.ws();
      if (this.eat(0x2C)) continue; // ,
      return this.eat(0x5D);
    }
    return false;
  }

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c != 0x20 && c != 0x09 && c != 0x0A && c != 0x0D) break;
      this.i++;
    }
  }

  private eat(c: i32): bool {
    if (this.i < this.s.length && this.s.charCodeAt(this.i) == c) { this.i++; return true; }
    return false;
  }

  private str(): string | null {
    const s = this.s;
    if (!this.eat(0x22)) return null;
    let out = "";
    let start = this.i;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c == 0x22) {
        out += s.substring(start, this.i);
        this.i++;
        return out;
      }
      if (c == 0x5C) { // backslash: \" \\ \/ only
        out += s.substring(start, this.i);
        if (this.i + 1 >= s.length) return null;
        const e = s.charCodeAt(this.i + 1);
        if (e != 0x22 && e != 0x5C && e != 0x2F) return null;
        out += String.fromCharCode(e);
        this.i += 2;
        start = this.i;
        continue;
      }
      if (c < 0x20) return null;
      this.i++;
    }
    return null;
  }
}
