// The module entry: the exported proxy_* callbacks, malloc (twice), and the root context factory.
export * from "./abi/exports";
export { malloc, malloc as proxy_on_memory_allocate } from "./abi/memory";

import { setRootContextFactory } from "./abi";
// The CORS filter. Swapping in the real filter is this one line (assembly/filter's root factory).
import { createCorsRoot as createRoot } from "./filter";

setRootContextFactory(createRoot);
