// Fault injection (HostOptions.faultInjection): any env.proxy_* function can be told to fail, so a test can
// check that the module never traps and never keeps a block pinned whatever the host answers. Not something
// Envoy does on purpose, but every status is one a proxy may return (host-facts.md §1.3), and a proxy that
// allocates before failing, or returns a size or pointer that does not fit, is a buggy host the module must
// survive.
import type { GuestMemory } from "./memory.js";

export interface HostFault {
  /** The status the function returns (0 = Ok, with "oversize", "wild" or "bytes"). */
  status: number;
  /**
   * What the function does besides returning `status` (default "plain"):
   * - "plain": nothing;
   * - "malloc": allocates a 16-byte block through the module and writes its pointer and size to the return
   *   slots first (a block the module must free although the call failed);
   * - "oversize": writes a pointer to an 8-byte block with the size 4096;
   * - "wild": writes the pointer 0xfffffff0 (outside linear memory) with the size 100;
   * - "bytes": writes `bytes` as the function writes a value (0 bytes: pointer 0, size 0) — e.g. a malformed
   *   serialized header map.
   * A function with a single return slot (proxy_define_metric's id) gets 0xdead in it for every mode but
   * "plain". Functions without return slots only return `status`; proxy_log records the line first.
   */
  mode?: "plain" | "malloc" | "oversize" | "wild" | "bytes";
  bytes?: Uint8Array;
}

/** Argument positions of each function's return slots: [pointer, size] or [single]. */
const RETURN_SLOTS: Record<string, number[]> = {
  proxy_get_buffer_bytes: [3, 4],
  proxy_get_header_map_value: [3, 4],
  proxy_get_header_map_pairs: [1, 2],
  proxy_get_property: [2, 3],
  proxy_get_configuration: [0, 1],
  proxy_get_shared_data: [2, 3],
  proxy_dequeue_shared_queue: [1, 2],
  proxy_define_metric: [3],
  proxy_register_shared_queue: [2],
  proxy_resolve_shared_queue: [4],
  proxy_get_metric: [1],
  proxy_get_header_map_size: [1],
  proxy_get_log_level: [0],
};

type Fn = (...a: any[]) => any;

/** `impl` answering the fault set for `name` in `faults`, when there is one. */
export function withFaults(name: string, impl: Fn, faults: Map<string, HostFault>, mem: GuestMemory): Fn {
  const slots = RETURN_SLOTS[name] ?? [];
  return (...args: any[]) => {
    const fault = faults.get(name);
    if (fault === undefined) return impl(...args);
    if (name === "proxy_log") impl(...args);
    const mode = fault.mode ?? "plain";
    if (mode !== "plain" && slots.length === 1) mem.setU32(args[slots[0]], 0xdead);
    else if (mode !== "plain" && slots.length === 2) {
      const [ptrPtr, sizePtr] = [args[slots[0]], args[slots[1]]];
      if (mode === "malloc") {
        mem.setU32(ptrPtr, mem.allocate(16));
        mem.setU32(sizePtr, 16);
      } else if (mode === "oversize") {
        mem.setU32(ptrPtr, mem.allocate(8));
        mem.setU32(sizePtr, 4096);
      } else if (mode === "wild") {
        mem.setU32(ptrPtr, 0xfffffff0);
        mem.setU32(sizePtr, 100);
      } else mem.copyOutBytes(fault.bytes ?? new Uint8Array(0), ptrPtr, sizePtr);
    }
    return fault.status;
  };
}
