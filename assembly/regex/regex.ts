// Regex: AST → Thompson NFA program → Pike VM simulation (see ../../docs/regex.md).
//
// Matching keeps a set of program counters per input position (never a backtracking stack): each
// instruction is visited at most once while following empty transitions at a position, and stepped at
// most once over the character there, so a match costs at most 2 × programSize × (len + 1) steps,
// whatever the pattern and input. All scratch memory is allocated once, at compile time.

import { MAX_CHAR, Node, NodeKind, parse } from "./parser";

const enum Op {
  Match = 0,
  Char = 1,     // x = code unit
  CharFold = 2, // x = lower-case ASCII letter; input folded
  Any = 3,      // any code unit but \n
  Class = 4,    // x = class index
  Split = 5,    // x, y = targets
  Jmp = 6,      // x = target
  Begin = 7,    // assert position 0
  End = 8,      // assert position len
  WordB = 9,    // assert \b
  NotWordB = 10,
}

class Emitter {
  ops: Array<i32> = [];
  xs: Array<i32> = [];
  ys: Array<i32> = [];
  // classes: 8 × u32 bitmap for code units < 256 per class, plus ranges reaching ≥ 256
  bitmaps: Array<u32> = [];
  highStart: Array<i32> = [];
  highRanges: Array<i32> = [];

  get pc(): i32 { return this.ops.length; }

  emit(op: Op, x: i32, y: i32): i32 {
    const at = this.ops.length;
    this.ops.push(op);
    this.xs.push(x);
    this.ys.push(y);
    return at;
  }

  addClass(ranges: Array<i32>): i32 {
    const idx = this.highStart.length;
    const base = this.bitmaps.length;
    for (let i = 0; i < 8; i++) this.bitmaps.push(0);
    this.highStart.push(this.highRanges.length);
    for (let i = 0; i < ranges.length; i += 2) {
      const lo = ranges[i], hi = ranges[i + 1];
      const top = hi < 255 ? hi : 255;
      for (let c = lo; c <= top; c++) {
        this.bitmaps[base + (c >> 5)] |= (<u32>1) << <u32>(c & 31);
      }
      if (hi >= 256) {
        this.highRanges.push(lo < 256 ? 256 : lo);
        this.highRanges.push(hi);
      }
    }
    return idx;
  }

  node(n: Node): void {
    switch (n.kind) {
      case NodeKind.Empty: return;
      case NodeKind.Char: this.emit(Op.Char, n.c, 0); return;
      case NodeKind.CharFold: this.emit(Op.CharFold, n.c, 0); return;
      case NodeKind.Any: this.emit(Op.Any, 0, 0); return;
      case NodeKind.Class: this.emit(Op.Class, this.addClass(n.ranges), 0); return;
      case NodeKind.BeginText: this.emit(Op.Begin, 0, 0); return;
      case NodeKind.EndText: this.emit(Op.End, 0, 0); return;
      case NodeKind.WordB: this.emit(Op.WordB, 0, 0); return;
      case NodeKind.NotWordB: this.emit(Op.NotWordB, 0, 0); return;
      case NodeKind.Concat: {
        for (let i = 0; i < n.children.length; i++) this.node(n.children[i]);
        return;
      }
      case NodeKind.Alt: {
        // split L1, L2; L1: b0; jmp END; L2: split ...; last: bk
        const k = n.children.length;
        const jumps = new Array<i32>();
        for (let i = 0; i < k - 1; i++) {
          const split = this.emit(Op.Split, 0, 0);
          this.xs[split] = this.pc;
          this.node(n.children[i]);
          jumps.push(this.emit(Op.Jmp, 0, 0));
          this.ys[split] = this.pc;
        }
        this.node(n.children[k - 1]);
        for (let i = 0; i < jumps.length; i++) this.xs[jumps[i]] = this.pc;
        return;
      }
      case NodeKind.Repeat: {
        const body = n.children[0];
        const mn = n.min, mx = n.max;
        if (mx == -1) {
          if (mn == 0) {
            // L: split body, END; body; jmp L; END:
            const split = this.emit(Op.Split, 0, 0);
            this.xs[split] = this.pc;
            this.node(body);
            this.emit(Op.Jmp, split, 0);
            this.ys[split] = this.pc;
          } else {
            for (let i = 0; i < mn - 1; i++) this.node(body);
            // L: body; split L, next
            const loop = this.pc;
            this.node(body);
            const split = this.emit(Op.Split, loop, 0);
            this.ys[split] = this.pc;
          }
        } else {
          for (let i = 0; i < mn; i++) this.node(body);
          // (max - min) optional copies, each skipping to the common end
          const splits = new Array<i32>();
          for (let i = mn; i < mx; i++) {
            const split = this.emit(Op.Split, 0, 0);
            this.xs[split] = this.pc;
            splits.push(split);
            this.node(body);
          }
          for (let i = 0; i < splits.length; i++) this.ys[splits[i]] = this.pc;
        }
        return;
      }
    }
  }
}

