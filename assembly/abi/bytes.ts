// Strings <-> bytes at the ABI edge.
// Header names and values: one byte per char (Latin-1) both ways, so an echoed value is byte-exact;
// a char above 0xFF (never produced by decoding) is sent as '?' rather than truncated into another
// byte (U+010A must not become a line feed). Log lines, local-reply bodies and property values: UTF-8.

/** Reused for outgoing data up to SCRATCH_MAX bytes (grows once, then stays); larger requests get a fresh buffer. */
let scratchBuf = new ArrayBuffer(512);
const SCRATCH_MAX: i32 = 16384;

/**
 * A buffer of at least `size` bytes for data passed to one host call. Keep the returned reference
 * in a local until the host call returns (it may be a fresh buffer). Not reentrant across host calls.
 */
export function outBuffer(size: usize): ArrayBuffer {
  if (size <= <usize>scratchBuf.byteLength) return scratchBuf;
  if (size <= <usize>SCRATCH_MAX) {
    let cap = scratchBuf.byteLength << 1;
    while (<usize>cap < size) cap <<= 1;
    scratchBuf = new ArrayBuffer(cap);
    return scratchBuf;
  }
  return new ArrayBuffer(<i32>size);
}

/** Writes `s` one byte per char at `dst`; returns the number of bytes written (= s.length). */
export function writeLatin1(s: string, dst: usize): usize {
  const n = <usize>s.length;
  const src = changetype<usize>(s);
  for (let i: usize = 0; i < n; ++i) {
    const c = load<u16>(src + (i << 1));
    store<u8>(dst + i, c > 0xFF ? 0x3F : <u8>c);
  }
  return n;
}

/** Decodes `len` bytes at `ptr`, one char per byte. */
export function readLatin1(ptr: usize, len: usize): string {
  if (len == 0) return "";
  const out = __new(len << 1, idof<string>());
  for (let i: usize = 0; i < len; ++i) {
    store<u16>(out + (i << 1), <u16>load<u8>(ptr + i));
  }
  return changetype<string>(out);
}

// @ts-ignore: decorator
@inline export function utf8Length(s: string): usize {
  return <usize>String.UTF8.byteLength(s);
}

/** Writes `s` as UTF-8 at `dst` (which has utf8Length(s) bytes); returns the bytes written. */
// @ts-ignore: decorator
@inline export function writeUtf8(s: string, dst: usize): usize {
  return String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, dst);
}

/** Decodes `len` UTF-8 bytes at `ptr` (invalid sequences do not trap). */
export function readUtf8(ptr: usize, len: usize): string {
  if (len == 0) return "";
  return String.UTF8.decodeUnsafe(ptr, len);
}
