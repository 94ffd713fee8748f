// Envoy's wasm metrics (host-facts.md §4.5; envoy source/extensions/common/wasm/context.cc defineMetric /
// incrementMetric / recordMetric / getMetric):
// - ids encode the type in the low 2 bits (kMetricTypeMask 0x3), each define takes the next id of its type
//   (kMetricIdIncrement 0x4): a redefinition gets a NEW id bound to the SAME stat (counterFromElements);
// - stats live under the "wasmcustom" custom-stat namespace: Envoy 1.40's /stats (text and JSON) shows a metric
//   defined as "cors.x" as "wasmcustom.cors.x"; its Prometheus output strips the namespace and adds no
//   `envoy_` (`cors_x{} 1`) (measured, tests/envoy/host-facts.test.ts); Kong shows "pw.<filter>.<name>";
// - counter increment with delta ≤ 0 → BAD_ARGUMENT; gauge increment adds ±; histogram increment → BAD_ARGUMENT;
//   record on counter adds, on gauge sets, on histogram records; get on histogram → BAD_ARGUMENT.

import { MetricType, Status } from "./types.js";

/** Envoy's custom-stat namespace, shown in front of a module's metric names by /stats. */
export const ENVOY_STAT_NAMESPACE = "wasmcustom.";

export interface Stat {
  name: string; // as /stats shows it
  type: MetricType;
  value: bigint;
  samples: bigint[];
}

export class Metrics {
  private stats = new Map<string, Stat>();
  private byId = new Map<number, Stat>();
  private next = [0, 1, 2]; // next_counter_metric_id_ = Counter, etc.

  constructor(private readonly prefix: string = "") {}

  define(type: number, name: string): { status: Status; id: number } {
    if (type > MetricType.Histogram) return { status: Status.BadArgument, id: 0 };
    const shown = this.prefix + name;
    const key = `${type}:${shown}`;
    let stat = this.stats.get(key);
    if (!stat) {
      stat = { name: shown, type, value: 0n, samples: [] };
      this.stats.set(key, stat);
    }
    this.next[type] += 4;
    const id = this.next[type];
    this.byId.set(id, stat);
    return { status: Status.Ok, id };
  }

  increment(id: number, delta: bigint): Status {
    const type = id & 3;
    const stat = this.byId.get(id >>> 0);
    if (type === MetricType.Counter) {
      if (!stat) return Status.NotFound;
      if (delta <= 0n) return Status.BadArgument;
      stat.value += delta;
      return Status.Ok;
    }
    if (type === MetricType.Gauge) {
      if (!stat) return Status.NotFound;
      stat.value += delta;
      return Status.Ok;
    }
    return Status.BadArgument;
  }

  record(id: number, value: bigint): Status {
    const stat = this.byId.get(id >>> 0);
    if (!stat) return Status.NotFound;
    const v = BigInt.asUintN(64, value);
    if (stat.type === MetricType.Counter) stat.value += v;
    else if (stat.type === MetricType.Gauge) stat.value = v;
    else stat.samples.push(v);
    return Status.Ok;
  }

  get(id: number): { status: Status; value: bigint } {
    const stat = this.byId.get(id >>> 0);
    if (!stat) return { status: Status.NotFound, value: 0n };
    if (stat.type === MetricType.Histogram) return { status: Status.BadArgument, value: 0n };
    return { status: Status.Ok, value: stat.value };
  }

  /** Value by the name /stats shows, or by the name the module defined (histograms: number of samples). */
  value(name: string): number | undefined {
    for (const shown of name.startsWith(this.prefix) ? [name] : [name, this.prefix + name]) {
      for (const type of [MetricType.Counter, MetricType.Gauge, MetricType.Histogram]) {
        const s = this.stats.get(`${type}:${shown}`);
        if (s) return Number(type === MetricType.Histogram ? BigInt(s.samples.length) : s.value);
      }
    }
    return undefined;
  }

  all(): Stat[] {
    return [...this.stats.values()];
  }
}
