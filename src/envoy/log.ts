// Reading Envoy's log (its default format, `[%Y-%m-%d %T.%e][%t][%l][%n] [%g:%#] %v`):
//   [2026-12-07 14:45:40.045][22721][error][wasm] [source/extensions/common/wasm/context.cc:1157] wasm log cors: allow_origins[0]: …
// A module's own lines (proxy_log) are the `wasm` component's lines `wasm log<prefix>: <message>`: the prefix is
// ` <plugin name> <root id> <vm id>` for a stream context, ` <root id> <vm id>` for a root context, empty parts
// left out, and nothing at all while the VM's start function runs (`wasm log: _initialize`; docs/host-facts.md
// §10 "Log prefix").

export interface EnvoyLogLine {
  level: string;
  /** Envoy's logger name: main, config, upstream, wasm, … */
  component: string;
  /** The text after the source location. */
  text: string;
  /** For a module's own line (proxy_log): `PREFIX: message`, or the message alone when the prefix is empty;
   *  otherwise null. */
  module: string | null;
  /** For a module's own line: Envoy's prefix without its leading space ("" for a line logged while the VM starts),
   *  and what the module logged; otherwise null. */
  prefix: string | null;
  message: string | null;
}

const LINE = /^\[[^\]]*\]\[\d+\]\[(\w+)\]\[([\w.-]+)\] \[[^\]]*\] (.*)$/;
const MODULE_TEXT = /^wasm log(?: ([^:]*))?: (.*)$/;

export function parseLogLine(line: string): EnvoyLogLine | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const [, level, component, text] = m;
  const own = component === "wasm" ? MODULE_TEXT.exec(text) : null;
  if (own === null) return { level, component, text, module: null, prefix: null, message: null };
  const prefix = own[1] ?? "";
  const message = own[2];
  return { level, component, text, module: prefix === "" ? message : `${prefix}: ${message}`, prefix, message };
}

/** The module's own lines in a log, as `[level] PLUGIN: message` (at `levels`, default all). */
export function moduleLines(log: string, levels?: string[]): string[] {
  const out: string[] = [];
  for (const raw of log.split("\n")) {
    const l = parseLogLine(raw);
    if (l?.module != null && (levels === undefined || levels.includes(l.level))) out.push(`[${l.level}] ${l.module}`);
  }
  return out;
}
