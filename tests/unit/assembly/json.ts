// Unit-test build of assembly/json (build/test/json.wasm), loaded by tests/unit/json.test.ts.
import { parseJson } from "../../../assembly/json/parser";
import { JsonKind, JsonValue } from "../../../assembly/json/value";

function hex4(c: i32): string {
  const h = "0123456789abcdef";
  return h.charAt((c >> 12) & 15) + h.charAt((c >> 8) & 15) + h.charAt((c >> 4) & 15) + h.charAt(c & 15);
}

function str(s: string): string {
  let out = "\"";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22) out += "\\\"";
    else if (c == 0x5c) out += "\\\\";
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += "\\u" + hex4(c);
  }
  return out + "\"";
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
      let out = "[";
      for (let i = 0; i < v.items.length; i++) { if (i > 0) out += ","; out += dump(v.items[i]); }
      return out + "]";
    }
    default: {
      let out = "{";
      for (let i = 0; i < v.members.length; i++) {
        if (i > 0) out += ",";
        out += str(v.members[i].key) + ":" + dump(v.members[i].value);
      }
      return out + "}";
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
