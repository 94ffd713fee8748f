// ProxyWasmHost: the public face of the host (docs/ARCHITECTURE.md "The host API").

import { LoadError } from "./errors.js";
import type { HostFault } from "./faults.js";
import { Plugin } from "./plugin.js";
import type { Stream } from "./stream.js";
import type { Stat } from "./metrics.js";
import type { HostOptions, LogLine, Profile, SimRequest, SimResponse, SimResult } from "./types.js";
import { Vm } from "./vm.js";

export class ProxyWasmHost {
  /** The first plugin: configure / newStream / simulate act on it. */
  readonly plugin: Plugin;

  private constructor(private readonly vm: Vm) {
    this.plugin = new Plugin(vm, vm.rootCtx);
  }

  /** Compiles, links (profile's import table) and starts the module. Throws LoadError with the proxy's message. */
  static async load(wasm: Uint8Array, options: HostOptions = {}): Promise<ProxyWasmHost> {
    const vm = new Vm(options);
    await vm.load(wasm);
    return new ProxyWasmHost(vm);
  }

  get profile(): Profile {
    return this.vm.profile;
  }

  /** Every proxy_log line (and host diagnostics, prefixed "host: " / "wasm: "). */
  get logs(): LogLine[] {
    return this.vm.logs;
  }

  /** Problems the real proxy would not report but that a test must see (e.g. a second local reply). */
  get errors(): string[] {
    return this.vm.errors;
  }

  /** A trap happened: the VM is failed (FAIL_CLOSED → 503 wasm_fail_stream, FAIL_OPEN → requests pass). */
  get failed(): boolean {
    return this.vm.failed;
  }

  /** The trap message ("Function: proxy_on_request_headers failed: …"), or null. */
  get failure(): string | null {
    return this.vm.failure;
  }

  /** The root context id the module sees. */
  get rootContextId(): number {
    return this.vm.rootCtx.id;
  }

  /** Number of live contexts (root included): finished streams are removed. */
  get contextCount(): number {
    return this.vm.contexts.size;
  }

  /** The first plugin's configuration (Plugin.configure): false = rejected (or the VM trapped). */
  configure(config: string | Uint8Array): boolean {
    return this.plugin.configure(config);
  }

  /** A new HTTP stream of the first plugin. configure() must have run: it creates the root context. */
  newStream(init?: { properties?: Record<string, string> }): Stream {
    return this.plugin.newStream(init);
  }

  /** One full exchange through the first plugin. `upstream` null = the upstream answers 200 with no headers. */
  simulate(request: SimRequest, upstream: SimResponse | null): SimResult {
    return this.plugin.simulate(request, upstream);
  }

  /**
   * Another plugin in the same VM (Envoy: a second plugin configuration with the same vm_id and code): its
   * own root context and configuration. `contextId` picks the root context id (Envoy never reuses one; a test
   * of the module's context registry may).
   */
  addPlugin(options: { contextId?: number } = {}): Plugin {
    return new Plugin(this.vm, this.vm.newContext(true, options.contextId));
  }

  /** Faults by env import name (src/host/faults.ts); needs HostOptions.faultInjection. */
  get faults(): Map<string, HostFault> {
    if (!this.vm.options.faultInjection) throw new Error("faults: load the host with { faultInjection: true }");
    return this.vm.faults;
  }

  /** A metric's value by the name /stats shows (Envoy: wasmcustom.<name>; Kong: pw.<plugin>.<name>) or as defined. */
  metric(name: string): number | undefined {
    return this.vm.metrics.value(name);
  }

  metrics(): Stat[] {
    return this.vm.metrics.all();
  }

  /** The raw module exports (for tests that probe the module directly). */
  get exports(): WebAssembly.Exports {
    return this.vm.exports;
  }
}

export { LoadError };
