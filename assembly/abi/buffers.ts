// Buffer helper: the VM / plugin configuration bytes.

import { proxy_get_buffer_bytes } from "./imports";
import { BufferType } from "./types";
import { RET_PTR, RET_SIZE, clearReturned, takeReturned } from "./memory";

/**
 * Up to `size` bytes of buffer `type` from `start`. An empty ArrayBuffer when the host has no bytes
 * to give (Envoy answers Ok without writing for size 0); null on any non-Ok status. Never traps.
 */
export function getBufferBytes(type: BufferType, start: u32, size: u32): ArrayBuffer | null {
  clearReturned();
  const st = proxy_get_buffer_bytes(<u32>type, start, size, RET_PTR, RET_SIZE);
  return takeReturned(st);
}
