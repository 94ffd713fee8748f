// Unit-test build of assembly/json (build/test/json.wasm), loaded by tests/unit/json.test.ts.
import { parseJson } from "../../../assembly/json/parser";
import { JsonKind, JsonValue } from "../../../assembly/json/value";

function hex4(c: i32): string {
  const h = "0123456789abcdef";
  return h.charAt((c >> 12) & 15) + h.charAt((c >> 8) & 15) + h.charAt((c >> 4) & 15) + h.charAt(c & 15);
}

function str(s: string): string {
  // Plain runs are copied with substring (a per-character `+=` would be quadratic on long strings).
  const parts = new Array<string>();
  parts.push("\"");
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c != 0x22 && c != 0x5c) continue;
    if (i > run) parts.push(s.substring(run, i));
    if (c == 0x22) parts.push("\\\"");
    else if (c == 0x5c) parts.push("\\\\");
    else parts.push("\\u" + hex4(c));
    run = i + 1;
  }
  if (s.length > run) parts.push(s.substring(run));
  parts.push("\"");
  return parts.join("");
}

/** A canonical text of the tree: numbers as `num(text|int=N|frac|big)`, members in order (duplicates kept). */
function dump(v: JsonValue): string {
  switch (v.kind) {
    case JsonKind.Null: return "null";
    case JsonKind.Bool: return v.boolValue ? "true" : "false";
    case JsonKind.Number: {
      const n = v.num!;
      let cls: string;
      if (!n.integral) cls = "frac";
      else if (n.fitsI64) cls = "int=" + n.intValue.toString();
      else cls = n.negative ? "-big" : "big";
      return "num(" + n.text + "|" + cls + ")";
    }
    case JsonKind.String: return str(v.str);
    case JsonKind.Array: {
      const parts = new Array<string>(v.items.length);
      for (let i = 0; i < v.items.length; i++) parts[i] = dump(v.items[i]);
      return "[" + parts.join(",") + "]";
    }
    default: {
      const parts = new Array<string>(v.members.length);
      for (let i = 0; i < v.members.length; i++) parts[i] = str(v.members[i].key) + ":" + dump(v.members[i].value);
      return "{" + parts.join(",") + "}";
    }
  }
}

/** The canonical dump, or "error " + the error ("at offset N: …"). */
export function parseJsonReport(bytes: ArrayBuffer): string {
  const r = parseJson(bytes);
  const v = r.value;
  if (v === null) return "error " + r.error;
  return dump(v);
}

export function parseJsonText(text: string): string {
  return parseJsonReport(String.UTF8.encode(text));
}
