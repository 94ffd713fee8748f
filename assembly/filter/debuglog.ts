// The `debug: true` decision line (docs/ARCHITECTURE.md; parsed by the CLI's `explain`):
// cors: decision kind=<k> verdict=<v> reason=<r> origin="<value>"[ mode=report_only]
// Built only when debug is on: no per-request string work otherwise.

import { Decision, kindName, verdictName, reasonName } from "./decision";
import { charAt } from "../compile/chars";

export function decisionLine(d: Decision, reportOnly: bool): string {
  const origin = d.origin;
  let s = "cors: decision kind=" + kindName(d.kind) + " verdict=" + verdictName(d.verdict) +
    " reason=" + reasonName(d.reason) + " origin=\"" + (origin === null ? "" : quote(origin)) + "\"";
  if (reportOnly) s += " mode=report_only";
  return s;
}

/** Escapes `"`, `\` and anything outside printable ASCII as \xHH, so a hostile Origin cannot forge log
 *  lines. Bounded: at most the first 2048 chars (the Origin bound, spec §3). */
function quote(v: string): string {
  let clean = v.length <= 2048;
  for (let i = 0; clean && i < v.length; i++) {
    const c = charAt(v, i);
    if (c < 0x20 || c > 0x7e || c == 0x22 || c == 0x5c) clean = false;
  }
  if (clean) return v;
  const n = v.length < 2048 ? v.length : 2048;
  let out = "";
  for (let i = 0; i < n; i++) {
    const c = charAt(v, i);
    if (c < 0x20 || c > 0x7e || c == 0x22 || c == 0x5c) {
      out += "\\x" + (c < 16 ? "0" : "") + (c & 0xff).toString(16);
    } else out += String.fromCharCode(c);
  }
  if (v.length > n) out += "...";
  return out;
}
