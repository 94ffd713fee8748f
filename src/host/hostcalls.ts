// The env.proxy_* host functions with Envoy's semantics (cpp-host src/exports.cc + Envoy's wasm
// context.cc; host-facts.md §1.2, §2, §4). Each returns a proxy_status_t. Kong / APISIX differences are applied
// by the linker (trap / UNIMPLEMENTED / no-op) and by a few profile checks here.

import type { ContextState } from "./context.js";
import { HostTrap } from "./errors.js";
import { lower, type HeaderMap } from "./headers.js";
import { parsePairs, type GuestMemory } from "./memory.js";
import type { Metrics } from "./metrics.js";
import { resolveProperty, type PropertyScope } from "./properties.js";
import { BufferType, MapType, Status, type HostOptions, type Profile } from "./types.js";

/** What the host functions need from the VM. */
export interface HostCallTarget {
  readonly profile: Profile;
  readonly options: HostOptions;
  readonly mem: GuestMemory;
  readonly metrics: Metrics;
  readonly contexts: Map<number, ContextState>;
  readonly vmProps: Map<string, string>;
  readonly vmConfig: Uint8Array;
  pluginConfig: Uint8Array;
  /** The context whose callback runs (null outside callbacks, e.g. during start). */
  current: ContextState | null;
  /** proxy_set_effective_context override for the rest of the current callback. */
  effective: ContextState | null;
  rootCtx: ContextState;
  log(level: number, message: string, prefix?: string): void;
  logPrefix(): string;
  recordError(message: string): void;
  sharedData: Map<string, { value: Uint8Array; cas: number }>;
  queues: Map<number, { name: string; items: Uint8Array[] }>;
}

const DETAILS_WS = /[ \t\f\v\n\r]/g;
const EMPTY_PAIRS = Buffer.from([0, 0, 0, 0]); // a pair list with no pairs
const MAX_KNOWN_GRPC = 16;
const MAX_MAP_TYPE = MapType.HttpCallResponseTrailers;
const MAX_BUFFER_TYPE = BufferType.CallData;

