// Header map helpers. Return a Status or null; never trap, whatever the host answers.

import {
  proxy_get_header_map_value, proxy_get_header_map_pairs, proxy_add_header_map_value,
  proxy_replace_header_map_value, proxy_remove_header_map_value,
} from "./imports";
import { Status, MapType, HeaderPair } from "./types";
import { RET_PTR, RET_SIZE, clearReturned, takeReturned, takeReturnedInPlace, returnedPtr, returnedLen } from "./memory";
import { outBuffer, writeLatin1, readLatin1 } from "./bytes";

/** The value of the first `name` line (Envoy: inline headers arrive comma-joined); null on NotFound or any error. */
export function getHeader(map: MapType, name: string): string | null {
  const n = <usize>name.length;
  const out = outBuffer(n);
  const p = changetype<usize>(out);
  writeLatin1(name, p);
  clearReturned();
  const st = proxy_get_header_map_value(<u32>map, p, n, RET_PTR, RET_SIZE);
  if (!takeReturnedInPlace(st)) return null;
  return readLatin1(returnedPtr, returnedLen);
}

/**
 * Several headers with one host call: `values[k]` becomes the value of the first line named `names[k]` (lower-case;
 * compared ASCII case-insensitively: Kong lists request headers with the case they arrived in), or null when there
 * is none; that is what getHeader answers on every host (Envoy's get returns the map's first entry of the name,
 * Kong's and APISIX's the first line), at the price of one listing instead of one call per header (docs/perf.md).
 * `values` must have names.length slots. false when the host refused or the serialisation is malformed (then
 * `values` is left as it was).
 */
export function getHeaderValues(map: MapType, names: Array<string>, values: Array<string | null>): bool {
  clearReturned();
  const st = proxy_get_header_map_pairs(<u32>map, RET_PTR, RET_SIZE);
  if (!takeReturnedInPlace(st)) return false;
  const base = returnedPtr;
  const checked = pairCount(base, returnedLen);
  if (checked < 0) return false;
  const count = <i32>checked;
  const n = names.length;
  for (let k = 0; k < n; k++) unchecked(values[k] = null);
  let missing = n;
  let data = base + 4 + (<usize>count << 3);
  for (let i: i32 = 0; i < count && missing > 0; ++i) {
    const at = base + 4 + (<usize>i << 3);
    const klen = <usize>load<u32>(at);
    const vlen = <usize>load<u32>(at, 4);
    const value = data + klen + 1;
    for (let k = 0; k < n; k++) {
      if (unchecked(values[k]) === null && sameNameFolded(data, klen, unchecked(names[k]))) {
        unchecked(values[k] = readLatin1(value, vlen));
        missing--;
        break;
      }
    }
    data = value + vlen + 1;
  }
  return true;
}

/** Every line of the map, in order; null when the host refused or the serialisation is malformed. */
export function getHeaderPairs(map: MapType): Array<HeaderPair> | null {
  clearReturned();
  const st = proxy_get_header_map_pairs(<u32>map, RET_PTR, RET_SIZE);
  const bytes = takeReturned(st);
  if (bytes === null) return null;
  return parsePairs(changetype<usize>(bytes), <usize>bytes.byteLength);
}

/**
 * Checks a serialised map: u32 count, count × (u32 key_len, u32 value_len), then each key and value
 * followed by 0x00 (little-endian). Size 0 or a single 0x00 byte is the empty map. Returns the count,
 * or -1 when the lengths do not fit in `len` bytes.
 */
function pairCount(base: usize, len: usize): i64 {
  if (len == 0 || (len == 1 && load<u8>(base) == 0)) return 0;
  if (len < 4) return -1;
  const count = <u64>load<u32>(base);
  const dataStart = 4 + count * 8;
  if (dataStart > <u64>len) return -1;
  let need = dataStart;
  for (let i: u64 = 0; i < count; ++i) {
    const at = base + 4 + <usize>(i << 3);
    need += <u64>load<u32>(at) + <u64>load<u32>(at, 4) + 2;
    if (need > <u64>len) return -1;
  }
  return <i64>count;
}

