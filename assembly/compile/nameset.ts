// A case-insensitive set of names (header names, host labels) that is looked up with a slice of a request
// string, so the hot path never allocates a lower-cased copy (RFC 9110 §5.1: field names are
// case-insensitive). Open addressing, power-of-two table, load factor ≤ 1/2. Built once at configure time.

import { foldHash, equalsFolded, lowerSlice } from "../ascii";

export class NameSet {
  /** Lower-cased members, in insertion order (for the canonical dump). */
  readonly names: Array<string> = new Array<string>();
  private slots: StaticArray<i32> = new StaticArray<i32>(8); // index into names + 1; 0 = empty
  private hashes: StaticArray<u32> = new StaticArray<u32>(8);
  private mask: u32 = 7;

  get size(): i32 { return this.names.length; }

  /** Adds `name` (any case); returns false when it was already there. */
  add(name: string): bool {
    const h = foldHash(name, 0, name.length);
    if (this.find(name, 0, name.length, h) >= 0) return false;
    if (<u32>(this.names.length + 1) * 2 > this.mask + 1) this.grow();
    this.names.push(lowerSlice(name, 0, name.length));
    this.place(h, this.names.length);
    return true;
  }

  /** Whether `s[start, end)` is a member, ignoring ASCII case. */
  hasSlice(s: string, start: i32, end: i32): bool {
    if (this.names.length == 0) return false;
    return this.find(s, start, end, foldHash(s, start, end)) >= 0;
  }

  has(s: string): bool { return this.hasSlice(s, 0, s.length); }

  private find(s: string, start: i32, end: i32, h: u32): i32 {
    let i = h & this.mask;
    while (true) {
      const slot = unchecked(this.slots[i]);
      if (slot == 0) return -1;
      if (unchecked(this.hashes[i]) == h && equalsFolded(s, start, end, unchecked(this.names[slot - 1]))) return slot - 1;
      i = (i + 1) & this.mask;
    }
    return -1;
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
