// Regex parser: source text → AST (see ../../docs/regex.md for the syntax).
//
// Total: every input yields either an AST or an error "at position N: <what>" (N = 0-based index of the
// offending character in the source). No exceptions, no recursion deeper than MAX_DEPTH group levels,
// and every node carries its compiled program size (saturating), so a repetition that would blow the
// program past MAX_PROGRAM is rejected here, at the position of its operator, before anything is expanded.

import { charText, decimal, hexValue, wordIndex } from "../ascii";

/** Longest accepted pattern, in UTF-16 code units. */
export const MAX_SOURCE: i32 = 4096;
/** Largest compiled program (instructions). Every match costs at most 2 × this many steps per input char. */
export const MAX_PROGRAM: i32 = 2000;
/** Largest count in `{m}`, `{m,}`, `{m,n}` (as RE2). */
export const MAX_REPEAT: i32 = 1000;
/** Deepest group nesting. */
export const MAX_DEPTH: i32 = 64;

/** Highest code unit: the engine works on UTF-16 code units (the filter feeds one Latin-1 byte per char). */
export const MAX_CHAR: i32 = 0xffff;

export const enum NodeKind {
  Empty = 0,     // matches the empty string
  Char = 1,      // one code unit: `c`
  CharFold = 2,  // one ASCII letter, either case: `c` (lower case)
  Any = 3,       // `.`: any code unit but \n
  Class = 4,     // `ranges`: sorted, disjoint, inclusive [lo, hi] pairs (negation already applied)
  Concat = 5,    // `children` in order
  Alt = 6,       // `children`, any of them
  Repeat = 7,    // children[0] repeated min..max times (max = -1: unbounded)
  BeginText = 8, // `^`, `\A`
  EndText = 9,   // `$`, `\z`
  WordB = 10,    // `\b`
  NotWordB = 11, // `\B`
}

export class Node {
  kind: NodeKind = NodeKind.Empty;
  c: i32 = 0;
  min: i32 = 0;
  max: i32 = 0;
  children: Array<Node> = new Array<Node>();
  ranges: Array<i32> = new Array<i32>();
  /** Compiled size in instructions, saturated at MAX_PROGRAM + 1. */
  size: i32 = 0;

  static leaf(kind: NodeKind, c: i32): Node {
    const n = new Node();
    n.kind = kind;
    n.c = c;
    n.size = kind == NodeKind.Empty ? 0 : 1;
    return n;
  }
}

export class ParseResult {
  node: Node | null = null;
  foldCase: bool = false;
  error: string = "";
}

function sat(x: i64): i32 {
  return x > <i64>(MAX_PROGRAM + 1) ? MAX_PROGRAM + 1 : <i32>x;
}

/** Compiled size of `x{min,max}` (max -1 = unbounded); see compiler.ts for the shapes. */
export function repeatSize(x: i32, min: i32, max: i32): i32 {
  const s = <i64>x;
  let total: i64;
  if (max == -1) {
    total = min == 0 ? s + 2 : <i64>(min - 1) * s + s + 1;
  } else {
    total = <i64>min * s + <i64>(max - min) * (s + 1);
  }
  return sat(total);
}

// ---------------------------------------------------------------------------------------------------
// Character class helpers (ranges as flat [lo, hi, lo, hi, ...] arrays)

function addRange(r: Array<i32>, lo: i32, hi: i32): void {
  r.push(lo);
  r.push(hi);
}

/** Ascending in-place heapsort (O(n log n), no recursion, no allocation). Same order as `Array#sort()` on
 *  i64 keys; a few hundred bytes instead of the standard library's TimSort (~1.2 KB, docs/size.md). */
function sortI64(a: StaticArray<i64>): void {
  const n = a.length;
  for (let start = (n >> 1) - 1; start >= 0; start--) siftDown(a, start, n);
  for (let end = n - 1; end > 0; end--) {
    const t = unchecked(a[0]);
    unchecked(a[0] = a[end]);
    unchecked(a[end] = t);
    siftDown(a, 0, end);
  }
}

