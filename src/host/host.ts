// ProxyWasmHost: the public face of the host (docs/ARCHITECTURE.md "The host API").

import { LoadError } from "./errors.js";
import { toPropertyMap } from "./properties.js";
import { runExchange } from "./simulate.js";
import { Stream } from "./stream.js";
import type { Stat } from "./metrics.js";
import type { HostOptions, LogLine, Profile, SimRequest, SimResponse, SimResult } from "./types.js";
import { Vm } from "./vm.js";

export class ProxyWasmHost {
  private started = false;
  private vmStartRejected = false;

  private constructor(private readonly vm: Vm) {}

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

  /**
   * First call: proxy_on_context_create(root, 0) and proxy_on_vm_start(root, vmConfigSize) (APISIX: no
   * vm_start); then proxy_on_configure(root, size). false = the configuration is rejected (or the VM trapped).
   */
  configure(config: string | Uint8Array): boolean {
    const vm = this.vm;
    const root = vm.rootCtx;
    if (vm.failed) {
      vm.log(4, `host: configure on a failed VM (${vm.failure})`);
      return false;
    }
    vm.pluginConfig = typeof config === "string" ? Buffer.from(config, "utf8") : config;
    if (!this.started) {
      this.started = true;
      // cpp-host onStart: temp_plugin_ is set around on_context_create (config readable), not on_vm_start.
      root.phase = "create";
      root.configReadable = true;
      vm.call(root, "proxy_on_context_create", vm.onContextCreate, root.id, 0);
      root.configReadable = false;
      root.created = true;
      if (vm.failed) return false;
      if (vm.profile !== "apisix") {
        root.phase = "vm_start";
        const ok = vm.call(root, "proxy_on_vm_start", vm.onVmStart, root.id, vm.vmConfig.length);
        if (vm.failed) return false;
        if (ok === 0) {
          this.vmStartRejected = true;
          vm.log(4, "host: proxy_on_vm_start returned false: Failed to start base Wasm");
        }
      }
    }
    if (this.vmStartRejected) return false;
    root.phase = "configure";
    root.configReadable = true;
    const r = vm.call(root, "proxy_on_configure", vm.onConfigure, root.id, vm.pluginConfig.length);
    root.configReadable = false;
    root.phase = "idle";
    if (vm.failed) return false;
    return r === undefined || r !== 0;
  }

  /** A new HTTP stream (context). configure() must have run: it creates the root context. */
  newStream(init?: { properties?: Record<string, string> }): Stream {
    if (!this.started && !this.vm.failed) throw new Error("newStream: call configure() first (it creates the root context)");
    const ctx = this.vm.newContext(false);
    if (init?.properties) ctx.streamProps = toPropertyMap(init.properties);
    return new Stream(this.vm, ctx, this.vm.options.failurePolicy === "FAIL_OPEN");
  }

  /** One full exchange. `upstream` null = the upstream answers 200 with no headers. */
  simulate(request: SimRequest, upstream: SimResponse | null): SimResult {
    const from = this.vm.logs.length;
    const stream = this.newStream(request.properties ? { properties: request.properties } : undefined);
    return runExchange(stream, request, upstream, () => this.vm.logs.slice(Math.min(from, this.vm.logs.length)));
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
