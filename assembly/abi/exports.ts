// Every proxy_* callback the module exports (and only those we implement). Each one dispatches by
// context id through the registry; an unknown id is ignored with a harmless answer, never a trap. Each one is
// bracketed by enter() / leave() (collect.ts): the garbage collector runs only at the end of an outermost callback.

import { Action, LogLevel } from "./types";
import { getRoot, getStream, createContext, removeContext, started } from "./context";
import { proxy_log } from "./imports";
import { enter, leave } from "./collect";

// Logged when a host calls proxy_on_configure without having called `_initialize` first (a third-party test
// host did). The configuration is then refused, so the plugin fails closed instead of doing nothing; every
// other callback finds no context and does nothing (context.ts).
const NOT_STARTED = "the host did not call _initialize (the module's start function) before proxy_on_configure; configuration refused";
const notStartedLine: usize = memory.data(128);

/** Logs NOT_STARTED without allocating: the ASCII text (static data, there before any start function) copied
 *  byte by byte into a static buffer. */
function logNotStarted(): void {
  const n = <usize>NOT_STARTED.length;
  const src = changetype<usize>(NOT_STARTED);
  for (let i: usize = 0; i < n; ++i) store<u8>(notStartedLine + i, <u8>load<u16>(src + (i << 1)));
  proxy_log(<u32>LogLevel.Error, notStartedLine, n);
}

/** ABI marker: Envoy / Kong / APISIX pick the ABI from this export's name. Never called. */
export function proxy_abi_version_0_2_1(): void {}

export function proxy_on_context_create(contextId: u32, parentContextId: u32): void {
  enter();
  createContext(contextId, parentContextId);
  leave();
}

export function proxy_on_vm_start(rootContextId: u32, vmConfigurationSize: u32): bool {
  enter();
  const root = getRoot(rootContextId);
  const ok = root === null ? true : root.onVmStart(vmConfigurationSize);
  leave();
  return ok;
}

export function proxy_on_request_headers(contextId: u32, headerCount: u32, endOfStream: u32): u32 {
  enter();
  const s = getStream(contextId);
  const action = s === null ? <u32>Action.Continue : <u32>s.onRequestHeaders(headerCount, endOfStream != 0);
  leave();
  return action;
}

export function proxy_on_response_headers(contextId: u32, headerCount: u32, endOfStream: u32): u32 {
  enter();
  const s = getStream(contextId);
  const action = s === null ? <u32>Action.Continue : <u32>s.onResponseHeaders(headerCount, endOfStream != 0);
  leave();
  return action;
}

export function proxy_on_done(contextId: u32): bool {
  enter();
  const s = getStream(contextId);
  let ok = true;
  if (s !== null) ok = s.onDone();
  else {
    const root = getRoot(contextId);
    if (root !== null) ok = root.onDone();
  }
  leave();
  return ok;
}

export function proxy_on_log(contextId: u32): void {
  enter();
  const s = getStream(contextId);
  if (s !== null) s.onLog();
  leave();
}

export function proxy_on_delete(contextId: u32): void {
  enter();
  const s = getStream(contextId);
  if (s !== null) {
    s.onDelete();
    removeContext(contextId);
  } else {
    const root = getRoot(contextId);
    if (root !== null) {
      root.onDelete();
      removeContext(contextId);
    }
  }
  leave();
}

// Declared last on purpose: asc lays out static data in the order it compiles the code that uses it, and the
// exports compile in this order. The configuration's call tree is where the UTF-8 message blob (7.5 KB) gets
// placed; compiled last, the blob lands after the request path's static strings, which then sit below 8 KiB,
// where a pointer is a 2-byte immediate instead of 3 (118 bytes of module; docs/size.md "Where the blob sits").
export function proxy_on_configure(rootContextId: u32, pluginConfigurationSize: u32): bool {
  if (!started()) {
    logNotStarted();
    return false;
  }
  enter();
  const root = getRoot(rootContextId);
  const ok = root === null ? true : root.onConfigure(pluginConfigurationSize);
  leave(true); // parsing a configuration leaves most of what it allocated behind
  return ok;
}