function siftDown(a: StaticArray<i64>, root: i32, n: i32): void {
  const v = unchecked(a[root]);
  let i = root;
  while (true) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && unchecked(a[c + 1]) > unchecked(a[c])) c++;
    if (unchecked(a[c]) <= v) break;
    unchecked(a[i] = a[c]);
    i = c;
  }
  unchecked(a[i] = v);
}

/** Sorts and merges a flat range list (O(n log n): a class may list ~2000 ranges). */
export function normalizeRanges(r: Array<i32>): Array<i32> {
  const n = r.length >> 1;
  // a StaticArray read and written within its length (unchecked): no Array<i64> instantiation for this one use
  const keys = new StaticArray<i64>(n);
  for (let i = 0; i < n; i++) unchecked(keys[i] = (<i64>r[2 * i] << 32) | <i64>r[2 * i + 1]);
  sortI64(keys);
  const out = new Array<i32>();
  for (let i = 0; i < n; i++) {
    const key = unchecked(keys[i]);
    const lo = <i32>(key >> 32), hi = <i32>(key & 0xffffffff);
    const m = out.length;
    if (m > 0 && lo <= out[m - 1] + 1) {
      if (hi > out[m - 1]) out[m - 1] = hi;
    } else {
      out.push(lo);
      out.push(hi);
    }
  }
  return out;
}

function negateRanges(r: Array<i32>): Array<i32> {
  const out = new Array<i32>();
  let next = 0;
  for (let i = 0; i < r.length; i += 2) {
    if (r[i] > next) addRange(out, next, r[i] - 1);
    next = r[i + 1] + 1;
  }
  if (next <= MAX_CHAR) addRange(out, next, MAX_CHAR);
  return out;
}

/** Adds the other ASCII case of every letter in the (normalised) ranges. */
function foldRanges(r: Array<i32>): Array<i32> {
  const out = r.slice(0);
  for (let i = 0; i < r.length; i += 2) {
    let lo = max(r[i], 0x61), hi = min(r[i + 1], 0x7a); // a-z → A-Z
    if (lo <= hi) addRange(out, lo - 32, hi - 32);
    lo = max(r[i], 0x41); hi = min(r[i + 1], 0x5a);     // A-Z → a-z
    if (lo <= hi) addRange(out, lo + 32, hi + 32);
  }
  return normalizeRanges(out);
}

const enum Perl { None = 0, Digit = 1, Word = 2, Space = 3 }

// The ASCII classes as (lo, hi) byte pairs, each list ended by 0xFF: first the POSIX classes in the order of
// POSIX class names (addPosix), then RE2's \s ([\t\n\f\r ]; \d and \w are POSIX digit and word).
const CLASS_RANGES: usize = memory.data<u8>([
  0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a, 0xff, // alnum
  0x41, 0x5a, 0x61, 0x7a, 0xff, // alpha
  0x00, 0x7f, 0xff, // ascii
  0x09, 0x09, 0x20, 0x20, 0xff, // blank
  0x00, 0x1f, 0x7f, 0x7f, 0xff, // cntrl
  0x30, 0x39, 0xff, // digit
  0x21, 0x7e, 0xff, // graph
  0x61, 0x7a, 0xff, // lower
  0x20, 0x7e, 0xff, // print
  0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e, 0xff, // punct
  0x09, 0x0d, 0x20, 0x20, 0xff, // space
  0x41, 0x5a, 0xff, // upper
  0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a, 0xff, // word
  0x30, 0x39, 0x41, 0x46, 0x61, 0x66, 0xff, // xdigit
  0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20, 0xff, // RE2 \s
]);
const CLASS_DIGIT = 5, CLASS_WORD = 12, CLASS_PERL_SPACE = 14;

/** Appends class `index` of CLASS_RANGES (its complement when `negated`) to `r`. */
function addClass(r: Array<i32>, index: i32, negated: bool): void {
  let at = CLASS_RANGES;
  for (let k = 0; k < index; k++) {
    while (load<u8>(at) != 0xff) at += 2;
    at++;
  }
  const tmp = new Array<i32>();
  for (; load<u8>(at) != 0xff; at += 2) addRange(tmp, <i32>load<u8>(at), <i32>load<u8>(at, 1));
  const src = negated ? negateRanges(tmp) : tmp;
  for (let i = 0; i < src.length; i++) r.push(src[i]);
}

