// One VM: compile, link with the profile's import table, start (restricted host calls on Envoy), and
// call exported callbacks with trap handling (a trap fails the VM, as cpp-host's fail(RuntimeError)).

import { ContextState } from "./context.js";
import { HostTrap, LoadError, trapMessage } from "./errors.js";
import { withFaults, type HostFault } from "./faults.js";
import { hostFunctions, type HostCallTarget } from "./hostcalls.js";
import { checkExportSigs, chooseAllocator, planLink, startFunctions, type LinkPlan } from "./linker.js";
import { GuestMemory } from "./memory.js";
import { ENVOY_STAT_NAMESPACE, Metrics } from "./metrics.js";
import { ENVOY_START_ALLOWED } from "./profiles.js";
import { toPropertyMap } from "./properties.js";
import type { HostOptions, LogLine, Profile } from "./types.js";
import { wasiFunctions } from "./wasi.js";

type Fn = (...a: any[]) => any;

export class Vm implements HostCallTarget {
  readonly profile: Profile;
  readonly mem = new GuestMemory();
  readonly metrics: Metrics;
  readonly contexts = new Map<number, ContextState>();
  readonly vmProps: Map<string, string>;
  readonly vmConfig: Uint8Array;
  pluginConfig: Uint8Array = new Uint8Array(0);
  current: ContextState | null = null;
  effective: ContextState | null = null;
  readonly rootCtx: ContextState;
  readonly logs: LogLine[] = [];
  readonly errors: string[] = [];
  sharedData = new Map<string, { value: Uint8Array; cas: number }>();
  queues = new Map<number, { name: string; items: Uint8Array[] }>();
  /** Envoy restricts host calls while the start function runs. */
  starting = false;
  failed = false;
  failure: string | null = null;
  /** Faults by env import name, consulted on every host call when HostOptions.faultInjection is set. */
  readonly faults = new Map<string, HostFault>();
  plan!: LinkPlan;
  exports!: WebAssembly.Exports;
  private nextContextId = 1; // cpp-host: 0 is reserved for the VM context
  private readonly maxLogs: number;
  private readonly logger?: (level: number, message: string, prefix?: string) => void;

  // exported callbacks (undefined when the module does not export them)
  onContextCreate?: Fn;
  onVmStart?: Fn;
  onConfigure?: Fn;
  onRequestHeaders?: Fn;
  onResponseHeaders?: Fn;
  onDone?: Fn;
  onLog?: Fn;
  onDelete?: Fn;

  constructor(readonly options: HostOptions) {
    this.profile = options.profile ?? "envoy";
    this.metrics = new Metrics(this.profile === "kong" ? `pw.${options.pluginName ?? ""}.` : this.profile === "envoy" ? ENVOY_STAT_NAMESPACE : "");
    this.vmProps = toPropertyMap(options.properties);
    const vc = options.vmConfig ?? "";
    this.vmConfig = typeof vc === "string" ? Buffer.from(vc, "utf8") : vc;
    this.maxLogs = options.maxLogs ?? 10000;
    this.logger = options.logger;
    this.rootCtx = this.newContext(true);
  }

  /** A new context with the next id (cpp-host never reuses one), or with `id` when given (a test's choice). */
  newContext(root: boolean, id?: number): ContextState {
    if (id !== undefined && this.contexts.has(id)) throw new Error(`context ${id} is alive`);
    const c = new ContextState(id ?? this.nextContextId++, root);
    this.contexts.set(c.id, c);
    return c;
  }

  /** Records a line; `prefix` is Envoy's for a module's line (logPrefix()), kept when not empty. */
  log(level: number, message: string, prefix?: string): void {
    if (this.logs.length >= this.maxLogs) this.logs.shift();
    this.logs.push(prefix === undefined || prefix === "" ? { level, message } : { level, message, prefix });
    this.logger?.(level, message, prefix);
  }

  /**
   * Envoy's prefix for a line the module logs now (`wasm log<" " + prefix>: <message>`, envoyLogText()): a
   * stream context's is its plugin name, root id and vm id; a root context's its root id and vm id; during the
   * start function there is none. Empty parts are left out (cpp-host makeLogPrefix; measured in Envoy 1.40).
   */
  logPrefix(): string {
    const c = this.effective ?? this.current;
    if (c === null) return "";
    const o = this.options;
    const parts = c.root ? [o.rootId, o.vmId] : [o.pluginName, o.rootId, o.vmId];
    return parts.filter((p) => p !== undefined && p !== "").join(" ");
  }

  recordError(message: string): void {
    this.errors.push(message);
    this.log(4, `host: ${message}`);
  }

  fail(message: string): void {
    if (!this.failed) {
      this.failed = true;
      this.failure = message;
    }
    this.log(5, `wasm: ${message}`);
  }

