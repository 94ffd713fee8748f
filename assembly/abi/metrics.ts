// Counter helpers. A refused definition gives id 0, and incrementing id 0 is a no-op, so a host
// without metrics (APISIX answers Ok without writing an id) costs nothing and never traps.

import { proxy_define_metric, proxy_increment_metric } from "./imports";
import { Status } from "./types";
import { RET_PTR, releasePending } from "./memory";
import { outBuffer, utf8Length, writeUtf8 } from "./bytes";

const METRIC_COUNTER: u32 = 0;

/** Defines a counter; its id, or 0 when the host refused. */
export function defineCounter(name: string): u32 {
  const size = utf8Length(name);
  const out = outBuffer(size);
  const p = changetype<usize>(out);
  writeUtf8(name, p);
  store<u32>(RET_PTR, 0);
  const st = proxy_define_metric(METRIC_COUNTER, p, size, RET_PTR);
  releasePending();
  return st == Status.Ok ? load<u32>(RET_PTR) : 0;
}

/** Adds `delta` to a counter (Envoy refuses delta <= 0; the status is ignored). No-op for id 0. */
export function incrementCounter(id: u32, delta: i64): void {
  if (id == 0) return;
  proxy_increment_metric(id, delta);
}
