// Loads one AssemblyScript unit-test build (tests/unit/assembly/NAME.ts → build/test/NAME.wasm) with
// @assemblyscript/loader, the same way for every layer's tests.
import { readFileSync } from "node:fs";
import { instantiate, type ASUtil } from "@assemblyscript/loader";

export type UnitExports<T> = T & ASUtil & { _initialize?: () => void };

export interface UnitModule<T> {
  ex: UnitExports<T>;
  /** Calls `fn` with the strings copied into the module, pinned so that a collection inside the call (or
   *  while copying the next argument) cannot free them. */
  withStrings<R>(values: string[], fn: (...ptrs: number[]) => R): R;
}

export async function loadUnit<T extends Record<string, unknown>>(name: string): Promise<UnitModule<T>> {
  const wasm = readFileSync(new URL(`../../../build/test/${name}.wasm`, import.meta.url));
  // The unit build links what asconfig.json pulls in (the ABI's abort handler imports proxy_log & co):
  // stub every function import; the layers under test call none of them.
  const imports: Record<string, Record<string, unknown>> = {};
  for (const imp of WebAssembly.Module.imports(new WebAssembly.Module(wasm))) {
    if (imp.kind === "function") (imports[imp.module] ??= {})[imp.name] = () => 0;
  }
  const { exports } = await instantiate<T>(wasm, imports as never);
  const ex = exports as UnitExports<T>;
  // Built with --exportStart _initialize: the start function runs only when called.
  if (typeof ex._initialize === "function") ex._initialize();
  const withStrings = <R>(values: string[], fn: (...ptrs: number[]) => R): R => {
    const ptrs: number[] = [];
    try {
      for (const v of values) ptrs.push(ex.__pin(ex.__newString(v)));
      return fn(...ptrs);
    } finally {
      for (const p of ptrs) ex.__unpin(p);
    }
  };
  return { ex, withStrings };
}
