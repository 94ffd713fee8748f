// A set of names (configured origins, methods, header names, JSON keys) that can be looked up with a slice of
// a request string, so the hot path never allocates a copy. Case-insensitive by default (RFC 9110 §5.1: field
// names are case-insensitive), exact when built with `foldCase = false`; the hash folds case either way (equal
// strings hash alike). Open addressing, power-of-two table, load factor ≤ 1/2. It is the module's one string-keyed
// table: the configuration layer uses it for its duplicate checks, Policy for its lookups (no Map<string, …>
// instantiation and its string hash: docs/size.md). It lives in config/ so both layers can import it
// (compile/nameset.ts re-exports it for the request path).

import { equalsFolded, foldHash, lowerSlice, regionEquals } from "../ascii";

export class NameSet {
  /** The members in insertion order (lower-cased when folding case): `indexOf` answers an index into it. */
  readonly names: Array<string> = new Array<string>();
  private slots: StaticArray<i32> = new StaticArray<i32>(8); // index into names + 1; 0 = empty
  private hashes: StaticArray<u32> = new StaticArray<u32>(8);
  private mask: u32 = 7;

  constructor(readonly foldCase: bool = true) {}

  get size(): i32 { return this.names.length; }

  /** Adds `name` (any case); returns false when it was already there. */
  add(name: string): bool {
    const h = foldHash(name, 0, name.length);
    if (this.find(name, 0, name.length, h) >= 0) return false;
    if (<u32>(this.names.length + 1) * 2 > this.mask + 1) this.grow();
    this.names.push(this.foldCase ? lowerSlice(name, 0, name.length) : name);
    this.place(h, this.names.length);
    return true;
  }

  /** Whether `s[start, end)` is a member (ignoring ASCII case when folding). */
  hasSlice(s: string, start: i32, end: i32): bool {
    if (this.names.length == 0) return false;
    return this.find(s, start, end, foldHash(s, start, end)) >= 0;
  }

  has(s: string): bool { return this.hasSlice(s, 0, s.length); }

  /** The index of `s` in `names`, or -1. */
  indexOf(s: string): i32 {
    if (this.names.length == 0) return -1;
    return this.find(s, 0, s.length, foldHash(s, 0, s.length));
  }

  private find(s: string, start: i32, end: i32, h: u32): i32 {
    let i = h & this.mask;
    while (true) {
      const slot = unchecked(this.slots[i]);
      if (slot == 0) return -1;
      if (unchecked(this.hashes[i]) == h && this.same(s, start, end, unchecked(this.names[slot - 1]))) return slot - 1;
      i = (i + 1) & this.mask;
    }
    return -1;
  }

  private same(s: string, start: i32, end: i32, name: string): bool {
    if (this.foldCase) return equalsFolded(s, start, end, name);
    return end - start == name.length && regionEquals(s, start, name, 0, end - start);
  }

  private place(h: u32, slot: i32): void {
    let i = h & this.mask;
    while (unchecked(this.slots[i]) != 0) i = (i + 1) & this.mask;
    unchecked(this.slots[i] = slot);
    unchecked(this.hashes[i] = h);
  }

  private grow(): void {
    const size = (this.mask + 1) << 1;
    this.slots = new StaticArray<i32>(size);
    this.hashes = new StaticArray<u32>(size);
    this.mask = size - 1;
    for (let k = 0; k < this.names.length; k++) {
      const name = this.names[k];
      this.place(foldHash(name, 0, name.length), k + 1);
    }
  }
}
