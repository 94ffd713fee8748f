// RFC 9110 §5.6.2 token: 1*tchar; tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_"
// / "`" / "|" / "~" / DIGIT / ALPHA. Method names (§9.1) and field names (§5.1) are tokens.

export function isTchar(c: i32): bool {
  if (c >= 0x61 && c <= 0x7a) return true; // a-z
  if (c >= 0x41 && c <= 0x5a) return true; // A-Z
  if (c >= 0x30 && c <= 0x39) return true; // 0-9
  switch (c) {
    case 0x21: case 0x23: case 0x24: case 0x25: case 0x26: case 0x27: case 0x2a: case 0x2b:
    case 0x2d: case 0x2e: case 0x5e: case 0x5f: case 0x60: case 0x7c: case 0x7e:
      return true;
  }
  return false;
}

export function isToken(s: string): bool {
  const n = s.length;
  if (n == 0) return false;
  for (let i = 0; i < n; i++) if (!isTchar(s.charCodeAt(i))) return false;
  return true;
}

/** Why `s` is not a token, for messages ("" when it is one). */
export function tokenProblem(s: string): string {
  const n = s.length;
  if (n == 0) return "is empty";
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (isTchar(c)) continue;
    if (c == 0x2c) return "contains a comma: list each name as its own array entry";
    if (c == 0x20 || c == 0x09) return "contains whitespace: list each name as its own array entry, without spaces";
    if (c < 0x20 || c == 0x7f) return "contains a control character";
    if (c >= 0x80) return "contains a non-ASCII character";
    return "contains '" + String.fromCharCode(c) + "', which is not allowed in a token";
  }
  return "";
}
