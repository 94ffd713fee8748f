// RFC 9110 §5.6.2 token: 1*tchar; tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_"
// / "`" / "|" / "~" / DIGIT / ALPHA. Method names (§9.1) and field names (§5.1) are tokens.

import { charAt, charText, isTchar } from "../ascii";

export function isToken(s: string): bool {
  const n = s.length;
  if (n == 0) return false;
  for (let i = 0; i < n; i++) if (!isTchar(charAt(s, i))) return false;
  return true;
}

/** Why `s` is not a token, for messages ("" when it is one). */
export function tokenProblem(s: string): string {
  const n = s.length;
  if (n == 0) return "is empty";
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (isTchar(<u32>c)) continue;
    if (c == 0x2c) return "contains a comma: list each name as its own array entry";
    if (c == 0x20 || c == 0x09) return "contains whitespace: list each name as its own array entry, without spaces";
    if (c < 0x20 || c == 0x7f) return "contains a control character";
    if (c >= 0x80) return "contains a non-ASCII character";
    return "contains '" + charText(c) + "', which is not allowed in a token";
  }
  return "";
}
