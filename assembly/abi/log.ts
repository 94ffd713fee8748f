// Logging through proxy_log (UTF-8). The host's status is ignored: logging never fails the caller.

import { proxy_log } from "./imports";
import { LogLevel } from "./types";
import { outBuffer, utf8Length, writeUtf8 } from "./bytes";

export function log(level: LogLevel, message: string): void {
  const size = utf8Length(message);
  const out = outBuffer(size);
  const p = changetype<usize>(out);
  writeUtf8(message, p);
  proxy_log(<u32>level, p, size);
}
