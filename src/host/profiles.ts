// Import tables per host profile (host-facts.md §2.2, §3.1, §3.2, §3.4) and each profile's load rules.
// A table maps "module.name" → signature (params/results, i=i32 I=i64) plus how the host behaves:
// "impl" = the host's implementation, "trap" = linked but traps when called (Kong NYI),
// "unimplemented" = returns UNIMPLEMENTED (12), "noop" = returns OK and does nothing (APISIX).

import type { Profile } from "./types.js";

export type Behaviour = "impl" | "trap" | "unimplemented" | "noop";

export interface ImportSpec {
  params: string;
  results: string;
  behaviour: Behaviour;
}

export type ImportTable = Map<string, ImportSpec>;

export type AbiVersion = "0_1_0" | "0_2_0" | "0_2_1";

const i = (n: number) => "i".repeat(n);

// cpp-host FOR_ALL_HOST_FUNCTIONS (all registered as env.proxy_<name>), with cpp-host's C++ signatures
// (Word → i32; int64_t/uint64_t → i64).
const ENVOY_COMMON: Record<string, [string, string]> = {
  log: [i(3), "i"],
  get_status: [i(3), "i"],
  set_property: [i(4), "i"],
  get_property: [i(4), "i"],
  send_local_response: [i(8), "i"],
  get_shared_data: [i(5), "i"],
  set_shared_data: [i(5), "i"],
  register_shared_queue: [i(3), "i"],
  resolve_shared_queue: [i(5), "i"],
  dequeue_shared_queue: [i(3), "i"],
  enqueue_shared_queue: [i(3), "i"],
  get_header_map_value: [i(5), "i"],
  add_header_map_value: [i(5), "i"],
  replace_header_map_value: [i(5), "i"],
  remove_header_map_value: [i(3), "i"],
  get_header_map_pairs: [i(3), "i"],
  set_header_map_pairs: [i(3), "i"],
  get_header_map_size: [i(2), "i"],
  get_buffer_status: [i(3), "i"],
  get_buffer_bytes: [i(5), "i"],
  set_buffer_bytes: [i(5), "i"],
  http_call: [i(10), "i"],
  grpc_call: [i(12), "i"],
  grpc_stream: [i(9), "i"],
  grpc_close: [i(1), "i"],
  grpc_cancel: [i(1), "i"],
  grpc_send: [i(4), "i"],
  set_tick_period_milliseconds: [i(1), "i"],
  get_current_time_nanoseconds: [i(1), "i"],
  define_metric: [i(4), "i"],
  increment_metric: ["iI", "i"],
  record_metric: ["iI", "i"],
  get_metric: [i(2), "i"],
  set_effective_context: [i(1), "i"],
  done: ["", "i"],
  call_foreign_function: [i(6), "i"],
};

// FOR_ALL_HOST_FUNCTIONS_ABI_SPECIFIC, registered only for the detected ABI (src/wasm.cc registerCallbacks).
const ENVOY_ABI_SPECIFIC: Record<AbiVersion, Record<string, [string, string]>> = {
  "0_1_0": {
    get_configuration: [i(2), "i"],
    continue_request: ["", "i"],
    continue_response: ["", "i"],
    clear_route_cache: ["", "i"],
  },
  "0_2_0": { continue_stream: [i(1), "i"], close_stream: [i(1), "i"] },
  "0_2_1": { continue_stream: [i(1), "i"], close_stream: [i(1), "i"], get_log_level: [i(1), "i"] },
};