export function hostFunctions(vm: HostCallTarget): Record<string, (...a: any[]) => any> {
  const mem = vm.mem;
  const ctx = (): ContextState => vm.effective ?? vm.current ?? vm.rootCtx;

  const mapOf = (type: number): HeaderMap | null => {
    const c = ctx();
    if (type === MapType.RequestHeaders) return c.requestMap;
    if (type === MapType.ResponseHeaders) return c.responseMap;
    return null; // trailers, gRPC and http-call maps: not available in this host
  };

  /** proxy_add / proxy_replace_header_map_value: one line added, or every line of the key replaced by it. */
  const writeLine = (type: number, kp: number, kl: number, vp: number, vl: number, replace: boolean): number => {
    if ((type >>> 0) > MAX_MAP_TYPE) return Status.BadArgument;
    const key = mem.latin1(kp, kl);
    const value = mem.latin1(vp, vl);
    if (key === null || value === null) return Status.InvalidMemoryAccess;
    const map = mapOf(type);
    if (map === null) return Status.BadArgument;
    if (replace) map.replace(key, value);
    else map.add(key, value);
    return Status.Ok;
  };

  const getBuffer = (type: number): Uint8Array | null => {
    if (type === BufferType.VmConfiguration) return vm.vmConfig;
    if (type === BufferType.PluginConfiguration) return ctx().configReadable ? vm.pluginConfig : null;
    return null;
  };

  const props: PropertyScope = {
    profile: vm.profile,
    legacy: vm.options.legacyProperties === true,
    pluginName: vm.options.pluginName ?? "",
    rootId: vm.options.rootId ?? "",
    vmId: vm.options.vmId ?? "",
    vm: vm.vmProps,
    stream: null,
    set: null,
    request: null,
  };
  const scope = (c: ContextState): PropertyScope => {
    props.stream = c.streamProps;
    props.set = c.setProps;
    props.request = c.originalRequest;
    return props;
  };

  const sendLocalResponse = (
    status: number, dp: number, dl: number, bp: number, bl: number, hp: number, hl: number, grpc: number,
  ): number => {
    const details = mem.latin1(dp, dl);
    const body = mem.latin1(bp, bl);
    const rawHeaders = mem.bytes(hp, hl);
    if (details === null || body === null || rawHeaders === null) return Status.InvalidMemoryAccess;
    const headers = parsePairs(rawHeaders) ?? [];
    const c = ctx();
    // No decoder callbacks (root context): Envoy silently returns OK (envoy#39797).
    if (c.root) return Status.Ok;
    const g = grpc >>> 0;
    const reply = {
      status: status >>> 0,
      details: details.replace(DETAILS_WS, "_"),
      body,
      headers,
      grpcStatus: g <= MAX_KNOWN_GRPC ? g : null,
    };
    const again = c.pending !== null || c.phase === "local_response";
    if (again) {
      if (vm.profile === "kong") throw new HostTrap("local response already stashed");
      if (c.phase === "local_response") {
        // Envoy 1.40 sends this one instead of the reply being encoded (measured: tests/envoy/host-facts.test.ts)
        vm.recordError(`context ${c.id}: proxy_send_local_response called from the response callback of its own local reply: it replaces that reply`);
        if (c.replacement === null) c.replacement = reply;
      } else {
        vm.recordError(`context ${c.id}: proxy_send_local_response called twice in one callback: the second reply is ignored`);
      }
      return Status.Ok;
    }
    if (c.responseSent || c.phase === "log" || c.phase === "done" || c.phase === "delete") {
      vm.recordError(`context ${c.id}: proxy_send_local_response after the response went downstream: ignored`);
      return Status.Ok;
    }
    c.pending = reply;
    if (c.encodeLocalNow !== null) c.encodeLocalNow(reply);
    return Status.Ok;
  };

  const fns: Record<string, (...a: any[]) => any> = {
    proxy_log(level: number, p: number, l: number): number {
      const msg = mem.utf8(p, l);
      if (msg === null) return Status.InvalidMemoryAccess;
      if ((level >>> 0) > 5) return Status.BadArgument; // the line is dropped (Envoy 1.40 measured; no PANIC)
      vm.log(level, msg, vm.logPrefix());
      return Status.Ok;
    },

    proxy_get_log_level(p: number): number {
      return mem.setU32(p, 0) ? Status.Ok : Status.InvalidMemoryAccess; // trace: the host records every line
    },

    proxy_get_buffer_bytes(type: number, start: number, length: number, ptrPtr: number, sizePtr: number): number {
      type >>>= 0;
      if (type > MAX_BUFFER_TYPE) return Status.BadArgument;
      const buf = getBuffer(type);
      if (buf === null) return Status.NotFound;
      start >>>= 0;
      length >>>= 0;
      if (start > buf.length) length = 0;
      else if (start + length > buf.length) length = buf.length - start;
      if (length === 0) return mem.setU32(ptrPtr, 0) && mem.setU32(sizePtr, 0) ? Status.Ok : Status.InvalidMemoryAccess;
      return mem.copyOutBytes(buf.subarray(start, start + length), ptrPtr, sizePtr) ? Status.Ok : Status.InvalidMemoryAccess;
    },

    proxy_get_buffer_status(type: number, lengthPtr: number, flagsPtr: number): number {
      type >>>= 0;
      if (type > MAX_BUFFER_TYPE) return Status.BadArgument;
      const buf = getBuffer(type);
      if (buf === null) return Status.NotFound;
      return mem.setU32(lengthPtr, buf.length) && mem.setU32(flagsPtr, 0) ? Status.Ok : Status.InvalidMemoryAccess;
    },

    proxy_set_buffer_bytes(type: number): number {
      if ((type >>> 0) > MAX_BUFFER_TYPE) return Status.BadArgument;
      return Status.NotFound;
    },

    proxy_get_header_map_value(type: number, kp: number, kl: number, vpp: number, vsp: number): number {
      if ((type >>> 0) > MAX_MAP_TYPE) return Status.BadArgument;
      const key = mem.latin1(kp, kl);
      if (key === null) return Status.InvalidMemoryAccess;
      const map = mapOf(type);
      if (map === null) return Status.BadArgument;
      const value = map.get(lower(key));
      if (value === null) return Status.NotFound;
      return mem.copyOutLatin1(value, vpp, vsp) ? Status.Ok : Status.InvalidMemoryAccess;
    },

    proxy_add_header_map_value(type: number, kp: number, kl: number, vp: number, vl: number): number {
      return writeLine(type, kp, kl, vp, vl, false);
    },

    // Envoy's replace is setCopy: every line of the key removed, then one added (host-facts.md §4.1)
    proxy_replace_header_map_value(type: number, kp: number, kl: number, vp: number, vl: number): number {
      return writeLine(type, kp, kl, vp, vl, true);
    },

    proxy_remove_header_map_value(type: number, kp: number, kl: number): number {
      if ((type >>> 0) > MAX_MAP_TYPE) return Status.BadArgument;
      const key = mem.latin1(kp, kl);
      if (key === null) return Status.InvalidMemoryAccess;
      const map = mapOf(type);
      if (map === null) return Status.BadArgument;
      map.remove(key);
      return Status.Ok;
    },

    proxy_get_header_map_pairs(type: number, ptrPtr: number, sizePtr: number): number {
      if ((type >>> 0) > MAX_MAP_TYPE) return Status.BadArgument;
      const map = mapOf(type);
      // a map that is not available (yet, or any more): OK with no pairs (Envoy 1.40 measured; get/add say BAD_ARGUMENT)
      const bytes = map === null ? EMPTY_PAIRS : map.serialize();
      return mem.copyOutBytes(bytes, ptrPtr, sizePtr) ? Status.Ok : Status.InvalidMemoryAccess;
    },

    proxy_set_header_map_pairs(type: number, p: number, l: number): number {
      if ((type >>> 0) > MAX_MAP_TYPE) return Status.BadArgument;
      const raw = mem.bytes(p, l);
      if (raw === null) return Status.InvalidMemoryAccess;
      const map = mapOf(type);
      if (map === null) return Status.BadArgument;
      const pairs = parsePairs(raw) ?? [];
      map.clear();
      for (const [k, v] of pairs) map.add(k, v);
      return Status.Ok;
    },

    proxy_get_header_map_size(type: number, resultPtr: number): number {
      if ((type >>> 0) > MAX_MAP_TYPE) return Status.BadArgument;
      const map = mapOf(type);
      if (map === null) return Status.BadArgument;
      return mem.setU32(resultPtr, map.byteSize()) ? Status.Ok : Status.InvalidMemoryAccess;
    },

    proxy_send_local_response: sendLocalResponse,
    proxy_send_http_response: sendLocalResponse,

    proxy_get_property(pp: number, pl: number, vpp: number, vsp: number): number {
      const path = mem.latin1(pp, pl);
      if (path === null) return Status.InvalidMemoryAccess;
      const value = resolveProperty(scope(ctx()), path);
      if (value === undefined) return Status.NotFound;
      return mem.copyOutLatin1(value, vpp, vsp) ? Status.Ok : Status.InvalidMemoryAccess;
    },

    proxy_set_property(pp: number, pl: number, vp: number, vl: number): number {
      const path = mem.latin1(pp, pl);
      const value = mem.latin1(vp, vl);
      if (path === null || value === null) return Status.InvalidMemoryAccess;
      const c = ctx();
      (c.setProps ??= new Map()).set(path, value);
      return Status.Ok;
    },

    proxy_define_metric(type: number, np: number, nl: number, idPtr: number): number {
      const name = mem.latin1(np, nl);
      if (name === null) return Status.InvalidMemoryAccess;
      const r = vm.metrics.define(type >>> 0, name);
      if (r.status !== Status.Ok) return r.status;
      return mem.setU32(idPtr, r.id) ? Status.Ok : Status.InvalidMemoryAccess;
    },

    proxy_increment_metric(id: number, delta: bigint): number {
      return vm.metrics.increment(id >>> 0, delta);
    },

    proxy_record_metric(id: number, value: bigint): number {
      return vm.metrics.record(id >>> 0, value);
    },

    proxy_get_metric(id: number, resultPtr: number): number {
      const r = vm.metrics.get(id >>> 0);
      if (r.status !== Status.Ok) return r.status;
      return mem.setU64(resultPtr, r.value) ? Status.Ok : Status.InvalidMemoryAccess;
    },

    proxy_set_effective_context(id: number): number {
      const c = vm.contexts.get(id >>> 0);
      if (!c) return Status.BadArgument;
      vm.effective = c;
      return Status.Ok;
    },

    proxy_get_current_time_nanoseconds(p: number): number {
      return mem.setU64(p, BigInt(Date.now()) * 1_000_000n) ? Status.Ok : Status.InvalidMemoryAccess;
    },

    proxy_set_tick_period_milliseconds: () => Status.Ok,
    proxy_done: () => Status.NotFound,
    proxy_get_status: () => Status.NotFound,
    proxy_continue_stream: (type: number) => ((type >>> 0) > 3 ? Status.BadArgument : Status.Ok),
    proxy_close_stream: (type: number) => ((type >>> 0) > 3 ? Status.BadArgument : Status.Ok),
    proxy_continue_request: () => Status.Ok,
    proxy_continue_response: () => Status.Ok,
    proxy_clear_route_cache: () => Status.Ok,
    proxy_get_configuration(ptrPtr: number, sizePtr: number): number {
      return mem.copyOutBytes(vm.pluginConfig, ptrPtr, sizePtr) ? Status.Ok : Status.InvalidMemoryAccess;
    },
    // No clusters in this host: Envoy answers BAD_ARGUMENT for an unknown cluster / gRPC service.
    proxy_http_call: () => Status.BadArgument,
    proxy_grpc_call: () => Status.BadArgument,
    proxy_grpc_stream: () => Status.BadArgument,
    proxy_grpc_send: () => Status.NotFound,
    proxy_grpc_cancel: () => Status.NotFound,
    proxy_grpc_close: () => Status.NotFound,
    proxy_call_foreign_function: () => Status.NotFound,

    proxy_get_shared_data(kp: number, kl: number, vpp: number, vsp: number, casPtr: number): number {
      const key = mem.latin1(kp, kl);
      if (key === null) return Status.InvalidMemoryAccess;
      const e = vm.sharedData.get(key);
      if (!e) return Status.NotFound;
      if (!mem.copyOutBytes(e.value, vpp, vsp) || !mem.setU32(casPtr, e.cas)) return Status.InvalidMemoryAccess;
      return Status.Ok;
    },
    proxy_set_shared_data(kp: number, kl: number, vp: number, vl: number, cas: number): number {
      const key = mem.latin1(kp, kl);
      const value = mem.bytes(vp, vl);
      if (key === null || value === null) return Status.InvalidMemoryAccess;
      const e = vm.sharedData.get(key);
      if (cas !== 0 && e && e.cas !== cas >>> 0) return Status.CasMismatch;
      vm.sharedData.set(key, { value: Uint8Array.from(value), cas: (e?.cas ?? 0) + 1 });
      return Status.Ok;
    },
    proxy_register_shared_queue(np: number, nl: number, idPtr: number): number {
      const name = mem.latin1(np, nl);
      if (name === null) return Status.InvalidMemoryAccess;
      let id = 0;
      for (const [k, q] of vm.queues) if (q.name === name) id = k;
      if (id === 0) {
        id = vm.queues.size + 1;
        vm.queues.set(id, { name, items: [] });
      }
      return mem.setU32(idPtr, id) ? Status.Ok : Status.InvalidMemoryAccess;
    },
    proxy_resolve_shared_queue(_vp: number, _vl: number, np: number, nl: number, idPtr: number): number {
      const name = mem.latin1(np, nl);
      if (name === null) return Status.InvalidMemoryAccess;
      for (const [k, q] of vm.queues) if (q.name === name) return mem.setU32(idPtr, k) ? Status.Ok : Status.InvalidMemoryAccess;
      return Status.NotFound;
    },
    proxy_enqueue_shared_queue(id: number, vp: number, vl: number): number {
      const q = vm.queues.get(id >>> 0);
      if (!q) return Status.NotFound;
      const value = mem.bytes(vp, vl);
      if (value === null) return Status.InvalidMemoryAccess;
      q.items.push(Uint8Array.from(value));
      return Status.Ok;
    },
    proxy_dequeue_shared_queue(id: number, vpp: number, vsp: number): number {
      const q = vm.queues.get(id >>> 0);
      if (!q) return Status.NotFound;
      const item = q.items.shift();
      if (!item) return Status.Empty;
      return mem.copyOutBytes(item, vpp, vsp) ? Status.Ok : Status.InvalidMemoryAccess;
    },

    pthread_equal: (a: number, b: number) => (a === b ? 1 : 0),
    emscripten_notify_memory_growth: () => undefined,
  };
  return fns;
}
