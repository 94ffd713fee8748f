// Seeded pseudo-random generators for the fuzz-style tests: a run is reproducible from its seed. The only
// place tests get pseudo-random numbers from (none uses Math.random).

/** mulberry32: floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** xorshift32: unsigned 32-bit integers. */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

/**
 * An LCG with rand()'s constants, x → (x·1103515245 + 12345) >>> 0 in double arithmetic (the product rounds
 * above 2^53, so it is not C's sequence — but it is the one these tests have always drawn): successive states.
 */
export function lcg32(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (x * 1103515245 + 12345) >>> 0);
}

// sfc32 seeded through splitmix32 (the robustness tests: one stream per generator name and case index).

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = splitmix32(seed);
    this.b = splitmix32(this.a);
    this.c = splitmix32(this.b);
    this.d = splitmix32(this.c);
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** The PRNG of case `i` of generator `stream` under the base seed: each case replays on its own. */
  static derive(seed: number, stream: string, i: number): Rng {
    return new Rng(splitmix32(seed ^ hashString(stream)) ^ splitmix32(i * 0x27d4eb2d + 1));
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** 0 ≤ x < n. */
  int(n: number): number {
    return n <= 1 ? 0 : Math.floor((this.u32() / 4294967296) * n);
  }

  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  /** n chars, each a byte 0x00–0xFF (one char per byte, as the host hands header values). */
  bytes(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.int(256));
    return s;
  }

  /** n chars drawn from `alphabet`. */
  from(alphabet: string, n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }

  /** A length biased toward small values but reaching `max`. */
  len(max: number): number {
    const r = this.int(4);
    if (r === 0) return this.int(Math.min(4, max + 1));
    if (r === 1) return this.int(Math.min(24, max + 1));
    if (r === 2) return this.int(Math.min(200, max + 1));
    return this.int(max + 1);
  }
}