function addPerl(r: Array<i32>, which: i32, negated: bool): void {
  addClass(r, which == Perl.Digit ? CLASS_DIGIT : which == Perl.Word ? CLASS_WORD : CLASS_PERL_SPACE, negated);
}

/** POSIX class names inside brackets (`[[:alpha:]]`), as RE2. Returns false for an unknown name. */
function addPosix(r: Array<i32>, name: string, negated: bool): bool {
  // the POSIX class names, in the order of CLASS_RANGES; -1 for an unknown name
  const index = wordIndex("alnum alpha ascii blank cntrl digit graph lower print punct space upper word xdigit", name);
  if (index < 0) return false;
  addClass(r, index, negated);
  return true;
}

function isDigit(c: i32): bool { return c >= 0x30 && c <= 0x39; }
function isAsciiLetter(c: i32): bool { return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a); }

// ---------------------------------------------------------------------------------------------------

/** Result of reading one escape: a single char (c >= 0), or a class (ranges), or an assertion. */
const enum EscKind { Char = 0, Class = 1, Assert = 2, Error = 3 }

class Parser {
  src: string;
  pos: i32 = 0;
  len: i32;
  fold: bool = false;
  error: string = "";
  errorPos: i32 = -1;
  // escape scratch
  escKind: EscKind = EscKind.Char;
  escChar: i32 = 0;
  escRanges: Array<i32> = new Array<i32>();
  escAssert: NodeKind = NodeKind.Empty;

  constructor(src: string) {
    this.src = src;
    this.len = src.length;
  }

  fail(at: i32, what: string): void {
    if (this.errorPos < 0) {
      this.errorPos = at;
      this.error = "at position " + decimal(at) + ": " + what;
    }
  }

  get failed(): bool { return this.errorPos >= 0; }

  peek(off: i32 = 0): i32 {
    const p = this.pos + off;
    return p < this.len ? this.src.charCodeAt(p) : -1;
  }

  // alternation := concat ('|' concat)*
  parseAlt(depth: i32): Node {
    const first = this.parseConcat(depth);
    if (this.failed || this.peek() != 0x7c /* | */) return first;
    const alt = new Node();
    alt.kind = NodeKind.Alt;
    alt.children.push(first);
    let size: i64 = first.size;
    while (!this.failed && this.peek() == 0x7c) {
      this.pos++;
      const b = this.parseConcat(depth);
      alt.children.push(b);
      size += <i64>b.size + 2; // one split + one jump per extra branch
    }
    alt.size = sat(size);
    return alt;
  }

  // concat := repeat*
  parseConcat(depth: i32): Node {
    const cat = new Node();
    cat.kind = NodeKind.Concat;
    let size: i64 = 0;
    while (!this.failed) {
      const c = this.peek();
      if (c < 0 || c == 0x7c /* | */ || c == 0x29 /* ) */) break;
      const atomPos = this.pos;
      const atom = this.parseAtom(depth);
      if (this.failed) break;
      const node = this.parseRepeats(atom, atomPos);
      if (this.failed) break;
      cat.children.push(node);
      size += node.size;
      if (size > <i64>(MAX_PROGRAM - 1)) { // leave room for the final match instruction
        this.fail(atomPos, "pattern too large: the compiled program would exceed " + decimal(MAX_PROGRAM) + " instructions");
        break;
      }
    }
    cat.size = sat(size);
    if (cat.children.length == 1) return cat.children[0];
    if (cat.children.length == 0) return Node.leaf(NodeKind.Empty, 0);
    return cat;
  }

