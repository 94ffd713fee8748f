// The `debug: true` decision line (docs/ARCHITECTURE.md; parsed by the CLI's `explain`):
// decision kind=<k> verdict=<v> reason=<r> origin="<value>"[ mode=report_only]
// Built only when debug is on: no per-request string work otherwise.

import { Decision, kindName, verdictName, reasonName } from "./decision";
import { charAt, hexDigit } from "../ascii";

export function decisionLine(d: Decision, reportOnly: bool): string {
  const origin = d.origin;
  let s = "decision kind=" + kindName(d.kind) + " verdict=" + verdictName(d.verdict) +
    " reason=" + reasonName(d.reason) + " origin=\"" + (origin === null ? "" : quote(origin)) + "\"";
  if (reportOnly) s += " mode=report_only";
  return s;
}

/** Escapes `"`, `\` and anything outside printable ASCII as \xHH, so a hostile Origin cannot forge log
 *  lines. Bounded: at most the first 2048 chars (the Origin bound, spec §3), written in one allocation. */
function quote(v: string): string {
  const n = v.length < 2048 ? v.length : 2048;
  let len = 0;
  for (let i = 0; i < n; i++) len += needsEscape(charAt(v, i)) ? 4 : 1;
  const more = v.length > n;
  if (len == n && !more) return v;
  const out = changetype<string>(__new(<usize>(len + (more ? 3 : 0)) << 1, idof<string>()));
  let at = changetype<usize>(out);
  for (let i = 0; i < n; i++) {
    const c = charAt(v, i);
    if (needsEscape(c)) {
      store<u16>(at, 0x5c);
      store<u16>(at, 0x78, 2);
      store<u16>(at, hexDigit((c >> 4) & 15), 4);
      store<u16>(at, hexDigit(c & 15), 6);
      at += 8;
    } else {
      store<u16>(at, <u16>c);
      at += 2;
    }
  }
  if (more) for (let k = 0; k < 3; k++) { store<u16>(at, 0x2e); at += 2; }
  return out;
}

// @ts-ignore: decorator
@inline function needsEscape(c: u32): bool { return c < 0x20 || c > 0x7e || c == 0x22 || c == 0x5c; }
