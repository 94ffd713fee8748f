// The walking-skeleton CORS filter as its own module (what assembly/index.ts registered before the real
// filter took over), so the ABI tests keep an end-to-end filter whose behaviour they control.
export * from "../../../assembly/abi/exports";
export { malloc, malloc as proxy_on_memory_allocate } from "../../../assembly/abi/memory";

import { setRootContextFactory } from "../../../assembly/abi";
import { createSkeletonRoot } from "./lib/skeleton";

setRootContextFactory(createSkeletonRoot);