  async load(bytes: Uint8Array): Promise<void> {
    let module: WebAssembly.Module;
    try {
      module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    } catch (e) {
      throw new LoadError(`Failed to load Wasm code: ${(e as Error).message}`);
    }
    const plan = planLink(bytes, this.profile);
    this.plan = plan;
    const impls = hostFunctions(this);
    const wasi = wasiFunctions(this, this.profile);
    const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
    for (const imp of plan.info.imports) {
      const key = `${imp.module}.${imp.name}`;
      const mod = (imports[imp.module] ??= {});
      if (imp.kind === "memory") {
        const l = imp.limits ?? { min: 1, shared: false };
        mod[imp.name] = new WebAssembly.Memory({ initial: l.min, maximum: l.max, shared: l.shared } as WebAssembly.MemoryDescriptor);
        continue;
      }
      const spec = plan.used.get(key)!;
      let impl: Fn | undefined =
        imp.module === "env" ? (impls as Record<string, Fn>)[imp.name] : (wasi as Record<string, Fn>)[imp.name];
      if (impl !== undefined && imp.module === "env" && this.options.faultInjection) {
        impl = withFaults(imp.name, impl, this.faults, this.mem);
      }
      mod[imp.name] = this.wrapImport(key, spec.behaviour, impl);
    }
    let instance: WebAssembly.Instance;
    try {
      instance = await WebAssembly.instantiate(module, imports);
    } catch (e) {
      if (e instanceof LoadError) throw e;
      throw new LoadError(`Failed to create new Wasm instance: ${trapMessage(e)}`);
    }
    const ex = instance.exports;
    this.exports = ex;
    const memory = ex.memory ?? Object.values(imports).flatMap((m) => Object.values(m)).find((v) => v instanceof WebAssembly.Memory);
    if (!(memory instanceof WebAssembly.Memory)) throw new LoadError("Wasm module has no memory export");
    this.mem.attach(memory);
    checkExportSigs(plan);
    this.mem.alloc = chooseAllocator(plan, ex);
    const fn = (n: string) => (typeof ex[n] === "function" ? (ex[n] as Fn) : undefined);
    this.onContextCreate = fn("proxy_on_context_create");
    this.onVmStart = fn("proxy_on_vm_start");
    this.onConfigure = fn("proxy_on_configure");
    this.onRequestHeaders = fn("proxy_on_request_headers");
    this.onResponseHeaders = fn("proxy_on_response_headers");
    this.onDone = fn("proxy_on_done");
    this.onLog = this.profile === "apisix" ? undefined : fn("proxy_on_log"); // APISIX never calls on_log
    this.onDelete = fn("proxy_on_delete");
    // Start: restricted host calls on Envoy (cpp-host startVm).
    this.starting = this.profile === "envoy";
    try {
      for (const [name, call] of startFunctions(plan, ex)) {
        try {
          call();
        } catch (e) {
          const msg = `Function: ${name} failed: ${trapMessage(e)}`;
          this.fail(msg);
          throw new LoadError(msg);
        }
      }
    } finally {
      this.starting = false;
    }
  }

  private wrapImport(key: string, behaviour: string, impl: Fn | undefined): Fn {
    const vm = this;
    if (behaviour === "trap") {
      const name = key.slice(key.indexOf(".") + 1);
      return () => {
        throw new HostTrap(`host trap (function not yet implemented): ${name}`);
      };
    }
    if (behaviour === "unimplemented") return () => 12;
    if (behaviour === "noop") return () => 0;
    if (!impl) return () => 12;
    if (this.profile !== "envoy" || ENVOY_START_ALLOWED.has(key)) return impl;
    // Fixed parameters (no rest array): host calls are the hot path of every request.
    const f = impl;
    return (a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, g?: unknown, h?: unknown, i?: unknown,
      j?: unknown, k?: unknown, l?: unknown, m?: unknown) => {
      if (vm.starting) {
        // V8's message for the error Envoy throws, as Envoy logs it ("Function: _initialize failed: Uncaught Error: restricted_callback")
        vm.log(0, `host: ${key} called while the start function runs: restricted_callback`);
        throw new HostTrap("Uncaught Error: restricted_callback");
      }
      return f(a, b, c, d, e, g, h, i, j, k, l, m);
    };
  }

  /**
   * Calls an exported callback in `ctx`; returns its result, or undefined when it trapped (the VM is then
   * failed) or is not exported.
   */
  call(ctx: ContextState, name: string, f: Fn | undefined, a?: number, b?: number, c?: number): number | undefined {
    if (f === undefined || this.failed) return undefined;
    const prev = this.current;
    const prevEffective = this.effective;
    this.current = ctx;
    this.effective = null;
    try {
      return f(a, b, c) as number;
    } catch (e) {
      this.fail(`Function: ${name} failed: ${trapMessage(e)}`);
      return undefined;
    } finally {
      this.current = prev;
      this.effective = prevEffective;
    }
  }
}
