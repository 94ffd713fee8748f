// Context base classes and the registry keyed by context id.
// Several root ids may live in one VM: each gets its own RootContext from the factory. A stream
// context belongs to the root named as its parent. Unknown ids are ignored (never a trap), and
// proxy_on_done / proxy_on_delete work for roots as well as streams.

import { Action } from "./types";

export abstract class RootContext {
  constructor(readonly id: u32) {}
  /** proxy_on_vm_start; false fails the VM. */
  onVmStart(vmConfigSize: u32): bool { return true; }
  /** proxy_on_configure; false rejects the configuration. */
  onConfigure(configSize: u32): bool { return true; }
  abstract createHttpContext(id: u32): HttpContext;
  /** proxy_on_done of the root (plugin teardown / config update). */
  onDone(): bool { return true; }
  onDelete(): void {}
}

export abstract class HttpContext {
  constructor(readonly id: u32, readonly root: RootContext) {}
  onRequestHeaders(headerCount: u32, endOfStream: bool): Action { return Action.Continue; }
  onResponseHeaders(headerCount: u32, endOfStream: bool): Action { return Action.Continue; }
  onDone(): bool { return true; }
  onLog(): void {}
  onDelete(): void {}
}

// Tests and the host-side checks read these to verify nothing leaks.
const roots = new Map<u32, RootContext>();
const streams = new Map<u32, HttpContext>();
// The stream callbacks of one request arrive back to back: remember the last one looked up.
let lastId: u32 = 0;
let lastStream: HttpContext | null = null;

let factory: ((id: u32) => RootContext) | null = null;

/** Whether the module's start function (`_initialize`) ran: it sets the factory. Every other global of the
 *  registry is initialised there too, so without it nothing else here may be touched. */
export function started(): bool {
  return factory !== null;
}

/** Sets the function that creates the RootContext for each new root id. */
export function setRootContextFactory(f: (id: u32) => RootContext): void {
  factory = f;
}

export function getRoot(id: u32): RootContext | null {
  if (factory === null) return null; // not started: `roots` does not exist yet
  return roots.has(id) ? roots.get(id) : null;
}

export function getStream(id: u32): HttpContext | null {
  if (factory === null) return null; // not started: `streams` does not exist yet
  if (id == lastId && lastStream !== null) return lastStream;
  if (!streams.has(id)) return null;
  const s = streams.get(id);
  lastId = id;
  lastStream = s;
  return s;
}

/** proxy_on_context_create: parent 0 = a root context; otherwise a stream of root `parent`. */
export function createContext(id: u32, parent: u32): void {
  const f = factory;
  if (f === null) return; // the start function did not run: the maps below do not exist yet
  if (parent == 0) {
    if (roots.has(id) || streams.has(id)) return; // already known: keep it
    roots.set(id, f(id));
    return;
  }
  if (streams.has(id) || roots.has(id)) return;
  if (!roots.has(parent)) return; // unknown parent (or a stream as parent): ignored
  const root = roots.get(parent);
  const s = root.createHttpContext(id);
  streams.set(id, s);
  lastId = id;
  lastStream = s;
}

/** Forgets a context (after its onDelete ran). */
export function removeContext(id: u32): void {
  if (id == lastId) { lastId = 0; lastStream = null; }
  if (streams.has(id)) streams.delete(id);
  else if (roots.has(id)) roots.delete(id);
}

/** Live contexts (tests: nothing leaks over many requests). */
export function liveStreamCount(): i32 { return streams.size; }
export function liveRootCount(): i32 { return roots.size; }