function toStatic(a: Array<i32>): StaticArray<i32> {
  const s = new StaticArray<i32>(a.length);
  for (let i = 0; i < a.length; i++) unchecked(s[i] = a[i]);
  return s;
}

@inline function isWordChar(c: i32): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c == 0x5f || (c >= 0x61 && c <= 0x7a);
}

export class RegexResult {
  regex: Regex | null = null;
  /** "at position N: <what>" (N = 0-based index in the source), "" when ok. */
  error: string = "";
}

export class Regex {
  /** The pattern as given. */
  readonly source: string;
  /** Work done by the last `matches` call: instructions visited + instructions stepped. */
  lastSteps: i32 = 0;

  private ops: StaticArray<i32>;
  private xs: StaticArray<i32>;
  private ys: StaticArray<i32>;
  private bitmaps: StaticArray<u32>;
  private highStart: StaticArray<i32>;
  private highRanges: StaticArray<i32>;
  // scratch, reused by every match: two sparse sets of pcs and a visit stack
  private denseA: StaticArray<i32>;
  private sparseA: StaticArray<i32>;
  private denseB: StaticArray<i32>;
  private sparseB: StaticArray<i32>;
  private stack: StaticArray<i32>;
  private countA: i32 = 0;
  private countB: i32 = 0;

  private constructor(source: string, e: Emitter) {
    this.source = source;
    this.ops = toStatic(e.ops);
    this.xs = toStatic(e.xs);
    this.ys = toStatic(e.ys);
    const bm = new StaticArray<u32>(e.bitmaps.length);
    for (let i = 0; i < e.bitmaps.length; i++) bm[i] = e.bitmaps[i];
    this.bitmaps = bm;
    e.highStart.push(e.highRanges.length); // sentinel: class i's high ranges are [highStart[i], highStart[i+1])
    this.highStart = toStatic(e.highStart);
    this.highRanges = toStatic(e.highRanges);
    const n = e.ops.length;
    this.denseA = new StaticArray<i32>(n);
    this.sparseA = new StaticArray<i32>(n);
    this.denseB = new StaticArray<i32>(n);
    this.sparseB = new StaticArray<i32>(n);
    this.stack = new StaticArray<i32>(n);
  }

  /** Compiles an RE2-subset pattern, implicitly anchored at both ends; a leading `(?i)` folds ASCII case. */
  static compile(source: string): RegexResult {
    const res = new RegexResult();
    const parsed = parse(source);
    const node = parsed.node;
    if (node === null) {
      res.error = parsed.error.length > 0 ? parsed.error : "at position 0: invalid pattern";
      return res;
    }
    const e = new Emitter();
    e.node(node);
    e.emit(Op.Match, 0, 0);
    res.regex = new Regex(source, e);
    return res;
  }

  /** Number of instructions in the compiled program (including the final match). */
  get programSize(): i32 {
    return this.ops.length;
  }

