// Memory the host writes into. `malloc` (exported twice: `malloc` and `proxy_on_memory_allocate`)
// hands out a pinned ArrayBuffer, so a collection that runs before we read the data cannot reclaim it.
// `takeReturned` takes the block back after the host call: it unpins every block handed out since the
// previous take (so a host that allocated and then failed, or allocated twice, leaks nothing) and returns
// the bytes as an ordinary GC-managed ArrayBuffer, reclaimed by a later collection (collect.ts) once the
// helper has decoded it.

import { Status } from "./types";

/** Pinned blocks handed to the host and not yet taken back. */
const pending = new Array<usize>();

/** Slots the host writes the returned pointer and size into (u32 each). */
export const RET_PTR: usize = memory.data(8, 8);
export const RET_SIZE: usize = RET_PTR + 4;

/** Larger requests are refused (0 = failure per the ABI) instead of aborting inside the allocator. */
const MAX_ALLOC: usize = 1 << 28;

/** Small answers land in this one block, pinned for the VM's life and reused: most answers are a header
 *  value or a short header map, decoded before the next host call (see takeReturnedInPlace). */
const RECV_SIZE: usize = 1024;
const recvBlock: usize = __pin(__new(RECV_SIZE, idof<ArrayBuffer>()));
/** recvBlock was handed to the host since the last take. */
let recvHandedOut = false;

export function malloc(size: usize): usize {
  if (size > MAX_ALLOC) return 0;
  if (size <= RECV_SIZE && !recvHandedOut) {
    recvHandedOut = true;
    return recvBlock;
  }
  const ptr = __pin(__new(size, idof<ArrayBuffer>()));
  pending.push(ptr);
  return ptr;
}

/** Zeroes the return slots; call right before a host function that returns data. */
// @ts-ignore: decorator
@inline export function clearReturned(): void {
  store<u64>(RET_PTR, 0);
}

/**
 * After a host call: the returned bytes when `status` is Ok (an empty buffer when the host returned
 * no data), else null. Never traps: a pointer that is not one of our blocks is copied only when it
 * lies inside linear memory; a size larger than the block we handed out is treated as an error.
 */
export function takeReturned(status: u32): ArrayBuffer | null {
  const ptr = <usize>load<u32>(RET_PTR);
  const size = <usize>load<u32>(RET_SIZE);
  let result: ArrayBuffer | null = null;
  if (status == Status.Ok) {
    if (ptr != 0 && ptr == recvBlock) {
      // the reused block: copied out (the caller keeps the result), never past its end
      if (size <= RECV_SIZE) {
        const copy = new ArrayBuffer(<i32>size);
        memory.copy(changetype<usize>(copy), ptr, size);
        result = copy;
      }
    } else if (ptr != 0 && isPending(ptr)) {
      const block = changetype<ArrayBuffer>(ptr);
      const have = <usize>block.byteLength;
      if (size == have) result = block;
      else if (size < have) result = block.slice(0, <i32>size);
    } else if (size == 0) {
      result = new ArrayBuffer(0);
    } else if (<u64>ptr + <u64>size <= (<u64>memory.size() << 16)) {
      const copy = new ArrayBuffer(<i32>size);
      memory.copy(changetype<usize>(copy), ptr, size);
      result = copy;
    }
  }
  releasePending();
  return result;
}

/** Where takeReturnedInPlace found the bytes. */
export let returnedPtr: usize = 0;
export let returnedLen: usize = 0;
/** Keeps a fresh block that takeReturnedInPlace answered with alive (a global is a GC root) until the next take. */
let heldBlock: ArrayBuffer | null = null;

/**
 * Like takeReturned, without allocating: true when `status` is Ok and the returned bytes are readable at
 * returnedPtr / returnedLen (length 0 when the host returned no data). They stay valid, whatever is
 * allocated meanwhile, until the next host call that returns data. Never traps: the same checks as takeReturned.
 */
export function takeReturnedInPlace(status: u32): bool {
  const ptr = <usize>load<u32>(RET_PTR);
  const size = <usize>load<u32>(RET_SIZE);
  heldBlock = null;
  let ok = false;
  returnedPtr = 0;
  returnedLen = 0;
  if (status == Status.Ok) {
    if (ptr != 0 && ptr == recvBlock) {
      ok = size <= RECV_SIZE;
    } else if (ptr != 0 && isPending(ptr)) {
      const block = changetype<ArrayBuffer>(ptr);
      ok = size <= <usize>block.byteLength;
      if (ok) heldBlock = block;
    } else if (size == 0) {
      ok = true;
    } else {
      ok = <u64>ptr + <u64>size <= (<u64>memory.size() << 16);
    }
    if (ok && size > 0) {
      returnedPtr = ptr;
      returnedLen = size;
    }
  }
  releasePending();
  return ok;
}

function isPending(ptr: usize): bool {
  for (let i = 0, n = pending.length; i < n; ++i) {
    if (unchecked(pending[i]) == ptr) return true;
  }
  return false;
}

/** Unpins every block handed out to the host since the last call (the GC may then reclaim them). */
export function releasePending(): void {
  recvHandedOut = false;
  const n = pending.length;
  if (n == 0) return;
  for (let i = 0; i < n; ++i) __unpin(unchecked(pending[i]));
  pending.length = 0;
}

/** Blocks currently handed out and not taken back (tests / leak checks). */
export function pendingCount(): i32 {
  return pending.length;
}
