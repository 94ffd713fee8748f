// The decision counters (spec §8, docs/ARCHITECTURE.md): defined once per root context. Envoy 1.40 shows a
// metric defined as `name` as `wasmcustom.name` in /stats and as `name` (dots → `_`) in Prometheus output
// (host-facts.md §4.5, §10).

import { defineCounter, incrementCounter } from "../abi";
import { Decision, Kind, Verdict } from "./decision";

export class Counters {
  preflightAllowed: u32 = defineCounter("cors.preflight_allowed");
  preflightRejected: u32 = defineCounter("cors.preflight_rejected");
  actualAllowed: u32 = defineCounter("cors.actual_allowed");
  actualRejected: u32 = defineCounter("cors.actual_rejected");
  notCors: u32 = defineCounter("cors.not_cors");

  count(d: Decision): void {
    let id: u32;
    if (d.kind == Kind.Preflight) id = d.verdict == Verdict.Allowed ? this.preflightAllowed : this.preflightRejected;
    else if (d.kind == Kind.Actual) id = d.verdict == Verdict.Allowed ? this.actualAllowed : this.actualRejected;
    else id = this.notCors;
    incrementCounter(id, 1); // a no-op for id 0 (the host refused the definition)
  }
}