/** Parses a serialised map (see pairCount). Bounds are checked before anything is allocated; malformed
 *  input gives null. */
export function parsePairs(base: usize, len: usize): Array<HeaderPair> | null {
  const checked = pairCount(base, len);
  if (checked < 0) return null;
  const count = <i32>checked;
  const pairs = new Array<HeaderPair>(count);
  let data = base + 4 + (<usize>count << 3);
  for (let i: i32 = 0; i < count; ++i) {
    const at = base + 4 + (<usize>i << 3);
    const klen = <usize>load<u32>(at);
    const vlen = <usize>load<u32>(at, 4);
    const name = readLatin1(data, klen);
    data += klen + 1;
    const value = readLatin1(data, vlen);
    data += vlen + 1;
    unchecked(pairs[i] = new HeaderPair(name, value));
  }
  return pairs;
}

/**
 * One pass over every line of the map without decoding names: bit i of the result is set when some line's
 * name is `names[i]` (at most 31 names, lower-case; compared ASCII case-insensitively: Kong lists response
 * headers with the case the upstream sent), and the value of every `valuesOf` line is appended to `values`, in
 * order. -1 when the host refused or the serialisation is malformed (nothing appended).
 */
export function scanHeaders(map: MapType, names: Array<string>, valuesOf: string, values: Array<string>): i32 {
  clearReturned();
  const st = proxy_get_header_map_pairs(<u32>map, RET_PTR, RET_SIZE);
  if (!takeReturnedInPlace(st)) return -1;
  const base = returnedPtr;
  const checked = pairCount(base, returnedLen);
  if (checked < 0) return -1;
  const count = <i32>checked;
  const n = min(names.length, 31);
  let found = 0;
  let data = base + 4 + (<usize>count << 3);
  for (let i: i32 = 0; i < count; ++i) {
    const at = base + 4 + (<usize>i << 3);
    const klen = <usize>load<u32>(at);
    const vlen = <usize>load<u32>(at, 4);
    const value = data + klen + 1;
    if (sameNameFolded(data, klen, valuesOf)) values.push(readLatin1(value, vlen));
    else {
      for (let k = 0; k < n; ++k) {
        if (sameNameFolded(data, klen, unchecked(names[k]))) { found |= 1 << k; break; }
      }
    }
    data = value + vlen + 1;
  }
  return found;
}

/** Whether the `len` bytes at `ptr` are `name` (lower-case) up to ASCII case. */
function sameNameFolded(ptr: usize, len: usize, name: string): bool {
  if (len != <usize>name.length) return false;
  const s = changetype<usize>(name);
  for (let i: usize = 0; i < len; ++i) {
    let c = <u32>load<u8>(ptr + i);
    if (c - 65 < 26) c |= 32;
    if (c != <u32>load<u16>(s + (i << 1))) return false;
  }
  return true;
}

function nameValueCall(kind: i32, map: MapType, name: string, value: string): Status {
  const n = <usize>name.length;
  const v = <usize>value.length;
  const out = outBuffer(n + v);
  const p = changetype<usize>(out);
  writeLatin1(name, p);
  writeLatin1(value, p + n);
  let st: u32;
  if (kind == 0) st = proxy_add_header_map_value(<u32>map, p, n, p + n, v);
  else st = proxy_replace_header_map_value(<u32>map, p, n, p + n, v);
  return <Status>st;
}

/** Adds a line (Envoy: addCopy, duplicates possible). */
export function addHeader(map: MapType, name: string, value: string): Status {
  return nameValueCall(0, map, name, value);
}

/** Replaces every `name` line with one line (adds it when absent). */
export function replaceHeader(map: MapType, name: string, value: string): Status {
  return nameValueCall(1, map, name, value);
}

/** Removes every `name` line (Ok when absent). */
export function removeHeader(map: MapType, name: string): Status {
  const n = <usize>name.length;
  const out = outBuffer(n);
  const p = changetype<usize>(out);
  writeLatin1(name, p);
  return <Status>proxy_remove_header_map_value(<u32>map, p, n);
}
