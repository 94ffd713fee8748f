// asc transform (asconfig.json "transform"): the string literals of the configuration-time layers (config/,
// json/, regex/parser.ts) are stored once as UTF-8 in one data blob instead of as UTF-16 static strings (2 bytes
// a character, a 20-byte header and a data segment each). Every such literal inside a function body or a
// variable's initializer (top-level constants: decoded once, at start) becomes
// `__cors_msg(offset << 10 | length)`, which decodes the text from the blob when the code runs: the same
// characters, a fresh string. Those layers only run in proxy_on_configure and their literals are error/warning
// texts and key names; the request path (filter/, abi/, rules/, compile/, regex/regex.ts) keeps its static
// strings. The source files are unchanged: the texts stay where they are read and edited. See docs/size.md.
import { Transform } from "assemblyscript/transform";
import { Node } from "assemblyscript";

/** Files whose literals move (normalized paths). */
const INCLUDE = /^assembly\/(config\/[^/]+|json\/[^/]+|regex\/parser)\.ts$/;
/** Literals shorter than this stay static strings (measured: 2 is the smallest module; docs/size.md). */
const MIN_CHARS = 2;
const LEN_BITS = 10;

const KIND_LITERAL = 17, KIND_FUNCTION_DECL = 56, KIND_METHOD_DECL = 59, KIND_VARIABLE_DECL = 62, KIND_DECORATOR = 63;
const LITERAL_STRING = 2;
const KIND_BINARY = 9, TOKEN_EQ = 76, TOKEN_NE = 77, TOKEN_NOT = 95; // Token.Equals_Equals, Exclamation_Equals, Exclamation

export default class Utf8Messages extends Transform {
  afterParse(parser) {
    const sites = []; // [literal node, setter]
    const eqSites = []; // [binary node, setter, literal node, other operand]
    const isString = (c) => c != null && typeof c === "object" && c.kind === KIND_LITERAL && c.literalKind === LITERAL_STRING;
    const visit = (node, inBody, seen) => {
      if (node == null || typeof node !== "object" || seen.has(node)) return;
      seen.add(node);
      if (Array.isArray(node)) { for (const n of node) visit(n, inBody, seen); return; }
      if (typeof node.kind !== "number" || !node.range) return;
      if (node.kind === KIND_DECORATOR) return; // @external("env", "name") etc. stay literal
      for (const key of Object.keys(node)) {
        if (key === "range" || key === "parent") continue;
        const child = node[key];
        const childInBody = inBody || ((node.kind === KIND_FUNCTION_DECL || node.kind === KIND_METHOD_DECL) && key === "body") ||
          (node.kind === KIND_VARIABLE_DECL && key === "initializer"); // top-level constants: decoded once, at start
        const check = (c, setter) => {
          if (childInBody && isString(c)) { sites.push([c, setter]); return; }
          if (childInBody && c && c.kind === KIND_BINARY && (c.operator === TOKEN_EQ || c.operator === TOKEN_NE)) {
            // `x == "text"` / `"text" != x` with an ASCII text: compared against the blob, nothing allocated.
            const lit = isString(c.right) ? c.right : isString(c.left) ? c.left : null;
            const other = lit === c.right ? c.left : c.right;
            if (lit !== null && !isString(other) && /^[\x00-\x7f]*$/.test(lit.value)) {
              eqSites.push([c, setter, lit, other]);
              visit(other, childInBody, seen);
              return;
            }
          }
          visit(c, childInBody, seen);
        };
        if (Array.isArray(child)) child.forEach((c, i) => check(c, (v) => { child[i] = v; }));
        else check(child, (v) => { node[key] = v; });
      }
    };
    for (const source of parser.sources) {
      if (!INCLUDE.test(source.normalizedPath)) continue;
      visit(source.statements, false, new Set());
    }
    // One blob; a text contained in an earlier (longer) one points into it.
    const texts = [...new Set(sites.map(([lit]) => lit.value).concat(eqSites.map(([, , lit]) => lit.value)))]
      .filter((s) => s.length >= MIN_CHARS && Buffer.from(s, "utf8").toString("utf8") === s)
      .sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
    let blob = Buffer.alloc(0);
    const where = new Map();
    for (const s of texts) {
      const bytes = Buffer.from(s, "utf8");
      if (bytes.length >= 1 << LEN_BITS) continue;
      let off = blob.indexOf(bytes);
      if (off < 0) { off = blob.length; blob = Buffer.concat([blob, bytes]); }
      where.set(s, off * (1 << LEN_BITS) + bytes.length);
    }
    if (where.size === 0) return;
    for (const [lit, set] of sites) {
      const packed = where.get(lit.value);
      if (packed === undefined) continue;
      const r = lit.range;
      set(Node.createCallExpression(
        Node.createIdentifierExpression("__cors_msg", r, false), null,
        [Node.createIntegerLiteralExpression(globalThis.i64_new(packed, 0), r)], r));
    }
    for (const [bin, set, lit, other] of eqSites) {
      const packed = where.get(lit.value);
      const r = bin.range;
      if (packed === undefined) { set(bin); continue; }
      let e = Node.createCallExpression(
        Node.createIdentifierExpression("__cors_eq", r, false), null,
        [other, Node.createIntegerLiteralExpression(globalThis.i64_new(packed, 0), r)], r);
      if (bin.operator === TOKEN_NE) e = Node.createUnaryPrefixExpression(TOKEN_NOT, e, r);
      set(e);
    }
    const text =
      "// generated by assembly/transform/utf8-messages.mjs\n" +
      "const __CORS_MSG_BLOB: usize = memory.data<u8>([" + Array.from(blob).join(",") + "]);\n" +
      "@global export function __cors_msg(packed: i32): string {\n" +
      "  return String.UTF8.decodeUnsafe(__CORS_MSG_BLOB + <usize>(packed >>> " + LEN_BITS + "), <usize>(packed & " + ((1 << LEN_BITS) - 1) + "));\n" +
      "}\n" +
      "// String.__eq(s, text) for an ASCII text: a null s is unequal; otherwise same length and code units.\n" +
      "@global export function __cors_eq(s: string | null, packed: i32): bool {\n" +
      "  if (changetype<usize>(s) == 0) return false;\n" +
      "  const n = <usize>(packed & " + ((1 << LEN_BITS) - 1) + ");\n" +
      "  if (<usize>changetype<string>(s).length != n) return false;\n" +
      "  const t = __CORS_MSG_BLOB + <usize>(packed >>> " + LEN_BITS + ");\n" +
      "  const u = changetype<usize>(s);\n" +
      "  for (let i: usize = 0; i < n; i++) if (<u32>load<u16>(u + (i << 1)) != <u32>load<u8>(t + i)) return false;\n" +
      "  return true;\n" +
      "}\n";
    parser.parseFile(text, "assembly/transform/__cors_messages.ts", false);
  }
}
