// Property helper (`proxy_get_property`): the path's segments are joined with \0.

import { proxy_get_property } from "./imports";
import { RET_PTR, RET_SIZE, clearReturned, takeReturned } from "./memory";
import { outBuffer, utf8Length, writeUtf8, readUtf8 } from "./bytes";

/** The raw bytes of a property; null on NotFound or any other error. */
export function getPropertyBytes(path: Array<string>): ArrayBuffer | null {
  const parts = path.length;
  let size: usize = 0;
  for (let i = 0; i < parts; ++i) size += utf8Length(unchecked(path[i])) + (i > 0 ? 1 : 0);
  const out = outBuffer(size);
  const p = changetype<usize>(out);
  let at = p;
  for (let i = 0; i < parts; ++i) {
    if (i > 0) store<u8>(at++, 0);
    at += writeUtf8(unchecked(path[i]), at);
  }
  clearReturned();
  const st = proxy_get_property(p, size, RET_PTR, RET_SIZE);
  return takeReturned(st);
}

/** A string property (decoded as UTF-8: route and cluster names, plugin_root_id); null on NotFound or any error. */
export function getProperty(path: Array<string>): string | null {
  const bytes = getPropertyBytes(path);
  if (bytes === null) return null;
  return readUtf8(changetype<usize>(bytes), <usize>bytes.byteLength);
}
