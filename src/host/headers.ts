// Envoy's header map as a wasm filter sees it (host-facts.md §4.1):
// - keys lower-cased (Http::LowerCaseString), pseudo-headers kept before regular headers;
// - built from the wire by the codec: values trimmed of leading/trailing SP/HTAB; repeated lines of an Envoy
//   *inline* header (inline-headers.ts: the request and response lists Envoy 1.40 prints at startup) joined with
//   "," and empty lines left out of the join (HeaderMapImpl::insertByKey → appendToHeader); every other
//   repeated header kept as separate lines;
// - get → first line's value; replace → remove every line, then add one (setCopy); add → appended to an
//   inline header that is present (addCopy), else a new line; remove OK if absent.

import { INLINE_REQUEST_HEADERS, INLINE_RESPONSE_HEADERS } from "./inline-headers.js";
import { serializePairs } from "./memory.js";
import type { HeaderInput, HeaderList } from "./types.js";

export { INLINE_REQUEST_HEADERS, INLINE_RESPONSE_HEADERS };

/** appendToHeader: an empty value adds nothing; no "," after an empty value. */
function appendValue(current: string, value: string): string {
  if (value.length === 0) return current;
  return current.length === 0 ? value : current + "," + value;
}

export function lower(s: string): string {
  // fast path: most names are already lower-case ASCII
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 65 && c <= 90) return s.toLowerCase();
  }
  return s;
}

/** Codec whitespace trimming: leading/trailing SP and HTAB (RFC 9110 OWS), as Envoy's codecs do. */
export function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

export class HeaderMap {
  names: string[] = [];
  values: string[] = [];
  private pseudoEnd = 0; // number of leading pseudo-header lines

  /** `inline`: the map type's inline headers (INLINE_REQUEST_HEADERS or INLINE_RESPONSE_HEADERS). */
  constructor(readonly inline: ReadonlySet<string> = INLINE_REQUEST_HEADERS) {}

  get size(): number {
    return this.names.length;
  }

  /** Builds a map as Envoy's codec hands it to filters (a request map unless `inline` says otherwise). */
  static fromWire(lines: HeaderList, inline: ReadonlySet<string> = INLINE_REQUEST_HEADERS): HeaderMap {
    const m = new HeaderMap(inline);
    const names = m.names;
    const values = m.values;
    let pseudo = 0;
    for (let k = 0; k < lines.length; k++) {
      const name = lower(lines[k][0]);
      const value = trimOws(lines[k][1]);
      if (inline.has(name)) {
        const at = m.indexOf(name);
        if (at >= 0) {
          values[at] = appendValue(values[at], value);
          continue;
        }
      }
      if (name.charCodeAt(0) === 58 /* : */ && pseudo !== names.length) {
        names.splice(pseudo, 0, name);
        values.splice(pseudo, 0, value);
        pseudo++;
      } else {
        if (name.charCodeAt(0) === 58) pseudo++;
        names.push(name);
        values.push(value);
      }
    }
    m.pseudoEnd = pseudo;
    return m;
  }

  indexOf(name: string): number {
    const names = this.names;
    for (let k = 0; k < names.length; k++) if (names[k] === name) return k;
    return -1;
  }

  /** First line's value (name must be lower-case), or null. */
  get(name: string): string | null {
    const at = this.indexOf(name);
    return at < 0 ? null : this.values[at];
  }

  private push(name: string, value: string): void {
    if (name.length > 0 && name.charCodeAt(0) === 58 /* : */) {
      this.names.splice(this.pseudoEnd, 0, name);
      this.values.splice(this.pseudoEnd, 0, value);
      this.pseudoEnd++;
    } else {
      this.names.push(name);
      this.values.push(value);
    }
  }

  /** addCopy: an inline header that is present gets the value appended (appendToHeader); others get a new line. */
  add(name: string, value: string): void {
    name = lower(name);
    if (this.inline.has(name)) {
      const at = this.indexOf(name);
      if (at >= 0) {
        this.values[at] = appendValue(this.values[at], value);
        return;
      }
    }
    this.push(name, value);
  }

  remove(name: string): void {
    name = lower(name);
    for (let k = this.names.length - 1; k >= 0; k--) {
      if (this.names[k] === name) {
        this.names.splice(k, 1);
        this.values.splice(k, 1);
        if (k < this.pseudoEnd) this.pseudoEnd--;
      }
    }
  }

  /** setCopy: remove every line of the key, then add one. */
  replace(name: string, value: string): void {
    name = lower(name);
    this.remove(name);
    this.push(name, value);
  }

  clear(): void {
    this.names.length = 0;
    this.values.length = 0;
    this.pseudoEnd = 0;
  }

  /** Envoy byteSize(): sum of key and value lengths. */
  byteSize(): number {
    let n = 0;
    for (let k = 0; k < this.names.length; k++) n += this.names[k].length + this.values[k].length;
    return n;
  }

  serialize(): Buffer {
    return serializePairs(this.names, this.values, this.names.length);
  }

  list(withPseudo = true): HeaderList {
    const out: HeaderList = [];
    for (let k = withPseudo ? 0 : this.pseudoEnd; k < this.names.length; k++) out.push([this.names[k], this.values[k]]);
    return out;
  }

  clone(): HeaderMap {
    const m = new HeaderMap(this.inline);
    m.names = this.names.slice();
    m.values = this.values.slice();
    m.pseudoEnd = this.pseudoEnd;
    return m;
  }
}

/** name → string | string[] (or a HeaderList) → lines; an array value is several field lines. */
export function toHeaderList(input: HeaderInput | undefined): HeaderList {
  if (!input) return [];
  if (Array.isArray(input)) return input.map(([n, v]) => [n, v] as [string, string]);
  const out: HeaderList = [];
  for (const [name, value] of Object.entries(input)) {
    if (Array.isArray(value)) for (const v of value) out.push([name, v]);
    else out.push([name, value]);
  }
  return out;
}
