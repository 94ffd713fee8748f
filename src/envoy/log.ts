// Reading Envoy's log (its default format, `[%Y-%m-%d %T.%e][%t][%l][%n] [%g:%#] %v`):
//   [2026-12-07 14:45:40.045][22721][error][wasm] [source/extensions/common/wasm/context.cc:1157] wasm log cors: cors: allow_origins[0]: …
// A module's own lines (proxy_log) are the `wasm` component's lines whose text starts with `wasm log`, followed
// by the plugin's name and `: `, then what the module logged.

export interface EnvoyLogLine {
  level: string;
  /** Envoy's logger name: main, config, upstream, wasm, … */
  component: string;
  /** The text after the source location. */
  text: string;
  /** For a module's own line (proxy_log): the text after `wasm log ` — `PLUGIN: message`; otherwise null. */
  module: string | null;
}

const LINE = /^\[[^\]]*\]\[\d+\]\[(\w+)\]\[([\w.-]+)\] \[[^\]]*\] (.*)$/;

export function parseLogLine(line: string): EnvoyLogLine | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const [, level, component, text] = m;
  const module = component === "wasm" && text.startsWith("wasm log ") ? text.slice("wasm log ".length) : null;
  return { level, component, text, module };
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
