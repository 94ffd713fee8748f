// One plugin: a root context in the VM with its own configuration (host-facts.md §2.3, §4.3). Envoy gives
// every plugin configuration its root context, and plugins with the same vm_id and code share one VM: the
// host's first plugin is `ProxyWasmHost` itself, more come from `host.addPlugin()`.

import type { ContextState } from "./context.js";
import { runExchange } from "./simulate.js";
import { Stream } from "./stream.js";
import { toPropertyMap } from "./properties.js";
import type { SimRequest, SimResponse, SimResult } from "./types.js";
import type { Vm } from "./vm.js";

export class Plugin {
  private started = false;
  private vmStartRejected = false;

  constructor(
    private readonly vm: Vm,
    readonly root: ContextState,
  ) {}

  /** The root context id the module sees. */
  get rootContextId(): number {
    return this.root.id;
  }

  /**
   * First call: proxy_on_context_create(root, 0) and proxy_on_vm_start(root, vmConfigSize) (APISIX: no
   * vm_start); then proxy_on_configure(root, size). false = the configuration is rejected (or the VM trapped).
   */
  configure(config: string | Uint8Array): boolean {
    const vm = this.vm;
    const root = this.root;
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
    return new Stream(this.vm, ctx, this.root, this.vm.options.failurePolicy === "FAIL_OPEN");
  }

  /** One full exchange. `upstream` null = the upstream answers 200 with no headers. */
  simulate(request: SimRequest, upstream: SimResponse | null): SimResult {
    const vm = this.vm;
    const from = vm.logs.length;
    const stream = this.newStream(request.properties ? { properties: request.properties } : undefined);
    return runExchange(stream, request, upstream, () => vm.logs.slice(Math.min(from, vm.logs.length)));
  }

  /**
   * The plugin is removed: proxy_on_done(root) (the module's answer: true = done now), then `delete()` calls
   * proxy_on_delete(root) and forgets the context. Streams of a deleted plugin still reach the module (a test
   * of its context registry; Envoy has none).
   */
  done(): boolean {
    const r = this.vm.call(this.root, "proxy_on_done", this.vm.onDone, this.root.id);
    return r === undefined || r !== 0;
  }

  delete(): void {
    this.vm.call(this.root, "proxy_on_delete", this.vm.onDelete, this.root.id);
    this.vm.contexts.delete(this.root.id);
  }
}
