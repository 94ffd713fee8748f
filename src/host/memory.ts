// Guest memory access: bounds-checked reads/writes (cpp-host getMemory/setWord → INVALID_MEMORY_ACCESS),
// Latin-1 strings (one byte per char), and copies into guest-allocated memory.

export class GuestMemory {
  private buf: Buffer;
  private memory: WebAssembly.Memory | null = null;
  /** The guest allocator (malloc or proxy_on_memory_allocate, chosen by the profile). */
  alloc: (size: number) => number = () => 0;

  constructor() {
    this.buf = Buffer.alloc(0);
  }

  attach(memory: WebAssembly.Memory): void {
    this.memory = memory;
    this.buf = Buffer.from(memory.buffer);
  }

  /** Current view (memory.grow detaches the old ArrayBuffer). */
  view(): Buffer {
    // memory.grow detaches the old ArrayBuffer: its views then have length 0.
    if (this.buf.length === 0 && this.memory !== null) this.buf = Buffer.from(this.memory.buffer);
    return this.buf;
  }

  inBounds(ptr: number, len: number): boolean {
    return ptr >= 0 && len >= 0 && ptr + len <= this.view().length;
  }

  /** Bytes [ptr, ptr+len) as a view (no copy), or null when out of bounds. */
  bytes(ptr: number, len: number): Buffer | null {
    ptr >>>= 0;
    len >>>= 0;
    const b = this.view();
    if (ptr + len > b.length) return null;
    return b.subarray(ptr, ptr + len);
  }

  latin1(ptr: number, len: number): string | null {
    ptr >>>= 0;
    len >>>= 0;
    const b = this.view();
    if (ptr + len > b.length) return null;
    return latin1(b, ptr, ptr + len);
  }

  utf8(ptr: number, len: number): string | null {
    ptr >>>= 0;
    len >>>= 0;
    const b = this.view();
    if (ptr + len > b.length) return null;
    return b.toString("utf8", ptr, ptr + len);
  }

  u32(ptr: number): number | null {
    ptr >>>= 0;
    const b = this.view();
    if (ptr + 4 > b.length) return null;
    return b.readUInt32LE(ptr);
  }

  setU32(ptr: number, value: number): boolean {
    ptr >>>= 0;
    const b = this.view();
    if (ptr + 4 > b.length) return false;
    b.writeUInt32LE(value >>> 0, ptr);
    return true;
  }

  setU64(ptr: number, value: bigint): boolean {
    ptr >>>= 0;
    const b = this.view();
    if (ptr + 8 > b.length) return false;
    b.writeBigUInt64LE(BigInt.asUintN(64, value), ptr);
    return true;
  }

  /** Allocates len bytes in the guest and returns the pointer, or 0 (the allocator may grow memory). */
  allocate(len: number): number {
    return this.alloc(len) >>> 0;
  }

  /**
   * cpp-host copyToPointerSize: allocate in the guest, copy, write pointer and size.
   * An empty value writes (0, 0) without calling the allocator. false = INVALID_MEMORY_ACCESS.
   */
  copyOutLatin1(s: string, ptrPtr: number, sizePtr: number): boolean {
    const len = s.length;
    if (len === 0) return this.setU32(ptrPtr, 0) && this.setU32(sizePtr, 0);
    const p = this.allocate(len);
    if (p === 0) return false;
    const b = this.view();
    if (p + len > b.length) return false;
    if (len <= 24) for (let k = 0; k < len; k++) b[p + k] = s.charCodeAt(k);
    else b.write(s, p, len, "latin1");
    return this.setU32(ptrPtr, p) && this.setU32(sizePtr, len);
  }

  copyOutBytes(data: Uint8Array, ptrPtr: number, sizePtr: number): boolean {
    const len = data.length;
    if (len === 0) return this.setU32(ptrPtr, 0) && this.setU32(sizePtr, 0);
    const p = this.allocate(len);
    if (p === 0) return false;
    const b = this.view();
    if (p + len > b.length) return false;
    b.set(data, p);
    return this.setU32(ptrPtr, p) && this.setU32(sizePtr, len);
  }
}

const nativeLatin1 = (Buffer.prototype as unknown as { latin1Slice?: (s: number, e: number) => string }).latin1Slice;

/** Bytes [start, end) one char per byte; short strings without the Buffer.toString overhead. */
export function latin1(b: Buffer, start: number, end: number): string {
  if (end - start <= 24) {
    let s = "";
    for (let k = start; k < end; k++) s += String.fromCharCode(b[k]);
    return s;
  }
  return nativeLatin1 ? nativeLatin1.call(b, start, end) : b.toString("latin1", start, end);
}

/** Parses a proxy-wasm serialized pair map (host-facts.md §1.3). null = malformed. */
export function parsePairs(b: Uint8Array): Array<[string, string]> | null {
  if (b.length === 0) return [];
  if (b.length < 4) return b.length === 1 && b[0] === 0 ? [] : null;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  const n = buf.readUInt32LE(0);
  let sizes = 4;
  let data = 4 + n * 8;
  if (data > buf.length) return null;
  const out: Array<[string, string]> = [];
  for (let k = 0; k < n; k++) {
    const kl = buf.readUInt32LE(sizes);
    const vl = buf.readUInt32LE(sizes + 4);
    sizes += 8;
    if (data + kl + 1 + vl + 1 > buf.length) return null;
    const key = latin1(buf, data, data + kl);
    data += kl + 1;
    const value = latin1(buf, data, data + vl);
    data += vl + 1;
    out.push([key, value]);
  }
  return out;
}

/** Serializes pairs (names and values one byte per char). */
export function serializePairs(names: string[], values: string[], count: number): Buffer {
  let size = 4 + count * 8;
  for (let k = 0; k < count; k++) size += names[k].length + values[k].length + 2;
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32LE(count, 0);
  let sizes = 4;
  let data = 4 + count * 8;
  for (let k = 0; k < count; k++) {
    const n = names[k];
    const v = values[k];
    out.writeUInt32LE(n.length, sizes);
    out.writeUInt32LE(v.length, sizes + 4);
    sizes += 8;
    out.write(n, data, n.length, "latin1");
    data += n.length;
    out[data++] = 0;
    out.write(v, data, v.length, "latin1");
    data += v.length;
    out[data++] = 0;
  }
  return out;
}
