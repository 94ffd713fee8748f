// When the garbage collector runs (docs/abi.md "Runtime choice"). The module is built with `--runtime minimal`:
// AssemblyScript's two-colour mark & sweep, which never runs by itself and keeps no shadow stack, so it marks from
// the globals only. A collection is therefore safe only where no managed reference lives in a wasm local: at the
// end of an outermost exported callback, when its own work is done. Every callback of exports.ts brackets its body
// with `enter()` / `leave()`; a callback the host makes while another is running (Envoy may encode a local reply
// from inside proxy_send_local_response, host-facts.md §4.2) is nested, and only the outermost `leave()` may
// collect. `malloc` is not bracketed: it only allocates.
//
// Cadence: a collection marks everything reachable (a 10,000-origin policy is ~20,000 objects), so it runs only when
// the heap runs out of room, read from the allocator itself (~lib/rt/tlsf.ts, "Root layout"): the TLSF root starts
// with its first-level free-list bitmap, then one second-level bitmap per first-level class, which together give the
// size class of the largest free block to 1/16. The allocator carves new objects from the smallest free block that
// fits, so the largest one shrinks only once the holes are used up. After each collection its size is the baseline;
// the next collection comes when it is down to half (the cost of marking is spread over at least that many bytes),
// or smaller than what the callback that just ended took from it (a second such callback would not fit: a large
// Origin or Vary takes several hundred KiB), when linear memory grew (a large answer did not fit: take the garbage
// back at once), or after every configuration (parsing one leaves most of its allocations behind).

import { ROOT } from "~lib/rt/tlsf";

/** After a collection the heap keeps a free block at least this large (growing linear memory once if it must), so
 *  a fragmented heap cannot make every callback collect. */
const RESERVE: usize = 16384;

let depth: i32 = 0;
/** Collect at the next outermost leave(), whatever the heap looks like (set by a configuration). */
let due = false;
let pagesAtCollect: i32 = 0;
/** The collection is due once the largest free block is smaller than this. */
let trigger: usize = 0;
/** The largest free block when the outermost callback began. */
let largestAtEnter: usize = 0;

/** A lower bound (to 1/16) of the largest free block's size in bytes; 0 when there is none. Block sizes map to a
 *  first-level class fl and a second-level class sl as in tlsf.ts's insertBlock: below 256 bytes fl = 0 and
 *  sl = size >> 4; above, fl = log2(size) - 7 and sl = the 4 bits below the leading one. */
function largestFree(): usize {
  const root = changetype<usize>(ROOT);
  const flMap = load<u32>(root);
  if (flMap == 0) return 0;
  const fl: u32 = 31 - clz(flMap);
  const sl: u32 = 31 - clz(load<u32>(root + 4 + (<usize>fl << 2)));
  return fl == 0 ? <usize>sl << 4 : (16 + <usize>sl) << (fl + 3);
}

export function enter(): void {
  if (depth++ == 0 && changetype<usize>(ROOT) != 0) largestAtEnter = largestFree();
}

/** Ends a callback; the outermost one collects when the heap needs room. Pass `force` after work that leaves a
 *  lot of garbage behind (a configuration). */
export function leave(force: bool = false): void {
  if (force) due = true;
  if (--depth != 0) return;
  if (changetype<usize>(ROOT) == 0) return; // nothing was ever allocated (the start function did not run)
  const largest = largestFree();
  // what this callback took from the largest block: if the next one takes as much, it must still fit
  const took = largestAtEnter > largest ? largestAtEnter - largest : 0;
  if (due || memory.size() != pagesAtCollect || largest < trigger || largest < took) collect();
}

function collect(): void {
  __collect();
  collections++;
  due = false;
  let largest = largestFree();
  if (largest < RESERVE) {
    // no room left in one piece: let the allocator grow linear memory now, once, instead of collecting again
    // at the next callback
    __free(__alloc(RESERVE));
    largest = largestFree();
  }
  trigger = largest >> 1;
  pagesAtCollect = memory.size();
}

export let collections: i32 = 0;
