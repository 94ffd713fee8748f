// The one ASCII helper module of every AssemblyScript layer (json, config, compile, rules, filter): character
// classes and case folding. Strings hold one char per byte (docs/ARCHITECTURE.md "Conventions"), so every
// test here is a plain ASCII test on a UTF-16 code unit. It imports nothing, so any layer may use it.

/** The code unit at `i`; callers have checked `0 <= i < s.length`. */
// @ts-ignore: decorator
@inline export function charAt(s: string, i: i32): u32 {
  return <u32>load<u16>(changetype<usize>(s) + (<usize>i << 1));
}

/** ASCII lower-case of one code unit (RFC 9110 §5.1: field names are case-insensitive; RFC 3986 §3.1/§3.2.2:
 *  scheme and host are case-insensitive). */
// @ts-ignore: decorator
@inline export function lower(c: u32): u32 {
  return c - 65 < 26 ? c | 32 : c;
}

/** RFC 9110 §5.6.3 OWS: SP / HTAB. */
// @ts-ignore: decorator
@inline export function isOws(c: u32): bool { return c == 32 || c == 9; }

// @ts-ignore: decorator
@inline export function isDigit(c: u32): bool { return c - 48 < 10; }

// @ts-ignore: decorator
@inline export function isAlpha(c: u32): bool { return (c | 32) - 97 < 26; }

/** Lower-case hex digit of `d` (0–15). */
// @ts-ignore: decorator
@inline export function hexDigit(d: u32): u16 { return <u16>(d < 10 ? 48 + d : 87 + d); }

/** `v` in decimal, as `v.toString()` writes it. Every number the module formats goes through here: the standard
 *  library's `toString` links its any-radix formatter, whose digit table and messages stay in the data section
 *  (docs/size.md). */
export function decimal(v: i32): string {
  const negative = v < 0;
  const magnitude: u32 = negative ? <u32>0 - <u32>v : <u32>v;
  let digits = 1;
  for (let rest = magnitude; rest >= 10; rest /= 10) digits++;
  const len = negative ? digits + 1 : digits;
  const out = changetype<string>(__new(<usize>len << 1, idof<string>()));
  if (negative) store<u16>(changetype<usize>(out), 0x2d);
  let rest = magnitude;
  for (let k = len - 1; k >= len - digits; k--) {
    store<u16>(changetype<usize>(out) + (<usize>k << 1), <u16>(0x30 + rest % 10));
    rest /= 10;
  }
  return out;
}

/** The one-unit string of `c`, as `String.fromCharCode(c)` (whose optional surrogate argument makes every call
 *  site go through a varargs wrapper). */
export function charText(c: i32): string {
  const out = changetype<string>(__new(2, idof<string>()));
  store<u16>(changetype<usize>(out), <u16>c);
  return out;
}

/** The last index `<= from` of the code unit `c` in `s`, or -1 (`s.lastIndexOf(char, from)` for a one-unit
 *  search, without the standard library's general search and its varargs wrapper). */
export function lastIndexOfChar(s: string, c: u32, from: i32): i32 {
  for (let i = min(from, s.length - 1); i >= 0; i--) if (charAt(s, i) == c) return i;
  return -1;
}

/** The `index`-th space-separated word of `text` (a list of names kept as one text: one static string instead of
 *  one per name, docs/size.md). */
export function wordAt(text: string, index: i32): string {
  let start = 0;
  for (let k = 0; k < index; k++) start = text.indexOf(" ", start) + 1;
  const end = text.indexOf(" ", start);
  return text.substring(start, end < 0 ? text.length : end);
}

/** The index of `word` among the space-separated words of `text`, or -1. */
export function wordIndex(text: string, word: string): i32 {
  let index = 0, start = 0;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    if (i == n || charAt(text, i) == 0x20) {
      if (i - start == word.length && regionEquals(text, start, word, 0, i - start)) return index;
      index++;
      start = i + 1;
    }
  }
  return -1;
}

/** The value of the hex digit `c` (either case), or -1. */
export function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** RFC 9110 §5.6.2 tchar: "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
 *  / DIGIT / ALPHA. */
export function isTchar(c: u32): bool {
  if (isAlpha(c) || isDigit(c)) return true;
  switch (c) {
    case 33: case 35: case 36: case 37: case 38: case 39: case 42: case 43:
    case 45: case 46: case 94: case 95: case 96: case 124: case 126: return true;
  }
  return false;
}

/** FNV-1a over `s[start, end)`, ASCII case folded: the same hash for `X-Foo` and `x-foo`, no allocation. */
export function foldHash(s: string, start: i32, end: i32): u32 {
  let h: u32 = 2166136261;
  for (let i = start; i < end; i++) {
    h = (h ^ lower(charAt(s, i))) * 16777619;
  }
  return h;
}

/** `s[start, end)` equals `lowerName` (already lower case) ignoring ASCII case in `s`. */
export function equalsFolded(s: string, start: i32, end: i32, lowerName: string): bool {
  const n = end - start;
  if (n != lowerName.length) return false;
  for (let i = 0; i < n; i++) {
    if (lower(charAt(s, start + i)) != charAt(lowerName, i)) return false;
  }
  return true;
}

/** `a[aFrom, aFrom + n)` equals `b[bFrom, bFrom + n)` ignoring ASCII case; both ranges in bounds. */
export function regionEqualsFolded(a: string, aFrom: i32, b: string, bFrom: i32, n: i32): bool {
  for (let i = 0; i < n; i++) {
    if (lower(charAt(a, aFrom + i)) != lower(charAt(b, bFrom + i))) return false;
  }
  return true;
}

/** `a[aFrom, aFrom + n)` equals `b[bFrom, bFrom + n)` code unit for code unit; both ranges in bounds. */
export function regionEquals(a: string, aFrom: i32, b: string, bFrom: i32, n: i32): bool {
  for (let i = 0; i < n; i++) {
    if (charAt(a, aFrom + i) != charAt(b, bFrom + i)) return false;
  }
  return true;
}

/** ASCII lower case of `s[start, end)` (a new string only when something changes or a slice is asked for). */
export function lowerSlice(s: string, start: i32, end: i32): string {
  let changed = false;
  for (let i = start; i < end; i++) {
    if (charAt(s, i) - 65 < 26) { changed = true; break; }
  }
  if (!changed) return start == 0 && end == s.length ? s : s.substring(start, end);
  const n = end - start;
  const out = changetype<string>(__new(<usize>n << 1, idof<string>()));
  for (let i = 0; i < n; i++) {
    store<u16>(changetype<usize>(out) + (<usize>i << 1), <u16>lower(charAt(s, start + i)));
  }
  return out;
}

/** ASCII lower case of the whole string (`s` itself when nothing changes). */
export function asciiLower(s: string): string {
  return lowerSlice(s, 0, s.length);
}

/** ASCII upper case of the whole string (`s` itself when nothing changes). */
export function asciiUpper(s: string): string {
  const n = s.length;
  let changed = false;
  for (let i = 0; i < n; i++) {
    if (charAt(s, i) - 97 < 26) { changed = true; break; }
  }
  if (!changed) return s;
  const out = changetype<string>(__new(<usize>n << 1, idof<string>()));
  for (let i = 0; i < n; i++) {
    const c = charAt(s, i);
    store<u16>(changetype<usize>(out) + (<usize>i << 1), <u16>(c - 97 < 26 ? c - 32 : c));
  }
  return out;
}
