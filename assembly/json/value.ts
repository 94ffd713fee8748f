// The value tree produced by the JSON parser (./parser.ts).

export const enum JsonKind { Null = 0, Bool = 1, Number = 2, String = 3, Array = 4, Object = 5 }

/** What a JSON number is, decided exactly from its decimal text (no rounding through f64). */
export class JsonNumber {
  /** The number exactly as written. */
  text: string = "";
  /** Value < 0 (a negative zero is not negative). */
  negative: bool = false;
  /** The value is a whole number (`3600`, `3600.0`, `3.6e3`, `-0`). */
  integral: bool = false;
  /** Integral and |value| <= 999999999999999999 (10^18 - 1): `intValue` holds it exactly. */
  fitsI64: bool = false;
  /** The exact value when `fitsI64` (negative when `negative`), else 0. */
  intValue: i64 = 0;
  /** Nearest double (may be ±Infinity for huge exponents); for display and non-integral uses only. Computed
   *  from `text` when read, so a module that never reads it does not link the standard library's strtod. */
  get f64Value(): f64 { return parseFloat(this.text); }
}

/** One member of an object; members are kept in document order, duplicates included. */
export class JsonMember {
  constructor(public key: string, public value: JsonValue, public keyOffset: i32) {}
}

/** The items and members of every value that is not an array or an object: one shared empty list each, never
 *  written (the parser gives each array and object its own list and is the only writer). Two allocations fewer
 *  per scalar value, and less module (docs/size.md). */
const NO_ITEMS = new Array<JsonValue>();
const NO_MEMBERS = new Array<JsonMember>();

export class JsonValue {
  kind: JsonKind = JsonKind.Null;
  /** Byte offset of the value's first byte in the input. */
  offset: i32 = 0;
  boolValue: bool = false;
  num: JsonNumber | null = null;
  str: string = "";
  items: Array<JsonValue> = NO_ITEMS;
  members: Array<JsonMember> = NO_MEMBERS;

  /** The first member with this key, or null. */
  get(key: string): JsonValue | null {
    const m = this.members;
    for (let i = 0, n = m.length; i < n; i++) {
      const member = unchecked(m[i]);
      if (member.key == key) return member.value;
    }
    return null;
  }

  /** How many members carry this key (objects may repeat keys; the config layer rejects that). */
  countKey(key: string): i32 {
    let c = 0;
    const m = this.members;
    for (let i = 0, n = m.length; i < n; i++) if (unchecked(m[i]).key == key) c++;
    return c;
  }

  isNull(): bool { return this.kind == JsonKind.Null; }
  isBool(): bool { return this.kind == JsonKind.Bool; }
  isNumber(): bool { return this.kind == JsonKind.Number; }
  isString(): bool { return this.kind == JsonKind.String; }
  isArray(): bool { return this.kind == JsonKind.Array; }
  isObject(): bool { return this.kind == JsonKind.Object; }
}

/** `null`, `boolean`, `number`, `string`, `array`, `object`: for messages ("got number"). */
export function kindName(kind: JsonKind): string {
  switch (kind) {
    case JsonKind.Null: return "null";
    case JsonKind.Bool: return "boolean";
    case JsonKind.Number: return "number";
    case JsonKind.String: return "string";
    case JsonKind.Array: return "array";
    default: return "object";
  }
}

export class JsonResult {
  value: JsonValue | null = null;
  /** "" when ok, else `at offset N: <what>`. */
  error: string = "";
  /** Byte offset of the error (-1 when ok). */
  errorOffset: i32 = -1;
}
