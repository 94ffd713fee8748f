// A probe module for the ABI layer's tests: every helper, driven by a request header (x-probe) or,
// in mode 1, all of them on every request. Results are reported through log() lines.
import {
  RootContext, HttpContext, Action, MapType, BufferType, HeaderPair, LogLevel, Status,
  getHeader, getHeaderPairs, addHeader, replaceHeader, removeHeader, sendLocalResponse,
  getBufferBytes, getProperty, log, defineCounter, incrementCounter, setRootContextFactory,
} from "../../../assembly/abi";
import { pendingCount } from "../../../assembly/abi/memory";
import { liveStreamCount, liveRootCount } from "../../../assembly/abi/context";
import { collections } from "../../../assembly/abi/collect";

export * from "../../../assembly/abi/exports";
export { malloc, malloc as proxy_on_memory_allocate } from "../../../assembly/abi/memory";

let mode: i32 = 0;
export function probe_set_mode(m: i32): void { mode = m; }
export function probe_pending(): i32 { return pendingCount(); }
export function probe_streams(): i32 { return liveStreamCount(); }
export function probe_roots(): i32 { return liveRootCount(); }
export function probe_collections(): i32 { return collections; }
export function probe_abort(): void { assert(false, "probe abort"); }

function describe(b: ArrayBuffer | null): string {
  return b === null ? "null" : b.byteLength.toString();
}

class ProbeRoot extends RootContext {
  config: string = "";
  counter: u32 = 0;
  onVmStart(size: u32): bool {
    log(LogLevel.Info, "vm_start:" + this.id.toString() + ":" + describe(getBufferBytes(BufferType.VmConfiguration, 0, size)));
    return true;
  }
  onConfigure(size: u32): bool {
    const b = getBufferBytes(BufferType.PluginConfiguration, 0, size);
    this.config = b === null ? "null" : String.UTF8.decode(b);
    if (this.counter == 0) this.counter = defineCounter("probe.requests");
    log(LogLevel.Info, "configure:" + this.id.toString() + ":" + describe(b));
    return true;
  }
  onDone(): bool { log(LogLevel.Info, "root_done:" + this.id.toString()); return true; }
  onDelete(): void { log(LogLevel.Info, "root_delete:" + this.id.toString()); }
  createHttpContext(id: u32): HttpContext { return new ProbeStream(id, this); }
}

function joinPairs(p: Array<HeaderPair>): string {
  let s = "";
  for (let i = 0; i < p.length; i++) s += (i > 0 ? "\n" : "") + p[i].name + "=" + p[i].value;
  return s;
}

class ProbeStream extends HttpContext {
  onRequestHeaders(n: u32, eos: bool): Action {
    const root = changetype<ProbeRoot>(this.root);
    incrementCounter(root.counter, 1);
    if (mode == 1) return all(root);
    const cmd = getHeader(MapType.RequestHeaders, "x-probe");
    if (cmd === null) return Action.Continue;
    if (cmd == "pairs") {
      const p = getHeaderPairs(MapType.RequestHeaders);
      log(LogLevel.Info, "pairs:" + (p === null ? "null" : p.length.toString() + ":" + joinPairs(p)));
    } else if (cmd == "prop") {
      const path = getHeader(MapType.RequestHeaders, "x-path");
      const v = getProperty(path === null ? [] : path.split("."));
      log(LogLevel.Info, "prop:" + (v === null ? "null" : v));
    } else if (cmd == "root") {
      log(LogLevel.Info, "root:" + root.id.toString() + ":" + root.config);
    } else if (cmd == "echo") {
      const v = getHeader(MapType.RequestHeaders, "x-value");
      if (v !== null) replaceHeader(MapType.RequestHeaders, "x-echo", v);
    } else if (cmd == "local") {
      const v = getHeader(MapType.RequestHeaders, "x-value");
      const value = v === null ? "" : v;
      sendLocalResponse(418, "probe reply", "body é", [new HeaderPair("x-echo", value), new HeaderPair("x-two", "2")]);
      // still in use after the host call: a host may run this stream's response callback inside it (collect.ts)
      log(LogLevel.Info, "local:" + value);
      return Action.Pause;
    }
    return Action.Continue;
  }
}

function all(root: ProbeRoot): Action {
  const s: Array<string> = [];
  const v = getHeader(MapType.RequestHeaders, "origin");
  s.push(v === null ? "null" : "ok");
  const p = getHeaderPairs(MapType.RequestHeaders);
  s.push(p === null ? "null" : p.length.toString());
  s.push((<i32>addHeader(MapType.RequestHeaders, "x-a", "1")).toString());
  s.push((<i32>replaceHeader(MapType.RequestHeaders, "x-b", "2")).toString());
  s.push((<i32>removeHeader(MapType.RequestHeaders, "x-c")).toString());
  const prop = getProperty(["xds", "route_name"]);
  s.push(prop === null ? "null" : prop);
  const b = getBufferBytes(BufferType.PluginConfiguration, 0, 10);
  s.push(describe(b));
  const id = defineCounter("probe.extra");
  incrementCounter(id, 1);
  incrementCounter(root.counter, -1);
  s.push((<i32>sendLocalResponse(200, "d", "", [new HeaderPair("a", "b")])).toString());
  log(LogLevel.Info, "all:" + s.join(","));
  return Action.Continue;
}

export function createProbeRoot(id: u32): RootContext { return new ProbeRoot(id); }
setRootContextFactory(createProbeRoot);
