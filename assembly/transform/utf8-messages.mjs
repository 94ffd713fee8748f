// asc transform (asconfig.json "transform"): the string literals of the configuration-time layers (config/,
// json/, regex/parser.ts) are stored once as UTF-8 in one data blob instead of as UTF-16 static strings (2 bytes
// a character, a 20-byte header and a data segment each). Every such literal inside a function body or a
// variable's initializer (top-level constants: decoded once, at start) becomes
// `__cors_msg(offset << 8 | length)`, which decodes the text from the blob when the code runs: the same
// characters, a fresh string. Those layers only run in proxy_on_configure and their literals are error/warning
// texts and key names; the request path (filter/, abi/, rules/, compile/, regex/regex.ts) keeps its static
// strings. Two shapes get more than a decode: `x == "text"` (ASCII) compares x with the blob's bytes
// (`__cors_eq`), and a concatenation `a + "text" + b …` becomes one generated function per operand shape
// (`__cors_cat_SLS`) that allocates the result once. The source files are unchanged: the texts stay where they
// are read and edited. See docs/size.md.
import { Transform } from "assemblyscript/transform";
import { Node, NodeKind, LiteralKind, Token } from "assemblyscript";

/** Files whose literals move (normalized paths). */
const INCLUDE = /^assembly\/(config\/[^/]+|json\/[^/]+|regex\/parser)\.ts$/;
/** Literals shorter than this stay static strings (measured: 2 is the smallest module; docs/size.md). */
const MIN_CHARS = 2;
/** Length bits of the packed `offset << LEN_BITS | length` immediate: 8 (texts up to 255 bytes; a longer one stays a
 *  static string) keeps more immediates at 3 LEB128 bytes than 10 (measured, docs/size.md). */
const LEN_BITS = 8;

const KIND_LITERAL = NodeKind.Literal, KIND_FUNCTION_DECL = NodeKind.FunctionDeclaration;
const KIND_METHOD_DECL = NodeKind.MethodDeclaration, KIND_VARIABLE_DECL = NodeKind.VariableDeclaration;
const KIND_DECORATOR = NodeKind.Decorator, KIND_BINARY = NodeKind.Binary, LITERAL_STRING = LiteralKind.String;
const TOKEN_EQ = Token.Equals_Equals, TOKEN_NE = Token.Exclamation_Equals, TOKEN_NOT = Token.Exclamation, TOKEN_PLUS = Token.Plus;

export default class Utf8Messages extends Transform {
  afterParse(parser) {
    const sites = []; // [literal node, setter]
    const eqSites = []; // [binary node, setter, literal node, other operand]
    const catSites = []; // [outermost + node, setter, operands]
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
          if (childInBody && c && c.kind === KIND_BINARY && c.operator === TOKEN_PLUS) {
            // `a + "text" + b + …`: one call that allocates the result once (see catSites below).
            const ops = [];
            let e = c;
            while (e.kind === KIND_BINARY && e.operator === TOKEN_PLUS) { ops.unshift(e.right); e = e.left; }
            ops.unshift(e);
            if (ops.some(isString)) {
              catSites.push([c, setter, ops]);
              for (const o of ops) if (!isString(o)) visit(o, childInBody, seen);
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
    const ascii = (s) => /^[\x00-\x7f]*$/.test(s);
    const catTexts = new Set();
    for (const [, , ops] of catSites) for (const o of ops) if (isString(o) && ascii(o.value)) catTexts.add(o.value);
    const texts = [...new Set(sites.map(([lit]) => lit.value).concat(eqSites.map(([, , lit]) => lit.value)))]
      .filter((s) => s.length >= MIN_CHARS && Buffer.from(s, "utf8").toString("utf8") === s)
      .concat([...catTexts]) // any length: copied from the blob, never decoded on their own
      .filter((s, i, a) => a.indexOf(s) === i)
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
      const packed = lit.value.length >= MIN_CHARS ? where.get(lit.value) : undefined;
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
    const shapes = new Set();
    for (const [plus, set, ops] of catSites) {
      const r = plus.range;
      let shape = "";
      const args = ops.map((o) => {
        if (isString(o) && ascii(o.value) && where.has(o.value)) {
          shape += "L";
          return Node.createIntegerLiteralExpression(globalThis.i64_new(where.get(o.value), 0), o.range);
        }
        shape += "S";
        if (isString(o) && where.has(o.value)) { // non-ASCII text: decoded as a message
          return Node.createCallExpression(Node.createIdentifierExpression("__cors_msg", o.range, false), null,
            [Node.createIntegerLiteralExpression(globalThis.i64_new(where.get(o.value), 0), o.range)], o.range);
        }
        return o;
      });
      shapes.add(shape);
      set(Node.createCallExpression(Node.createIdentifierExpression("__cors_cat_" + shape, r, false), null, args, r));
    }
    const MASK = (1 << LEN_BITS) - 1;
    let cats =
      "// a + b + …, each operand a string (S) or a blob text (L): String.__concat's result, allocated once.\n" +
      "function __cors_put_s(p: usize, s: string): usize {\n" +
      "  const n = <usize>s.length << 1;\n" +
      "  memory.copy(p, changetype<usize>(s), n);\n" +
      "  return p + n;\n" +
      "}\n" +
      "function __cors_put_l(p: usize, packed: i32): usize {\n" +
      "  const t = __CORS_MSG_BLOB + <usize>(packed >>> " + LEN_BITS + ");\n" +
      "  const n = <usize>(packed & " + MASK + ");\n" +
      "  for (let i: usize = 0; i < n; i++) store<u16>(p + (i << 1), <u16>load<u8>(t + i));\n" +
      "  return p + (n << 1);\n" +
      "}\n";
    for (const shape of [...shapes].sort()) {
      const params = [...shape].map((k, i) => k === "L" ? `a${i}: i32` : `a${i}: string`).join(", ");
      const len = [...shape].map((k, i) => k === "L" ? `(a${i} & ${MASK})` : `a${i}.length`).join(" + ");
      cats +=
        `@global export function __cors_cat_${shape}(${params}): string {\n` +
        `  const n = ${len};\n` +
        `  if (n == 0) return "";\n` +
        `  const out = changetype<string>(__new(<usize>n << 1, idof<string>()));\n` +
        `  let p = changetype<usize>(out);\n` +
        [...shape].map((k, i) => k === "L" ? `  p = __cors_put_l(p, a${i});\n` : `  p = __cors_put_s(p, a${i});\n`).join("") +
        `  return out;\n` +
        `}\n`;
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
      "}\n" + cats;
    parser.parseFile(text, "assembly/transform/__cors_messages.ts", false);
  }
}
