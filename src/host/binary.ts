// Reads function signatures out of a wasm binary: the JS API links any JS function to any import type,
// so the host compares the module's import types with its own table itself, as cpp-host's link() does.

export interface FuncSig {
  params: string; // one letter per value: i=i32 I=i64 f=f32 F=f64 v=v128 r=ref
  results: string;
}

export interface ImportEntry {
  module: string;
  name: string;
  kind: "function" | "table" | "memory" | "global" | "tag";
  sig?: FuncSig;
  /** memory imports: limits in pages */
  limits?: { min: number; max?: number; shared: boolean };
}

export interface ExportEntry {
  name: string;
  kind: "function" | "table" | "memory" | "global" | "tag";
  sig?: FuncSig;
}

export interface ModuleInfo {
  imports: ImportEntry[];
  exports: ExportEntry[];
}

const VALTYPE: Record<number, string> = { 0x7f: "i", 0x7e: "I", 0x7d: "f", 0x7c: "F", 0x7b: "v", 0x70: "r", 0x6f: "r" };
const KINDS = ["function", "table", "memory", "global", "tag"] as const;

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.b.length) throw new Error("unexpected end of module");
    return this.b[this.pos++];
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new Error("bad LEB128");
    }
  }
  name(): string {
    const len = this.u32();
    const s = Buffer.from(this.b.buffer, this.b.byteOffset + this.pos, len).toString("utf8");
    this.pos += len;
    return s;
  }
  limits(): { min: number; max?: number; shared: boolean } {
    const flags = this.byte();
    const min = this.u32();
    const max = flags & 1 ? this.u32() : undefined;
    return { min, max, shared: (flags & 2) !== 0 };
  }
}

/** Parses the type, import, function and export sections. The binary must already be valid. */
export function readModuleInfo(bytes: Uint8Array): ModuleInfo {
  const r = new Reader(bytes);
  r.pos = 8;
  const types: FuncSig[] = [];
  const funcTypes: number[] = []; // type index of every function (imports first)
  const imports: ImportEntry[] = [];
  const rawExports: Array<{ name: string; kind: number; index: number }> = [];
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 1) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const form = r.byte();
        if (form !== 0x60) throw new Error(`unsupported type form 0x${form.toString(16)}`);
        let params = "";
        let results = "";
        for (let n = r.u32(); n > 0; n--) params += VALTYPE[r.byte()] ?? "?";
        for (let n = r.u32(); n > 0; n--) results += VALTYPE[r.byte()] ?? "?";
        types.push({ params, results });
      }
    } else if (id === 2) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const module = r.name();
        const name = r.name();
        const kind = r.byte();
        const entry: ImportEntry = { module, name, kind: KINDS[kind] ?? "tag" };
        if (kind === 0) {
          const t = r.u32();
          funcTypes.push(t);
          entry.sig = types[t];
        } else if (kind === 1) {
          r.byte();
          r.limits();
        } else if (kind === 2) {
          entry.limits = r.limits();
        } else if (kind === 3) {
          r.byte();
          r.byte();
        } else {
          r.byte();
          r.u32();
        }
        imports.push(entry);
      }
    } else if (id === 3) {
      for (let n = r.u32(); n > 0; n--) funcTypes.push(r.u32());
    } else if (id === 7) {
      for (let n = r.u32(); n > 0; n--) {
        const name = r.name();
        const kind = r.byte();
        const index = r.u32();
        rawExports.push({ name, kind, index });
      }
    }
    r.pos = end;
  }
  const exports: ExportEntry[] = rawExports.map((e) => {
    const entry: ExportEntry = { name: e.name, kind: KINDS[e.kind] ?? "tag" };
    if (e.kind === 0) entry.sig = types[funcTypes[e.index]];
    return entry;
  });
  return { imports, exports };
}

/** "i32 i32 -> i32" style, as cpp-host's printValTypes ("void" when empty). */
export function printSig(s: string): string {
  if (s.length === 0) return "void";
  const names: Record<string, string> = { i: "i32", I: "i64", f: "f32", F: "f64", v: "v128", r: "ref" };
  return Array.from(s, (c) => names[c] ?? "unknown").join(" ");
}
