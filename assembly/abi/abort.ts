// The module's abort handler, so no env.abort import is emitted. asconfig.json loads this file as a
// library file ("lib": ["assembly/abi/abort.ts"]), which makes its exports globals, and aliases
// AssemblyScript's abort to it ("use": ["abort=cors_abort"]). That way every asc build from the repo
// root (the module, unit-test builds, fixtures) resolves the alias without pulling in assembly/index.ts.
// A library file cannot import project files, so proxy_log is declared here and imports.ts re-exports
// it (one import, also in unoptimised builds). It logs one critical line through proxy_log, then traps with
// unreachable(): the host marks the VM failed (Envoy: FailState::RuntimeError, then its failure
// policy). It allocates nothing (an abort may come from the allocator itself): the line is written
// into a static buffer, and a nested abort goes straight to the trap.

@external("env", "proxy_log")
export declare function proxy_log(level: u32, messageData: usize, messageSize: usize): u32;

const LINE_CAP: usize = 512;
const line: usize = memory.data(512);
let aborting = false;

function put(at: usize, s: string | null): usize {
  if (s === null) return at;
  const n = <usize>s.length;
  const src = changetype<usize>(s);
  for (let i: usize = 0; i < n && at < LINE_CAP; ++i) {
    const c = load<u16>(src + (i << 1));
    store<u8>(line + at++, c < 0x20 || c > 0x7E ? 0x3F : <u8>c);
  }
  return at;
}

function putNumber(at: usize, value: u32): usize {
  let digits: usize = 1;
  for (let v = value; v >= 10; v /= 10) ++digits;
  if (at + digits > LINE_CAP) return at;
  let v = value;
  for (let i = digits; i > 0; --i) {
    store<u8>(line + at + i - 1, <u8>(0x30 + v % 10));
    v /= 10;
  }
  return at + digits;
}

export function cors_abort(message: string | null, fileName: string | null, lineNumber: u32, columnNumber: u32): void {
  if (!aborting) {
    aborting = true;
    let at = put(0, "abort: ");
    at = put(at, message);
    at = put(at, " at ");
    at = put(at, fileName);
    at = put(at, ":");
    at = putNumber(at, lineNumber);
    at = put(at, ":");
    at = putNumber(at, columnNumber);
    proxy_log(5, line, at);
  }
  unreachable();
}