  /** Whether the WHOLE input matches. Time O(len × programSize), no allocation, never traps. */
  matches(input: string): bool {
    const len = input.length;
    let steps = 0;
    // current list = A, next list = B (swapped by reference each position)
    let cDense = this.denseA, cSparse = this.sparseA;
    let nDense = this.denseB, nSparse = this.sparseB;
    let cCount = this.addThread(cDense, cSparse, 0, 0, input, 0, len);
    steps += this.visited;
    const ops = this.ops, xs = this.xs;
    let result = false;
    for (let i = 0; ; i++) {
      if (cCount == 0) break;
      if (i == len) {
        for (let k = 0; k < cCount; k++) {
          if (unchecked(ops[unchecked(cDense[k])]) == Op.Match) { result = true; break; }
        }
        break;
      }
      const c = <i32>input.charCodeAt(i);
      let nCount = 0;
      for (let k = 0; k < cCount; k++) {
        const pc = unchecked(cDense[k]);
        steps++;
        const op = unchecked(ops[pc]);
        let ok = false;
        if (op == Op.Char) ok = c == unchecked(xs[pc]);
        else if (op == Op.CharFold) ok = ((c >= 0x41 && c <= 0x5a) ? c | 0x20 : c) == unchecked(xs[pc]);
        else if (op == Op.Any) ok = c != 0x0a;
        else if (op == Op.Class) ok = this.inClass(unchecked(xs[pc]), c);
        if (ok) {
          nCount = this.addThread(nDense, nSparse, nCount, pc + 1, input, i + 1, len);
          steps += this.visited;
        }
      }
      const td = cDense; cDense = nDense; nDense = td;
      const ts = cSparse; cSparse = nSparse; nSparse = ts;
      cCount = nCount;
    }
    this.lastSteps = steps;
    return result;
  }

  private visited: i32 = 0;

  private inClass(idx: i32, c: i32): bool {
    if (c < 256) {
      const word = unchecked(this.bitmaps[(idx << 3) + (c >> 5)]);
      return (word & ((<u32>1) << <u32>(c & 31))) != 0;
    }
    const hs = this.highStart, hr = this.highRanges;
    const end = unchecked(hs[idx + 1]);
    for (let j = unchecked(hs[idx]); j < end; j += 2) {
      if (c >= unchecked(hr[j]) && c <= unchecked(hr[j + 1])) return true;
    }
    return false;
  }

  /**
   * Adds pc and everything reachable from it through empty transitions (split, jmp, satisfied assertions)
   * at input position `pos` into the sparse set; each pc is pushed at most once per set. Returns the new
   * count; `visited` = pcs popped (the work done).
   */
  private addThread(dense: StaticArray<i32>, sparse: StaticArray<i32>, count: i32, start: i32,
                    input: string, pos: i32, len: i32): i32 {
    const ops = this.ops, xs = this.xs, ys = this.ys, stack = this.stack;
    let visited = 0;
    let sp = 0;
    // push start if absent
    {
      const s = unchecked(sparse[start]);
      if (s < count && unchecked(dense[s]) == start) { this.visited = 0; return count; }
      unchecked(sparse[start] = count);
      unchecked(dense[count] = start);
      count++;
      unchecked(stack[sp++] = start);
    }
    while (sp > 0) {
      const pc = unchecked(stack[--sp]);
      visited++;
      const op = unchecked(ops[pc]);
      let t1 = -1, t2 = -1;
      if (op == Op.Split) { t1 = unchecked(xs[pc]); t2 = unchecked(ys[pc]); }
      else if (op == Op.Jmp) t1 = unchecked(xs[pc]);
      else if (op == Op.Begin) { if (pos == 0) t1 = pc + 1; }
      else if (op == Op.End) { if (pos == len) t1 = pc + 1; }
      else if (op == Op.WordB || op == Op.NotWordB) {
        const before = pos > 0 && isWordChar(<i32>input.charCodeAt(pos - 1));
        const after = pos < len && isWordChar(<i32>input.charCodeAt(pos));
        if ((before != after) == (op == Op.WordB)) t1 = pc + 1;
      }
      // push t2 first so t1 is explored first (order does not change the answer)
      if (t2 >= 0) {
        const s = unchecked(sparse[t2]);
        if (!(s < count && unchecked(dense[s]) == t2)) {
          unchecked(sparse[t2] = count);
          unchecked(dense[count] = t2);
          count++;
          unchecked(stack[sp++] = t2);
        }
      }
      if (t1 >= 0) {
        const s = unchecked(sparse[t1]);
        if (!(s < count && unchecked(dense[s]) == t1)) {
          unchecked(sparse[t1] = count);
          unchecked(dense[count] = t1);
          count++;
          unchecked(stack[sp++] = t1);
        }
      }
    }
    this.visited = visited;
    return count;
  }
}
