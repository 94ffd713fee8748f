// WASI preview1 as the proxies provide it: no filesystem, no sockets; stdout/stderr become log lines
// (cpp-host: fd 1 → info, fd 2 → error); clock and random work. proc_exit: Envoy logs "wasi_unstable proc_exit"
// in its own log (trace) and returns — the module runs on (Envoy 1.40 measured, tests/envoy/host-facts.test.ts);
// Kong and APISIX end the VM (a trap).

import { randomFillSync } from "node:crypto";
import { HostTrap } from "./errors.js";
import type { GuestMemory } from "./memory.js";
import type { Profile } from "./types.js";

const ESUCCESS = 0;
const EBADF = 8;
const EINVAL = 28;
const ENOENT = 44;
const ENOSYS = 52;
const ENOTDIR = 54;
const ENOTSUP = 58;

export interface WasiHost {
  mem: GuestMemory;
  log(level: number, message: string, prefix?: string): void;
  logPrefix(): string;
}

export function wasiFunctions(host: WasiHost, profile: Profile): Record<string, (...a: any[]) => any> {
  const mem = host.mem;
  const kong = profile === "kong";
  const fns: Record<string, (...a: any[]) => any> = {
    fd_write(fd: number, iovs: number, n: number, nwritten: number): number {
      if (fd !== 1 && fd !== 2) return EBADF;
      let text = "";
      let total = 0;
      for (let k = 0; k < n; k++) {
        const p = mem.u32(iovs + k * 8);
        const l = mem.u32(iovs + k * 8 + 4);
        if (p === null || l === null) return EINVAL;
        const s = mem.utf8(p, l);
        if (s === null) return EINVAL;
        text += s;
        total += l;
      }
      if (!mem.setU32(nwritten, total)) return EINVAL;
      host.log(fd === 1 ? 2 : 4, text.endsWith("\n") ? text.slice(0, -1) : text, host.logPrefix());
      return ESUCCESS;
    },
    fd_read: () => (kong ? EBADF : ENOSYS),
    fd_seek: () => (kong ? EBADF : ESUCCESS),
    fd_close: () => (kong ? EBADF : ESUCCESS),
    fd_fdstat_get(fd: number, p: number): number {
      if (kong || fd > 2) return EBADF;
      const b = mem.bytes(p, 24);
      if (!b) return EINVAL;
      b.fill(0);
      b[0] = 2; // character device
      return ESUCCESS;
    },
    fd_fdstat_set_flags: () => (kong ? EBADF : ENOSYS),
    fd_prestat_get: () => EBADF,
    fd_prestat_dir_name: () => (kong ? ENOTSUP : ENOSYS),
    path_open: () => (kong ? ENOTDIR : ENOENT),
    sched_yield: () => (kong ? ENOTSUP : ESUCCESS),
    poll_oneoff: () => (kong ? ENOTSUP : ENOSYS),
    environ_sizes_get: (count: number, size: number) => (mem.setU32(count, 0) && mem.setU32(size, 0) ? ESUCCESS : EINVAL),
    environ_get: () => ESUCCESS,
    args_sizes_get: (count: number, size: number) => (mem.setU32(count, 0) && mem.setU32(size, 0) ? ESUCCESS : EINVAL),
    args_get: () => ESUCCESS,
    clock_time_get(_id: number, _precision: bigint, out: number): number {
      return mem.setU64(out, process.hrtime.bigint() + CLOCK_OFFSET) ? ESUCCESS : EINVAL;
    },
    clock_res_get: (_id: number, out: number) => (mem.setU64(out, 1n) ? ESUCCESS : EINVAL),
    random_get(p: number, len: number): number {
      const b = mem.bytes(p, len);
      if (!b) return EINVAL;
      randomFillSync(b);
      return ESUCCESS;
    },
    proc_exit(code: number): void {
      if (profile === "envoy") {
        host.log(0, "wasi_unstable proc_exit");
        return;
      }
      throw new HostTrap(`wasi proc_exit(${code})`);
    },
  };
  return new Proxy(fns, {
    get: (t, name: string) => t[name] ?? (() => ENOSYS),
  });
}

const CLOCK_OFFSET = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