  /** The decimal digits at `p` (the value saturates past 1,000,000); where they end goes to `countEnd`. */
  countEnd: i32 = 0;
  readCount(p: i32): i64 {
    let v: i64 = 0;
    while (p < this.len && isDigit(this.src.charCodeAt(p))) {
      if (v <= <i64>1000000) v = v * 10 + <i64>(this.src.charCodeAt(p) - 0x30);
      p++;
    }
    this.countEnd = p;
    return v;
  }

  /** Tries to read `{m}`, `{m,}`, `{m,n}` at pos; on success sets min/max and advances. */
  repMin: i32 = 0;
  repMax: i32 = 0;
  tryBraces(): bool {
    let p = this.pos;
    if (p >= this.len || this.src.charCodeAt(p) != 0x7b) return false;
    const m = this.readCount(p + 1);
    if (this.countEnd == p + 1) return false; // no digits
    p = this.countEnd;
    let n: i64 = m;
    if (p < this.len && this.src.charCodeAt(p) == 0x2c /* , */) {
      n = this.readCount(p + 1);
      if (this.countEnd == p + 1) n = -1; // `{m,}`
      p = this.countEnd;
    }
    if (p >= this.len || this.src.charCodeAt(p) != 0x7d /* } */) return false;
    this.repMin = m > <i64>(MAX_REPEAT + 1) ? MAX_REPEAT + 1 : <i32>m;
    this.repMax = n < 0 ? -1 : (n > <i64>(MAX_REPEAT + 1) ? MAX_REPEAT + 1 : <i32>n);
    this.pos = p + 1;
    return true;
  }

  parseRepeats(atom: Node, atomPos: i32): Node {
    let node = atom;
    let repeated = false;
    while (!this.failed) {
      const opPos = this.pos;
      const c = this.peek();
      let mn = 0, mx = 0;
      if (c == 0x2a /* * */) { mn = 0; mx = -1; this.pos++; }
      else if (c == 0x2b /* + */) { mn = 1; mx = -1; this.pos++; }
      else if (c == 0x3f /* ? */) { mn = 0; mx = 1; this.pos++; }
      else if (c == 0x7b /* { */ && this.tryBraces()) {
        mn = this.repMin; mx = this.repMax;
        if (mn > MAX_REPEAT || mx > MAX_REPEAT) {
          this.fail(opPos, "repetition count too large (at most " + decimal(MAX_REPEAT) + ")");
          return node;
        }
        if (mx != -1 && mx < mn) {
          this.fail(opPos, "invalid repetition range: max is below min");
          return node;
        }
      } else break;
      if (repeated) {
        this.fail(opPos, "repetition of a repetition: add a group, e.g. (?:a*)*");
        return node;
      }
      // non-greedy suffix: same language, so accepted and ignored (we only answer match / no match)
      if (this.peek() == 0x3f /* ? */) this.pos++;
      else if (this.peek() == 0x2b /* + */) {
        this.fail(this.pos, "possessive quantifiers are not supported");
        return node;
      }
      const r = new Node();
      r.kind = NodeKind.Repeat;
      r.min = mn;
      r.max = mx;
      r.children.push(node);
      r.size = repeatSize(node.size, mn, mx);
      if (r.size > MAX_PROGRAM - 1) {
        this.fail(opPos, "pattern too large: the compiled program would exceed " + decimal(MAX_PROGRAM) + " instructions");
        return node;
      }
      node = r;
      repeated = true;
    }
    return node;
  }

  parseAtom(depth: i32): Node {
    const start = this.pos;
    const c = this.peek();
    if (c == 0x28 /* ( */) return this.parseGroup(depth);
    if (c == 0x5b /* [ */) return this.parseClass();
    if (c == 0x2e /* . */) {
      this.pos++;
      return Node.leaf(NodeKind.Any, 0);
    }
    if (c == 0x5e /* ^ */) { this.pos++; return Node.leaf(NodeKind.BeginText, 0); }
    if (c == 0x24 /* $ */) { this.pos++; return Node.leaf(NodeKind.EndText, 0); }
    if (c == 0x2a || c == 0x2b || c == 0x3f) {
      this.fail(start, "missing argument to repetition operator " + charText(c));
      return Node.leaf(NodeKind.Empty, 0);
    }
    if (c == 0x7b /* { */) {
      const save = this.pos;
      if (this.tryBraces()) {
        this.pos = save;
        this.fail(start, "missing argument to repetition operator {");
        return Node.leaf(NodeKind.Empty, 0);
      }
      this.pos++;
      return this.charNode(c);
    }
    if (c == 0x5c /* \ */) {
      this.readEscape(false);
      if (this.failed) return Node.leaf(NodeKind.Empty, 0);
      if (this.escKind == EscKind.Char) return this.charNode(this.escChar);
      if (this.escKind == EscKind.Assert) return Node.leaf(this.escAssert, 0);
      return this.classNode(this.escRanges);
    }
    this.pos++;
    return this.charNode(c);
  }

