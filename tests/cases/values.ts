// Request values the robustness tests and the bench both build (tests/robustness, tests/cases/hostile.ts →
// bench/run.ts). Kept apart from tests/robustness/harness.ts: loading that file wraps the host's local-reply
// path for its own checks, which the bench must not time.

/** An allowed origin of the robustness configurations and the hostile kinds. */
export const A = "https://a.example.com";

/** A syntactically valid origin of exactly `len` bytes: scheme://aaa…(labels of ≤ 60)…suffix. */
export function originOfLength(len: number, scheme = "https", suffix = ".example.com"): string {
  const head = `${scheme}://`;
  let fill = len - head.length - suffix.length;
  if (fill < 1) throw new Error(`originOfLength: ${len} is too short`);
  let host = "";
  while (fill > 0) {
    // a label of up to 60 'a', then a dot (never leave a dangling dot before the suffix)
    const take = Math.min(60, fill);
    if (take === fill || fill - take >= 2) {
      host += "a".repeat(take);
      fill -= take;
      if (fill > 0) { host += "."; fill--; }
    } else {
      host += "a".repeat(take - 2);
      fill -= take - 2;
    }
  }
  const o = head + host + suffix;
  if (o.length !== len) throw new Error(`originOfLength: built ${o.length}, wanted ${len}`);
  return o;
}

/** An ACRH value of `elements` comma-separated elements (the first `empties` empty) padded to `bytes`. */
export function acrhOf(elements: number, bytes: number, names: readonly string[] = ["x-a"], empties = 0): string {
  const parts: string[] = [];
  for (let i = 0; i < elements; i++) parts.push(i < empties ? "" : names[i % names.length]);
  let s = parts.join(",");
  // pad the last element with token chars (a header name may be long); it stays a token. When the
  // elements alone are longer than `bytes`, the value is just the elements.
  const pad = bytes - s.length;
  if (pad > 0) {
    if (elements === 0) throw new Error("acrhOf: cannot pad zero elements");
    s += "x".repeat(pad);
  }
  return s;
}