// WASI preview1 signatures (superset; each profile picks its names).
export const WASI_SIGS: Record<string, [string, string]> = {
  args_get: [i(2), "i"],
  args_sizes_get: [i(2), "i"],
  environ_get: [i(2), "i"],
  environ_sizes_get: [i(2), "i"],
  clock_res_get: [i(2), "i"],
  clock_time_get: ["iIi", "i"],
  fd_advise: ["iIIi", "i"],
  fd_allocate: ["iII", "i"],
  fd_close: [i(1), "i"],
  fd_datasync: [i(1), "i"],
  fd_fdstat_get: [i(2), "i"],
  fd_fdstat_set_flags: [i(2), "i"],
  fd_fdstat_set_rights: ["iII", "i"],
  fd_filestat_get: [i(2), "i"],
  fd_filestat_set_size: ["iI", "i"],
  fd_filestat_set_times: ["iIIi", "i"],
  fd_pread: ["iiiIi", "i"],
  fd_prestat_get: [i(2), "i"],
  fd_prestat_dir_name: [i(3), "i"],
  fd_pwrite: ["iiiIi", "i"],
  fd_read: [i(4), "i"],
  fd_readdir: ["iiiIi", "i"],
  fd_renumber: [i(2), "i"],
  fd_seek: ["iIii", "i"],
  fd_sync: [i(1), "i"],
  fd_tell: [i(2), "i"],
  fd_write: [i(4), "i"],
  path_create_directory: [i(3), "i"],
  path_filestat_get: [i(5), "i"],
  path_filestat_set_times: ["iiiiIIi", "i"],
  path_link: [i(7), "i"],
  path_open: ["iiiiiIIii", "i"],
  path_readlink: [i(6), "i"],
  path_remove_directory: [i(3), "i"],
  path_rename: [i(6), "i"],
  path_symlink: [i(5), "i"],
  path_unlink_file: [i(3), "i"],
  poll_oneoff: [i(4), "i"],
  proc_exit: [i(1), ""],
  proc_raise: [i(1), "i"],
  sched_yield: ["", "i"],
  random_get: [i(2), "i"],
  sock_accept: [i(3), "i"],
  sock_recv: [i(6), "i"],
  sock_send: [i(5), "i"],
  sock_shutdown: [i(2), "i"],
};

// Envoy's FOR_ALL_WASI_FUNCTIONS at the pin with cpp-host #427 (beb8a4e, the older of the two pins seen in
// envoyproxy/envoy; host-facts.md §2.2). Registered under both wasi_unstable and wasi_snapshot_preview1.
export const ENVOY_WASI = [
  "fd_write", "fd_read", "fd_seek", "fd_close", "fd_fdstat_get", "environ_get", "environ_sizes_get",
  "args_get", "args_sizes_get", "clock_time_get", "random_get", "proc_exit", "path_open",
  "fd_prestat_get", "fd_prestat_dir_name", "fd_fdstat_set_flags", "sched_yield", "poll_oneoff",
];

// Host calls allowed while the start function runs (cpp-host startVm setRestrictedCallback; host-facts.md §2.3).
export const ENVOY_START_ALLOWED = new Set([
  "env.emscripten_notify_memory_growth",
  "env.proxy_log",
  ...[
    "fd_write", "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_time_get",
    "clock_res_get", "random_get", "poll_oneoff", "fd_fdstat_get", "fd_fdstat_set_flags",
    // the stub list: functions without side effects
    "fd_read", "fd_seek", "fd_close", "fd_prestat_get", "fd_prestat_dir_name", "path_open", "sched_yield",
    "proc_exit",
  ].flatMap((n) => [`wasi_snapshot_preview1.${n}`, `wasi_unstable.${n}`]),
]);

// Kong ngx_wasm_module host table (host-facts.md §3.1).
const KONG_IMPL = [
  "log", "get_current_time_nanoseconds", "set_effective_context", "set_tick_period_milliseconds",
  "get_buffer_bytes", "set_buffer_bytes", "get_header_map_pairs", "set_header_map_pairs",
  "get_header_map_value", "add_header_map_value", "replace_header_map_value", "remove_header_map_value",
  "get_property", "set_property", "continue_stream", "continue_request", "send_local_response", "http_call",
  "get_shared_data", "set_shared_data", "register_shared_queue", "enqueue_shared_queue",
  "dequeue_shared_queue", "define_metric", "get_metric", "record_metric", "increment_metric",
  "call_foreign_function", "get_configuration",
];
const KONG_TRAP = [
  "get_log_level", "done", "close_stream", "continue_response", "get_status", "grpc_call", "grpc_stream",
  "grpc_send", "grpc_cancel", "grpc_close", "resolve_shared_queue", "clear_route_cache",
];
const KONG_WASI = [
  "args_get", "args_sizes_get", "clock_time_get", "environ_get", "environ_sizes_get", "fd_write", "random_get",
  "proc_exit", "fd_close", "fd_fdstat_get", "fd_fdstat_set_flags", "fd_prestat_get", "fd_read", "fd_seek",
  "fd_prestat_dir_name", "sched_yield", "poll_oneoff", "path_open",
];

