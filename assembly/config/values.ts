// Small typed readers over JSON values that report a wrong type with the key path.

import { JsonKind, JsonValue, kindName } from "../json/value";
import { Diagnostics, indexPath, quote } from "./messages";

/** `string "true"`, `number 1.5`, `null`, `array`, `object`, `boolean true`: what was found, for messages. */
export function describeValue(v: JsonValue): string {
  switch (v.kind) {
    case JsonKind.Null: return "null";
    case JsonKind.Bool: return v.boolValue ? "boolean true" : "boolean false";
    case JsonKind.Number: {
      const num = v.num; // set on every number (json/parser.ts); tested instead of asserted with `!`
      return num !== null ? "number " + num.text : "number";
    }
    case JsonKind.String: return "string " + quote(v.str);
    default: return kindName(v.kind);
  }
}

/** The string elements of an array, `values[k]` at index `at[k]` of the array (wrong-typed elements are reported
 *  and left out); `complete` when every element was a string. */
export class StringList {
  values: Array<string> = new Array<string>();
  at: Array<i32> = new Array<i32>();
  complete: bool = true;
}

/** null (reported) when `v` is not an array; otherwise its strings, non-strings reported at `path[i]`. */
export function readStringList(v: JsonValue, path: string, diag: Diagnostics): StringList | null {
  if (v.kind != JsonKind.Array) {
    diag.error(path, "must be an array of strings, got " + describeValue(v) + (v.kind == JsonKind.String ? "; write [" + quote(v.str) + "]" : ""));
    return null;
  }
  const out = new StringList();
  for (let i = 0; i < v.items.length; i++) {
    const item = v.items[i];
    if (item.kind == JsonKind.String) {
      out.values.push(item.str);
      out.at.push(i);
    } else {
      diag.error(indexPath(path, i), "must be a string, got " + describeValue(item));
      out.complete = false;
    }
  }
  return out;
}

export class BoolRead {
  ok: bool = false;
  value: bool = false;
}

export function readBool(v: JsonValue, path: string, diag: Diagnostics): BoolRead {
  const r = new BoolRead();
  if (v.kind == JsonKind.Bool) {
    r.ok = true;
    r.value = v.boolValue;
  } else {
    diag.error(path, "must be true or false, got " + describeValue(v));
  }
  return r;
}

/** A string that must be one of two words: 0 for `first`, 1 for `second`, -1 (and an error) otherwise. */
export function readChoice(v: JsonValue, path: string, first: string, second: string, diag: Diagnostics): i32 {
  if (v.kind == JsonKind.String) {
    if (v.str == first) return 0;
    if (v.str == second) return 1;
  }
  diag.error(path, "must be " + quoteWord(first) + " or " + quoteWord(second) + ", got " + describeValue(v));
  return -1;
}

function quoteWord(w: string): string {
  return "\"" + w + "\"";
}
