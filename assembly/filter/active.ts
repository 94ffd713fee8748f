// What a root context hands each of its streams: the compiled plugin in force and the decision counters. The root
// (root.ts) swaps the plugin on reconfiguration; a stream (http.ts) reads both when its request arrives. Kept apart
// from both so that neither imports the other.

import { CompiledPlugin } from "../compile/plugin";
import { Counters } from "./metrics";

export class Active {
  /** null until the first successful configure: requests are then not touched. */
  plugin: CompiledPlugin | null = null;
  /** Defined once per root context (spec §8). */
  counters: Counters | null = null;
}