  charNode(c: i32): Node {
    if (this.fold && isAsciiLetter(c)) return Node.leaf(NodeKind.CharFold, c | 0x20);
    return Node.leaf(NodeKind.Char, c);
  }

  classNode(ranges: Array<i32>): Node {
    let r = normalizeRanges(ranges);
    if (this.fold) r = foldRanges(r);
    const n = Node.leaf(NodeKind.Class, 0);
    n.ranges = r;
    return n;
  }

  parseGroup(depth: i32): Node {
    const open = this.pos;
    if (depth >= MAX_DEPTH) {
      this.fail(open, "groups nested too deeply (at most " + decimal(MAX_DEPTH) + ")");
      return Node.leaf(NodeKind.Empty, 0);
    }
    this.pos++; // (
    if (this.peek() == 0x3f /* ? */) {
      // `(?` and the one or two characters after it decide (checked in this order): `:` group, `=` `!`
      // lookahead, `<=` `<!` lookbehind, `>` atomic, `P<` `<` named group, `P=` `P>` `&` backreference, `#`
      // comment, anything else a flag group
      const c1 = this.peek(1), c2 = this.peek(2);
      if (c1 == 0x3a /* : */) {
        this.pos += 2;
      } else if (c1 == 0x3d /* = */ || c1 == 0x21 /* ! */) {
        this.fail(open, "lookahead is not supported");
        return Node.leaf(NodeKind.Empty, 0);
      } else if (c1 == 0x3c /* < */ && (c2 == 0x3d || c2 == 0x21)) {
        this.fail(open, "lookbehind is not supported");
        return Node.leaf(NodeKind.Empty, 0);
      } else if (c1 == 0x3e /* > */) {
        this.fail(open, "atomic groups are not supported");
        return Node.leaf(NodeKind.Empty, 0);
      } else if ((c1 == 0x50 /* P */ && c2 == 0x3c) || c1 == 0x3c) {
        // named group, as RE2: (?P<name>re) or (?<name>re); the name is checked and ignored
        this.pos += c1 == 0x50 ? 3 : 2;
        const nameStart = this.pos;
        while (true) {
          const d = this.peek();
          if (d == 0x5f || isDigit(d) || isAsciiLetter(d)) this.pos++;
          else break;
        }
        if (this.pos == nameStart || this.peek() != 0x3e /* > */) {
          this.fail(open, "invalid named group");
          return Node.leaf(NodeKind.Empty, 0);
        }
        this.pos++;
      } else if ((c1 == 0x50 /* P */ && (c2 == 0x3d || c2 == 0x3e)) || c1 == 0x26 /* & */) {
        this.fail(open, "backreferences are not supported");
        return Node.leaf(NodeKind.Empty, 0);
      } else if (c1 == 0x23 /* # */) {
        this.fail(open, "comments are not supported");
        return Node.leaf(NodeKind.Empty, 0);
      } else {
        this.fail(open, "flags are supported only as a leading (?i)");
        return Node.leaf(NodeKind.Empty, 0);
      }
    }
    const inner = this.parseAlt(depth + 1);
    if (this.failed) return inner;
    if (this.peek() != 0x29 /* ) */) {
      this.fail(open, "missing closing )");
      return inner;
    }
    this.pos++;
    return inner;
  }

