// A minimal proxy-wasm ABI 0.2.1 host for the ABI layer's tests. It copies the cpp-host / Envoy
// behaviour that matters here (host-facts.md §2, §4): `_initialize` first, data handed back through the
// module's `malloc`, NotFound for a missing header or property, BadArgument for an unavailable map,
// get_buffer_bytes answers Ok without writing for 0 bytes, the plugin configuration is readable only
// inside proxy_on_configure, and a local reply runs through proxy_on_response_headers.
// On top of that every host function can be told to fail (any status, after allocating, with an
// oversized or wild pointer) so the tests can check that the module never traps.
import { readFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const ASC = join(ROOT, "node_modules", ".bin", "asc");

export type HeaderList = Array<[string, string]>;

/** How a faulted host function misbehaves. */
export interface Fault {
  status: number;
  /** "plain": return the status and write nothing. "malloc": allocate through the module, write ptr/size, then
   *  return the status. "oversize": return Ok with a size larger than the block. "wild": return Ok with a pointer
   *  outside linear memory. */
  mode?: "plain" | "malloc" | "oversize" | "wild";
}

export const NON_OK_STATUSES = [1, 2, 3, 4, 6, 7, 8, 10, 12];

export const IMPORT_NAMES = [
  "proxy_log", "proxy_get_buffer_bytes", "proxy_get_header_map_value", "proxy_get_header_map_pairs",
  "proxy_add_header_map_value", "proxy_replace_header_map_value", "proxy_remove_header_map_value",
  "proxy_send_local_response", "proxy_get_property", "proxy_define_metric", "proxy_increment_metric",
  "proxy_set_effective_context",
];

export interface LocalReply { status: number; details: string; body: string; headers: HeaderList }

export interface RequestOutcome {
  action: number;
  local: LocalReply | null;
  /** For a local reply: the headers after proxy_on_response_headers ran on it. */
  localHeaders?: HeaderList;
  /** The request headers after the callback (as modified by the module). */
  headers: HeaderList;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
const fromLatin1 = (b: Uint8Array) => String.fromCharCode(...b);

/** Builds the release module once (when `make build` has not run yet). */
export function ensureBuilt(file = "build/cors.wasm", target = "release"): Uint8Array {
  const path = join(ROOT, file);
  if (!existsSync(path)) {
    execFileSync(ASC, ["assembly/index.ts", "--target", target], { cwd: ROOT, stdio: "inherit" });
  }
  return readFileSync(path);
}

/** Newest modification time of the files a probe build depends on. */
function sourcesMtime(name: string): number {
  const files = [join(ROOT, "asconfig.json"), join(ROOT, "tests", "abi", "assembly", `${name}.ts`)];
  // The ABI layer and the skeleton filter (tests/abi/assembly/lib) the probes are built from.
  for (const d of [join(ROOT, "assembly", "abi"), join(ROOT, "tests", "abi", "assembly", "lib")]) {
    for (const f of readdirSync(d)) files.push(join(d, f));
  }
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/** The module as shipped (build/cors.wasm: the real filter) and the walking skeleton built on its own. */
export function modules(): Array<{ name: string; wasm: Uint8Array }> {
  return [{ name: "cors.wasm", wasm: ensureBuilt() }, { name: "skeleton", wasm: buildProbe("skeleton") }];
}

/** Builds an AssemblyScript probe module under tests/abi/assembly/ with the production options (asconfig.json)
 *  into build/test-abi/NAME.wasm, unless that is newer than its sources. node --test runs the test files in
 *  parallel: each compiles to its own file and renames it into place. */
export function buildProbe(name: string): Uint8Array {
  const out = join(ROOT, "build", "test-abi", `${name}.wasm`);
  if (existsSync(out) && statSync(out).mtimeMs > sourcesMtime(name)) return readFileSync(out);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = join(ROOT, "build", "test-abi", `${name}-${process.pid}.wasm`);
  execFileSync(ASC, [`tests/abi/assembly/${name}.ts`, "-o", tmp, "--target", "release"], { cwd: ROOT, stdio: "inherit" });
  const wasm = readFileSync(tmp);
  renameSync(tmp, out);
  return wasm;
}

export function serializePairs(headers: HeaderList): Uint8Array {
  const parts = headers.map(([k, v]) => [latin1(k), latin1(v)] as const);
  let size = 4 + 8 * parts.length;
  for (const [k, v] of parts) size += k.length + v.length + 2;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, parts.length, true);
  let at = 4 + 8 * parts.length;
  parts.forEach(([k, v], i) => {
    dv.setUint32(4 + i * 8, k.length, true);
    dv.setUint32(8 + i * 8, v.length, true);
    out.set(k, at); at += k.length + 1;
    out.set(v, at); at += v.length + 1;
  });
  return out;
}

export function parsePairs(bytes: Uint8Array): HeaderList {
  if (bytes.length === 0) return [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getUint32(0, true);
  const out: HeaderList = [];
  let at = 4 + 8 * n;
  for (let i = 0; i < n; i++) {
    const k = dv.getUint32(4 + i * 8, true), v = dv.getUint32(8 + i * 8, true);
    const key = fromLatin1(bytes.subarray(at, at + k)); at += k + 1;
    const val = fromLatin1(bytes.subarray(at, at + v)); at += v + 1;
    out.push([key, val]);
  }
  return out;
}

export class MiniHost {
  instance!: WebAssembly.Instance;
  ex!: Record<string, any>;
  memory!: WebAssembly.Memory;
  logs: Array<{ level: number; message: string }> = [];
  metrics = new Map<number, { name: string; value: bigint }>();
  faults = new Map<string, Fault>();
  properties = new Map<string, Uint8Array>();
  /** When set, get_header_map_pairs returns these bytes as they are. */
  rawPairs: Uint8Array | null = null;
  vmConfig: Uint8Array = new Uint8Array(0);
  pluginConfig: Uint8Array | null = null;
  calls = new Map<string, number>();
  private requestMap: HeaderList | null = null;
  private responseMap: HeaderList | null = null;
  private local: LocalReply | null = null;
  /** Run the stream's proxy_on_response_headers for a local reply inside proxy_send_local_response, before it
   *  returns (a host may; Envoy runs it after the callback returned): the module must not collect under it. */
  nestedLocalReply = false;
  private currentStream = 0;
  private nestedLocalHeaders: HeaderList | null = null;
  nextId = 1;

  static async load(wasm: Uint8Array): Promise<MiniHost> {
    const h = new MiniHost();
    const { instance } = await WebAssembly.instantiate(wasm as BufferSource, h.imports());
    h.instance = instance;
    h.ex = instance.exports as Record<string, any>;
    h.memory = h.ex.memory as WebAssembly.Memory;
    if (h.ex._initialize) h.ex._initialize();
    return h;
  }

  get pages(): number { return this.memory.buffer.byteLength / 65536; }
  metric(name: string): number | undefined {
    for (const m of this.metrics.values()) if (m.name === name) return Number(m.value);
    return undefined;
  }
  setProperty(path: string[], value: string | Uint8Array) {
    this.properties.set(path.join("\0"), typeof value === "string" ? enc.encode(value) : value);
  }

  // ---- memory helpers -------------------------------------------------------------------------
  private u8() { return new Uint8Array(this.memory.buffer); }
  private dv() { return new DataView(this.memory.buffer); }
  private read(ptr: number, size: number): Uint8Array { return this.u8().slice(ptr, ptr + size); }
  private writeRet(retPtr: number, retSize: number, ptr: number, size: number) {
    const dv = this.dv();
    dv.setUint32(retPtr, ptr, true);
    dv.setUint32(retSize, size, true);
  }
  /** cpp-host copyToPointerSize: 0 bytes → ptr 0 / size 0 without calling malloc. */
  private copyOut(bytes: Uint8Array, retPtr: number, retSize: number): number {
    if (bytes.length === 0) { this.writeRet(retPtr, retSize, 0, 0); return 0; }
    const p = this.ex.malloc(bytes.length) >>> 0;
    if (p === 0) return 6;
    this.u8().set(bytes, p);
    this.writeRet(retPtr, retSize, p, bytes.length);
    return 0;
  }
  /** Applies a configured fault for `name`; returns the status to answer, or -1 to behave normally. */
  private fault(name: string, retPtr?: number, retSize?: number): number {
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    const f = this.faults.get(name);
    if (!f) return -1;
    const mode = f.mode ?? "plain";
    if (retPtr !== undefined && retSize !== undefined) {
      if (mode === "malloc") {
        const p = this.ex.malloc(16) >>> 0;
        this.writeRet(retPtr, retSize, p, 16);
      } else if (mode === "oversize") {
        const p = this.ex.malloc(8) >>> 0;
        this.writeRet(retPtr, retSize, p, 4096);
        return 0;
      } else if (mode === "wild") {
        this.writeRet(retPtr, retSize, 0xfffffff0, 100);
        return 0;
      }
    } else if (retPtr !== undefined && mode !== "plain") {
      // define_metric: a single return slot
      this.dv().setUint32(retPtr, 0xdead, true);
    }
    return f.status;
  }
  private map(type: number): HeaderList | null {
    if (type === 0) return this.requestMap;
    if (type === 2) return this.responseMap;
    return null;
  }

  imports(): WebAssembly.Imports {
    const env = {
      proxy_log: (level: number, ptr: number, size: number) => {
        this.logs.push({ level, message: dec.decode(this.read(ptr, size)) });
        const f = this.fault("proxy_log");
        return f >= 0 ? f : 0;
      },
      proxy_get_buffer_bytes: (type: number, start: number, max: number, retPtr: number, retSize: number) => {
        const f = this.fault("proxy_get_buffer_bytes", retPtr, retSize);
        if (f >= 0) return f;
        const buf = type === 7 ? this.pluginConfig : type === 6 ? this.vmConfig : null;
        if (buf === null) return 1;
        start >>>= 0; max >>>= 0;
        if (start > buf.length) return 2;
        const length = Math.min(max, buf.length - start);
        if (length > 0) return this.copyOut(buf.subarray(start, start + length), retPtr, retSize);
        return 0;
      },
      proxy_get_header_map_value: (type: number, kp: number, ks: number, retPtr: number, retSize: number) => {
        const f = this.fault("proxy_get_header_map_value", retPtr, retSize);
        if (f >= 0) return f;
        const m = this.map(type);
        if (!m) return 2;
        const key = fromLatin1(this.read(kp, ks)).toLowerCase();
        const hit = m.find(([k]) => k.toLowerCase() === key);
        if (!hit) return 1;
        return this.copyOut(latin1(hit[1]), retPtr, retSize);
      },
      proxy_get_header_map_pairs: (type: number, retPtr: number, retSize: number) => {
        const f = this.fault("proxy_get_header_map_pairs", retPtr, retSize);
        if (f >= 0) return f;
        if (this.rawPairs) return this.copyOut(this.rawPairs, retPtr, retSize);
        const m = this.map(type);
        if (!m) return 2;
        return this.copyOut(serializePairs(m), retPtr, retSize);
      },
      proxy_add_header_map_value: (type: number, kp: number, ks: number, vp: number, vs: number) => {
        const f = this.fault("proxy_add_header_map_value");
        if (f >= 0) return f;
        const m = this.map(type);
        if (!m) return 2;
        m.push([fromLatin1(this.read(kp, ks)).toLowerCase(), fromLatin1(this.read(vp, vs))]);
        return 0;
      },
      proxy_replace_header_map_value: (type: number, kp: number, ks: number, vp: number, vs: number) => {
        const f = this.fault("proxy_replace_header_map_value");
        if (f >= 0) return f;
        const m = this.map(type);
        if (!m) return 2;
        const key = fromLatin1(this.read(kp, ks)).toLowerCase();
        const kept = m.filter(([k]) => k.toLowerCase() !== key);
        m.length = 0;
        m.push(...kept, [key, fromLatin1(this.read(vp, vs))]);
        return 0;
      },
      proxy_remove_header_map_value: (type: number, kp: number, ks: number) => {
        const f = this.fault("proxy_remove_header_map_value");
        if (f >= 0) return f;
        const m = this.map(type);
        if (!m) return 2;
        const key = fromLatin1(this.read(kp, ks)).toLowerCase();
        const kept = m.filter(([k]) => k.toLowerCase() !== key);
        m.length = 0;
        m.push(...kept);
        return 0;
      },
      proxy_send_local_response: (status: number, dp: number, ds: number, bp: number, bs: number,
                                  hp: number, hs: number, _grpc: number) => {
        const f = this.fault("proxy_send_local_response");
        if (f >= 0) return f;
        this.local = {
          status, details: fromLatin1(this.read(dp, ds)).replace(/ /g, "_"), body: dec.decode(this.read(bp, bs)),
          headers: parsePairs(this.read(hp, hs)),
        };
        if (this.nestedLocalReply) this.nestedLocalHeaders = this.encodeLocal(this.currentStream, this.local);
        return 0;
      },
      proxy_get_property: (pp: number, ps: number, retPtr: number, retSize: number) => {
        const f = this.fault("proxy_get_property", retPtr, retSize);
        if (f >= 0) return f;
        const key = dec.decode(this.read(pp, ps));
        const v = this.properties.get(key);
        if (v === undefined) return 1;
        return this.copyOut(v, retPtr, retSize);
      },
      proxy_define_metric: (type: number, np: number, ns: number, retId: number) => {
        const f = this.fault("proxy_define_metric", retId);
        if (f >= 0) return f;
        if (type > 2) return 2;
        const id = this.metrics.size * 16 + 1; // Envoy's ids encode the type in the low bits
        this.metrics.set(id, { name: dec.decode(this.read(np, ns)), value: 0n });
        this.dv().setUint32(retId, id, true);
        return 0;
      },
      proxy_increment_metric: (id: number, delta: bigint) => {
        const f = this.fault("proxy_increment_metric");
        if (f >= 0) return f;
        const m = this.metrics.get(id);
        if (!m) return 1;
        if (delta <= 0n) return 2;
        m.value += delta;
        return 0;
      },
      proxy_set_effective_context: (_id: number) => {
        const f = this.fault("proxy_set_effective_context");
        return f >= 0 ? f : 0;
      },
    };
    const wasi = {
      proc_exit: (code: number) => { throw new Error(`proc_exit(${code})`); },
    };
    return { env, wasi_snapshot_preview1: wasi };
  }

  // ---- lifecycle ------------------------------------------------------------------------------
  /** context_create(root, 0), vm_start, configure (the config is readable only during configure). */
  createRoot(config: string | Uint8Array | null, rootId = this.nextId++): { id: number; vmStart: number; configured: number } {
    this.ex.proxy_on_context_create(rootId, 0);
    const vmStart = this.ex.proxy_on_vm_start(rootId, this.vmConfig.length);
    const configured = this.configure(rootId, config);
    return { id: rootId, vmStart, configured };
  }
  configure(rootId: number, config: string | Uint8Array | null): number {
    this.pluginConfig = config === null ? null : typeof config === "string" ? enc.encode(config) : config;
    try {
      return this.ex.proxy_on_configure(rootId, this.pluginConfig?.length ?? 0);
    } finally {
      this.pluginConfig = null;
    }
  }
  newStream(rootId: number): number {
    const id = this.nextId++;
    this.ex.proxy_on_context_create(id, rootId);
    return id;
  }
  requestHeaders(id: number, headers: HeaderList, endOfStream = false): RequestOutcome {
    this.requestMap = headers.map(([k, v]) => [k.toLowerCase(), v] as [string, string]);
    this.local = null;
    this.nestedLocalHeaders = null;
    this.currentStream = id;
    const action = this.ex.proxy_on_request_headers(id, headers.length, endOfStream ? 1 : 0) >>> 0;
    const after = this.requestMap;
    this.requestMap = null; // Envoy nulls the request map once the callback returned
    const local = this.local as LocalReply | null;
    const out: RequestOutcome = { action, local, headers: after };
    if (local) out.localHeaders = this.nestedLocalHeaders ?? this.encodeLocal(id, local);
    return out;
  }
  /** Envoy sends the local reply through the encoder chain: this filter's response callback runs on it. */
  private encodeLocal(id: number, local: LocalReply): HeaderList {
    const hs: HeaderList = [[":status", String(local.status)], ...local.headers];
    if (local.body.length > 0) hs.push(["content-type", "text/plain"]);
    return this.responseHeaders(id, hs, local.body.length === 0);
  }
  responseHeaders(id: number, headers: HeaderList, endOfStream = false): HeaderList {
    this.responseMap = headers.map(([k, v]) => [k.toLowerCase(), v] as [string, string]);
    this.ex.proxy_on_response_headers(id, headers.length, endOfStream ? 1 : 0);
    const after = this.responseMap;
    this.responseMap = null;
    return after;
  }
  finish(id: number): void {
    this.ex.proxy_on_done(id);
    this.ex.proxy_on_log(id);
    this.ex.proxy_on_delete(id);
  }
  /** One full exchange: request headers, upstream response headers (unless a local reply), done/log/delete. */
  exchange(rootId: number, request: HeaderList, response: HeaderList = [[":status", "200"]]) {
    const id = this.newStream(rootId);
    const req = this.requestHeaders(id, request);
    const resp = req.local ? req.localHeaders! : this.responseHeaders(id, response);
    this.finish(id);
    return { id, req, resp };
  }
}

export function header(list: HeaderList, name: string): string[] {
  return list.filter(([k]) => k === name).map(([, v]) => v);
}
