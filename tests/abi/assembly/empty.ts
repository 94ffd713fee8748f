// The ABI layer with a filter that does nothing: its size is the fixed cost of the layer + runtime.
export * from "../../../assembly/abi/exports";
export { malloc, malloc as proxy_on_memory_allocate } from "../../../assembly/abi/memory";

import { RootContext, HttpContext, setRootContextFactory } from "../../../assembly/abi";

class EmptyStream extends HttpContext {}
class EmptyRoot extends RootContext {
  createHttpContext(id: u32): HttpContext { return new EmptyStream(id, this); }
}
function createEmptyRoot(id: u32): RootContext { return new EmptyRoot(id); }
setRootContextFactory(createEmptyRoot);