  parseClass(): Node {
    const open = this.pos;
    this.pos++; // [
    let negated = false;
    if (this.peek() == 0x5e /* ^ */) { negated = true; this.pos++; }
    const r = new Array<i32>();
    let first = true;
    while (!this.failed) {
      const c = this.peek();
      if (c < 0) {
        this.fail(open, "missing closing ]");
        break;
      }
      if (c == 0x5d /* ] */ && !first) { this.pos++; break; }
      first = false;
      const itemPos = this.pos;
      // POSIX class [:name:] / [:^name:]
      if (c == 0x5b && this.peek(1) == 0x3a /* [: */) {
        // `[:` [^] letters `:]`; anything else leaves the `[` a literal (bounded scan, no search)
        let nameStart = this.pos + 2;
        let neg = false;
        if (nameStart < this.len && this.src.charCodeAt(nameStart) == 0x5e) { neg = true; nameStart++; }
        let end = nameStart;
        while (end < this.len && end - nameStart < 16 && isAsciiLetter(this.src.charCodeAt(end))) end++;
        if (end > nameStart && end + 1 < this.len && this.src.charCodeAt(end) == 0x3a && this.src.charCodeAt(end + 1) == 0x5d) {
          const name = this.src.substring(nameStart, end);
          if (!addPosix(r, name, neg)) {
            this.fail(itemPos, "unknown POSIX class [:" + name + ":]");
            break;
          }
          this.pos = end + 2;
          continue;
        }
      }
      const lo = this.classChar();
      if (this.failed) break;
      if (lo < 0) {
        // a \d-like class escape: merge its ranges
        const pc = this.pendingClass;
        if (pc) for (let i = 0; i < pc.length; i++) r.push(pc[i]);
        this.pendingClass = null;
        continue;
      }
      // range a-z (a '-' just before ']' is literal)
      if (this.peek() == 0x2d /* - */ && this.peek(1) != 0x5d && this.peek(1) >= 0) {
        this.pos++;
        const hiPos = this.pos;
        const hi = this.classChar();
        if (this.failed) break;
        if (hi < 0) {
          this.fail(hiPos, "invalid character class range: a class cannot end a range");
          break;
        }
        if (hi < lo) {
          this.fail(itemPos, "invalid character class range: " + charText(lo) + "-" + charText(hi));
          break;
        }
        addRange(r, lo, hi);
      } else {
        addRange(r, lo, lo);
      }
    }
    if (this.failed) return Node.leaf(NodeKind.Empty, 0);
    let ranges = normalizeRanges(r);
    if (this.fold) ranges = foldRanges(ranges);
    if (negated) ranges = negateRanges(ranges);
    const n = Node.leaf(NodeKind.Class, 0);
    n.ranges = ranges;
    return n;
  }

  /** One class member: returns the char, or -1 after adding a \d-like class into `r` via escRanges. */
  classChar(): i32 {
    const c = this.peek();
    if (c != 0x5c) {
      this.pos++;
      return c;
    }
    this.readEscape(true);
    if (this.failed) return 0;
    if (this.escKind == EscKind.Char) return this.escChar;
    // class escape inside brackets: the caller's array is not visible here, so stash and signal
    this.pendingClass = this.escRanges;
    return -1;
  }
  pendingClass: Array<i32> | null = null;

