// Benchmark floor F1: the same ABI layer, runtime and asc flags as the filter, and no work at all:
// every callback returns Continue and makes no host call. Measures entering the VM (docs: README Benchmarks).
export * from "../../assembly/abi/exports";
export { malloc, malloc as proxy_on_memory_allocate } from "../../assembly/abi/memory";
import { setRootContextFactory, RootContext, HttpContext } from "../../assembly/abi";

class NoopHttp extends HttpContext {}
class NoopRoot extends RootContext {
  createHttpContext(id: u32): HttpContext { return new NoopHttp(id, this); }
}
setRootContextFactory((id: u32): RootContext => new NoopRoot(id));
