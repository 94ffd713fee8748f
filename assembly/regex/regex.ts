// Regex: AST → Thompson NFA program → lazily built DFA, with a Pike VM underneath (see ../../docs/regex.md).
//
// Both engines keep SETS of program counters (never a backtracking stack). The Pike VM visits each
// instruction at most once while following empty transitions at a position and steps it at most once over
// the character there: at most 2 × programSize × (len + 1) steps. The DFA caches, per set of program
// counters ("kernel") and input byte class, the next set: a cached transition is one step; building a
// missing one is one Pike VM step over the kernel (≤ 3 × programSize, counting the canonical sort). The
// cache is bounded (states, kernel pool); when full it is cleared and rebuilt, as RE2 does, so the worst
// case stays linear. Scratch memory is allocated at compile time (Pike VM) or on the first match (DFA cache).

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

/** DFA cache bounds: states, transition-table entries (states × byte classes), kernel pool (ints). */
const DFA_MAX_STATES: i32 = 256;
const DFA_MAX_ENTRIES: i32 = 4096;
const DFA_MAX_KPOOL: i32 = 8192;
const DFA_HASH_SIZE: i32 = 512; // power of two, 2 × DFA_MAX_STATES

class Emitter {
  ops: Array<i32> = new Array<i32>();
  xs: Array<i32> = new Array<i32>();
  ys: Array<i32> = new Array<i32>();
  // classes: 8 × u32 bitmap for code units < 256 per class, plus ranges reaching ≥ 256
  bitmaps: Array<u32> = new Array<u32>();
  highStart: Array<i32> = new Array<i32>();
  highRanges: Array<i32> = new Array<i32>();

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
  // lazy DFA (null until the first match; never used when the program has \b or \B)
  private dfaUsable: bool = true;
  private dfaReady: bool = false;
  private classOf: StaticArray<u8> = new StaticArray<u8>(0);  // byte → class
  private classRep: StaticArray<i32> = new StaticArray<i32>(0); // class → a byte of it
  private nClasses: i32 = 0;
  private maxStates: i32 = 0;
  private trans: Array<i32> = new Array<i32>();      // state × class: 0 unknown, -1 dead, else next state + 1
  private kStart: Array<i32> = new Array<i32>();     // state → kernel offset in kpool
  private kLen: Array<i32> = new Array<i32>();       // state → kernel length
  private accept: Array<i32> = new Array<i32>();     // state → -1 unknown, 0, 1 (accepts at the end of the input)
  private kpool: Array<i32> = new Array<i32>();      // kernels: sorted program counters
  private htab: StaticArray<i32> = new StaticArray<i32>(0); // kernel hash → state + 1
  private mark: StaticArray<u8> = new StaticArray<u8>(0);
  private kernel: StaticArray<i32> = new StaticArray<i32>(0);
  private work: i32 = 0;
  /** Times the DFA cache was cleared because it was full (for tests). */
  dfaResets: i32 = 0;

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
    for (let pc = 0; pc < n; pc++) {
      const op = e.ops[pc];
      if (op == Op.WordB || op == Op.NotWordB) this.dfaUsable = false;
    }
  }

  /** Compiles an RE2-subset pattern, implicitly anchored at both ends; a leading `(?i)` folds ASCII case. */
  static compile(source: string): RegexResult {
    const res = new RegexResult();
    const parsed = parse(source);
    const node = parsed.node;
    if (node === null) {
      res.error = parsed.error; // parse() sets one on every failure (and the configuration layer has a fallback)
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

  /** Number of DFA states currently cached (for tests). */
  get dfaStates(): i32 {
    return this.kLen.length;
  }

  /**
   * Whether the WHOLE input matches. Time O(len × programSize) whatever the pattern; usually one table
   * lookup per character (lazy DFA). Never traps; allocates only while the DFA cache warms up.
   */
  matches(input: string): bool {
    if (!this.dfaUsable) return this.matchesNfa(input);
    if (!this.dfaReady) this.dfaInit();
    const len = input.length;
    const nC = this.nClasses;
    // raw loads on unmanaged pointers keep the hot loop free of the GC's shadow-stack traffic; the string
    // and the class table do not move (non-moving GC) and are rooted by the caller and by `this`; the
    // transition table may be reallocated by dfaStep, so its pointer is reloaded after each call
    const strPtr = changetype<usize>(input);
    const classPtr = changetype<usize>(this.classOf);
    let transPtr = this.trans.dataStart;
    let steps = 0;
    this.work = 0;
    let s = 0;
    let result = false;
    let i = 0;
    for (; i < len; i++) {
      const c = <i32>load<u16>(strPtr + (<usize>i << 1));
      if (c > 0xff) break; // outside the byte classes: finish on the Pike VM (origins are ASCII)
      const cls = <i32>load<u8>(classPtr + <usize>c);
      const t = load<i32>(transPtr + (<usize>(s * nC + cls) << 2));
      steps++;
      if (t > 0) { s = t - 1; continue; }
      if (t < 0) { s = -1; break; }
      s = this.dfaStep(s, cls);
      transPtr = this.trans.dataStart;
      if (s < 0) break;
    }
    if (i < len && s >= 0) {
      const r = this.matchesNfa(input);
      this.lastSteps += steps + this.work;
      return r;
    }
    if (s >= 0) result = this.dfaAccept(s);
    this.lastSteps = steps + this.work;
    return result;
  }

  /** The same answer from the Pike VM alone (the DFA's fallback; exported for differential tests). */
  matchesNfa(input: string): bool {
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

  // ---- lazy DFA ----------------------------------------------------------------------------------

  @inline private consumes(pc: i32, c: i32): bool {
    const op = unchecked(this.ops[pc]);
    if (op == Op.Char) return c == unchecked(this.xs[pc]);
    if (op == Op.CharFold) return ((c >= 0x41 && c <= 0x5a) ? c | 0x20 : c) == unchecked(this.xs[pc]);
    if (op == Op.Any) return c != 0x0a;
    if (op == Op.Class) return this.inClass(unchecked(this.xs[pc]), c);
    return false;
  }

  /** Byte classes (bytes no instruction tells apart share a class), tables, and the start state. */
  private dfaInit(): void {
    const n = this.ops.length;
    const boundary = new StaticArray<u8>(257);
    boundary[0] = 1;
    for (let pc = 0; pc < n; pc++) {
      const op = this.ops[pc];
      const x = this.xs[pc];
      if (op == Op.Char && x < 256) { boundary[x] = 1; boundary[x + 1] = 1; }
      else if (op == Op.CharFold) { boundary[x] = 1; boundary[x + 1] = 1; boundary[x - 32] = 1; boundary[x - 31] = 1; }
      else if (op == Op.Any) { boundary[0x0a] = 1; boundary[0x0b] = 1; }
      else if (op == Op.Class) {
        for (let c = 1; c < 256; c++) {
          if (this.inClass(x, c) != this.inClass(x, c - 1)) boundary[c] = 1;
        }
      }
    }
    const classOf = new StaticArray<u8>(256);
    const rep = new StaticArray<i32>(256);
    let id = -1;
    for (let c = 0; c < 256; c++) {
      if (boundary[c] != 0) { id++; rep[id] = c; }
      classOf[c] = <u8>id;
    }
    this.classOf = classOf;
    this.classRep = rep;
    this.nClasses = id + 1;
    const bySize = DFA_MAX_ENTRIES / this.nClasses;
    this.maxStates = bySize < DFA_MAX_STATES ? (bySize < 16 ? 16 : bySize) : DFA_MAX_STATES;
    this.htab = new StaticArray<i32>(DFA_HASH_SIZE);
    this.mark = new StaticArray<u8>(n);
    this.kernel = new StaticArray<i32>(n);
    this.dfaReady = true;
    this.dfaReset();
  }

  /** Empties the cache and re-creates state 0, the start (kernel {0} at position 0). */
  private dfaReset(): void {
    this.trans.length = 0;
    this.kStart.length = 0;
    this.kLen.length = 0;
    this.accept.length = 0;
    this.kpool.length = 0;
    const h = this.htab;
    for (let i = 0; i < DFA_HASH_SIZE; i++) unchecked(h[i] = 0);
    // state 0 (not in the hash table: computed kernels never hold pc 0)
    this.kStart.push(0);
    this.kLen.push(1);
    this.accept.push(-1);
    this.kpool.push(0);
    for (let j = 0; j < this.nClasses; j++) this.trans.push(0);
  }

  /** Adds the kernel held in `kernel[0..klen)` as a new state. */
  private addState(klen: i32, hash: i32): i32 {
    const id = this.kLen.length;
    this.kStart.push(this.kpool.length);
    this.kLen.push(klen);
    this.accept.push(-1);
    const k = this.kernel;
    for (let j = 0; j < klen; j++) this.kpool.push(unchecked(k[j]));
    for (let j = 0; j < this.nClasses; j++) this.trans.push(0);
    let h = hash;
    while (unchecked(this.htab[h]) != 0) h = (h + 1) & (DFA_HASH_SIZE - 1);
    unchecked(this.htab[h] = id + 1);
    return id;
  }

  /** Follows empty transitions from every kernel pc into set A (`atEnd`: the position is the input's end). */
  private closure(s: i32, atEnd: bool): i32 {
    const pos = s == 0 ? 0 : 1; // only the start state sits at position 0 (kernel pcs are ≥ 1 elsewhere)
    const len = atEnd ? pos : pos + 1;
    const ks = unchecked(this.kStart[s]), kl = unchecked(this.kLen[s]);
    let count = 0;
    for (let j = 0; j < kl; j++) {
      count = this.addThread(this.denseA, this.sparseA, count, unchecked(this.kpool[ks + j]), "", pos, len);
      this.work += this.visited;
    }
    return count;
  }

  /** Builds (or finds) the state after state `s` reads a byte of class `cls`; -1 = dead. */
  private dfaStep(s: i32, cls: i32): i32 {
    const c = unchecked(this.classRep[cls]);
    const count = this.closure(s, false);
    const dense = this.denseA, mark = this.mark;
    let minPc = this.ops.length, maxPc = -1, kn = 0;
    for (let k = 0; k < count; k++) {
      const pc = unchecked(dense[k]);
      if (this.consumes(pc, c)) {
        const t = pc + 1;
        unchecked(mark[t] = 1);
        if (t < minPc) minPc = t;
        if (t > maxPc) maxPc = t;
        kn++;
      }
    }
    this.work += count;
    const slot = s * this.nClasses + cls;
    if (kn == 0) {
      unchecked(this.trans[slot] = -1);
      return -1;
    }
    // canonical kernel: sorted program counters
    const kernel = this.kernel;
    let n = 0;
    for (let t = minPc; t <= maxPc; t++) {
      if (unchecked(mark[t]) != 0) { unchecked(mark[t] = 0); unchecked(kernel[n++] = t); }
    }
    this.work += maxPc - minPc + 1;
    let hash: u32 = 2166136261;
    for (let j = 0; j < n; j++) hash = (hash ^ <u32>unchecked(kernel[j])) * 16777619;
    const h0 = <i32>(hash & <u32>(DFA_HASH_SIZE - 1));
    // look up
    let h = h0;
    while (true) {
      const e = unchecked(this.htab[h]);
      if (e == 0) break;
      const id = e - 1;
      this.work++;
      if (unchecked(this.kLen[id]) == n) {
        const ks = unchecked(this.kStart[id]);
        let same = true;
        for (let j = 0; j < n; j++) {
          if (unchecked(this.kpool[ks + j]) != unchecked(kernel[j])) { same = false; break; }
        }
        this.work += n;
        if (same) {
          unchecked(this.trans[slot] = id + 1);
          return id;
        }
      }
      h = (h + 1) & (DFA_HASH_SIZE - 1);
    }
    // new state; when the cache is full, start it over (the transition from `s` is then not recorded)
    if (this.kLen.length >= this.maxStates || this.kpool.length + n > DFA_MAX_KPOOL) {
      this.dfaResets++;
      this.dfaReset();
      return this.addState(n, h0);
    }
    const id = this.addState(n, h0);
    unchecked(this.trans[slot] = id + 1);
    return id;
  }

  /** Whether state `s` accepts at the end of the input (cached). */
  private dfaAccept(s: i32): bool {
    const a = unchecked(this.accept[s]);
    if (a >= 0) return a == 1;
    const count = this.closure(s, true);
    let r = false;
    for (let k = 0; k < count; k++) {
      if (unchecked(this.ops[unchecked(this.denseA[k])]) == Op.Match) { r = true; break; }
    }
    this.work += count;
    unchecked(this.accept[s] = r ? 1 : 0);
    return r;
  }

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