  /** Reads `\x` at pos. Sets escKind and escChar / escRanges / escAssert, or fails. */
  readEscape(inClass: bool): void {
    const at = this.pos;
    this.pos++; // backslash
    const c = this.peek();
    if (c < 0) {
      this.fail(at, "trailing backslash at end of pattern");
      return;
    }
    this.pos++;
    this.escKind = EscKind.Char;
    // punctuation (any ASCII non-alphanumeric) escapes itself
    if (c < 0x80 && !isDigit(c) && !isAsciiLetter(c)) { this.escChar = c; return; }
    if (c >= 0x31 && c <= 0x39) { this.fail(at, "backreferences are not supported"); return; }
    switch (c) {
      case 0x64: case 0x44: case 0x77: case 0x57: case 0x73: case 0x53: { // d D w W s S
        const lower = c | 0x20;
        const which = lower == 0x64 ? Perl.Digit : lower == 0x77 ? Perl.Word : Perl.Space;
        const r = new Array<i32>();
        addPerl(r, which, c != lower);
        this.escKind = EscKind.Class;
        this.escRanges = r;
        return;
      }
      case 0x74: this.escChar = 0x09; return; // \t
      case 0x6e: this.escChar = 0x0a; return; // \n
      case 0x72: this.escChar = 0x0d; return; // \r
      case 0x66: this.escChar = 0x0c; return; // \f
      case 0x76: this.escChar = 0x0b; return; // \v
      case 0x61: this.escChar = 0x07; return; // \a
      case 0x78: { // \xHH or \x{H...}
        if (this.peek() == 0x7b) {
          this.pos++;
          let v = 0, nd = 0;
          while (hexValue(this.peek()) >= 0) {
            v = v * 16 + hexValue(this.peek());
            if (v > MAX_CHAR) { this.fail(at, "escape \\x{…} above \\x{FFFF} is not supported"); return; }
            this.pos++; nd++;
          }
          if (nd == 0 || this.peek() != 0x7d) { this.fail(at, "invalid escape \\x{…}"); return; }
          this.pos++;
          this.escChar = v;
          return;
        }
        const h1 = hexValue(this.peek()), h2 = hexValue(this.peek(1));
        if (h1 < 0 || h2 < 0) { this.fail(at, "invalid escape \\x: expected two hex digits"); return; }
        this.pos += 2;
        this.escChar = h1 * 16 + h2;
        return;
      }
      case 0x62: case 0x42: case 0x41: case 0x7a: { // b B A z
        if (inClass) { this.fail(at, "invalid escape \\" + charText(c) + " inside a character class"); return; }
        this.escKind = EscKind.Assert;
        this.escAssert = c == 0x62 ? NodeKind.WordB : c == 0x42 ? NodeKind.NotWordB : c == 0x41 ? NodeKind.BeginText : NodeKind.EndText;
        return;
      }
      case 0x6b: case 0x67: // \k<name>, \g{1}
        this.fail(at, "backreferences are not supported");
        return;
      case 0x70: case 0x50: // \p{L}
        this.fail(at, "Unicode classes (\\p, \\P) are not supported");
        return;
      case 0x5a: // \Z
        this.fail(at, "\\Z is not supported; use $ or \\z");
        return;
      case 0x47: // \G
        this.fail(at, "\\G is not supported");
        return;
      case 0x51: case 0x45: // \Q \E
        this.fail(at, "\\Q…\\E quoting is not supported; escape each character");
        return;
      case 0x30: // \0
        this.fail(at, "octal escapes are not supported; use \\x00");
        return;
      default:
        this.fail(at, "invalid escape \\" + charText(c));
        return;
    }
  }
}

/** Parses a whole pattern. A leading `(?i)` makes it case-insensitive (ASCII letters). */
export function parse(source: string): ParseResult {
  const res = new ParseResult();
  if (source.length > MAX_SOURCE) {
    res.error = "at position " + decimal(MAX_SOURCE) + ": pattern too long (at most " + decimal(MAX_SOURCE) + " characters)";
    return res;
  }
  const p = new Parser(source);
  if (p.peek() == 0x28 /* ( */ && p.peek(1) == 0x3f /* ? */ && p.peek(2) == 0x69 /* i */ && p.peek(3) == 0x29 /* ) */) {
    p.fold = true;
    p.pos = 4;
  }
  const node = p.parseAlt(0);
  if (!p.failed && p.pos < p.len) {
    // only an unmatched ')' can stop parseAlt at depth 0
    p.fail(p.pos, "unmatched )");
  }
  if (!p.failed && node.size > MAX_PROGRAM - 1) {
    p.fail(0, "pattern too large: the compiled program would exceed " + decimal(MAX_PROGRAM) + " instructions");
  }
  if (p.failed) {
    res.error = p.error;
    return res;
  }
  res.node = node;
  res.foldCase = p.fold;
  return res;
}