// APISIX wasm-nginx-module host_apis (host-facts.md §3.2).
const APISIX_IMPL = [
  "set_effective_context", "get_property", "set_property", "log", "get_buffer_bytes", "send_local_response",
  "send_http_response", "get_configuration", "get_header_map_pairs", "get_header_map_value",
  "remove_header_map_value", "replace_header_map_value", "add_header_map_value", "continue_request",
  "continue_response", "continue_stream", "close_stream", "http_call",
];
const APISIX_UNIMPLEMENTED = [
  "set_buffer_bytes", "get_current_time_nanoseconds", "set_tick_period_milliseconds", "set_header_map_pairs",
  "get_shared_data", "set_shared_data", "register_shared_queue", "resolve_shared_queue", "dequeue_shared_queue",
  "enqueue_shared_queue", "clear_route_cache", "grpc_call", "grpc_stream", "grpc_send", "grpc_cancel",
  "grpc_close", "get_status", "done", "call_foreign_function",
];
const APISIX_NOOP = ["define_metric", "increment_metric", "record_metric", "get_metric"];

function sigOf(name: string): [string, string] {
  const all: Record<string, [string, string]> = {
    ...ENVOY_COMMON,
    ...ENVOY_ABI_SPECIFIC["0_1_0"],
    ...ENVOY_ABI_SPECIFIC["0_2_1"],
    send_http_response: [i(8), "i"],
  };
  const s = all[name];
  if (!s) throw new Error(`no signature for proxy_${name}`);
  return s;
}

function put(t: ImportTable, key: string, sig: [string, string], behaviour: Behaviour): void {
  t.set(key, { params: sig[0], results: sig[1], behaviour });
}

const cache = new Map<string, ImportTable>();

/** The import table a profile links for a module of the given ABI version. */
export function importTable(profile: Profile, abi: AbiVersion): ImportTable {
  const key = `${profile}/${abi}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const t: ImportTable = new Map();
  if (profile === "envoy") {
    for (const [n, s] of Object.entries(ENVOY_COMMON)) put(t, `env.proxy_${n}`, s, "impl");
    for (const [n, s] of Object.entries(ENVOY_ABI_SPECIFIC[abi])) put(t, `env.proxy_${n}`, s, "impl");
    put(t, "env.pthread_equal", [i(2), "i"], "impl");
    put(t, "env.emscripten_notify_memory_growth", [i(1), ""], "impl");
    for (const n of ENVOY_WASI) {
      put(t, `wasi_unstable.${n}`, WASI_SIGS[n], "impl");
      put(t, `wasi_snapshot_preview1.${n}`, WASI_SIGS[n], "impl");
    }
  } else if (profile === "kong") {
    for (const n of KONG_IMPL) put(t, `env.proxy_${n}`, sigOf(n), "impl");
    for (const n of KONG_TRAP) put(t, `env.proxy_${n}`, sigOf(n), "trap");
    // Kong declares proxy_get_log_level with two i32 parameters (host-facts.md §3.1).
    put(t, "env.proxy_get_log_level", [i(2), "i"], "trap");
    for (const n of KONG_WASI) put(t, `wasi_snapshot_preview1.${n}`, WASI_SIGS[n], "impl");
  } else {
    for (const n of APISIX_IMPL) put(t, `env.proxy_${n}`, sigOf(n), "impl");
    for (const n of APISIX_UNIMPLEMENTED) put(t, `env.proxy_${n}`, sigOf(n), "unimplemented");
    for (const n of APISIX_NOOP) put(t, `env.proxy_${n}`, sigOf(n), "noop");
    // APISIX declares proxy_get_metric as (i32, i64) (host-facts.md §3.2).
    put(t, "env.proxy_get_metric", ["iI", "i"], "noop");
    // wasmtime_linker_define_wasi: the whole preview1 set.
    for (const [n, s] of Object.entries(WASI_SIGS)) put(t, `wasi_snapshot_preview1.${n}`, s, "impl");
  }
  cache.set(key, t);
  return t;
}

/** The portable import set (behaviour.md §7): links on all three profiles. */
export const PORTABLE_IMPORTS = [
  "env.proxy_log", "env.proxy_get_buffer_bytes", "env.proxy_get_header_map_value",
  "env.proxy_get_header_map_pairs", "env.proxy_add_header_map_value", "env.proxy_replace_header_map_value",
  "env.proxy_remove_header_map_value", "env.proxy_send_local_response", "env.proxy_get_property",
  "env.proxy_define_metric", "env.proxy_increment_metric", "env.proxy_set_effective_context",
  "wasi_snapshot_preview1.proc_exit",
];
