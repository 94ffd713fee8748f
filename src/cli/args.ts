// A small, strict option parser: `--name value`, `--name=value`, repeatable options, positionals.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface OptionSpec {
  /** Options taking a value. */
  values: string[];
  /** Options that may be repeated (collected in order). Must also be listed in `values`. */
  repeat?: string[];
  /** Boolean flags. */
  flags?: string[];
  /** Maximum number of positionals. */
  positionals?: number;
}

export interface Parsed {
  values: Map<string, string>;
  lists: Map<string, string[]>;
  flags: Set<string>;
  positionals: string[];
}

export function parseArgs(argv: string[], spec: OptionSpec): Parsed {
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  const repeat = new Set(spec.repeat ?? []);
  const valueOpts = new Set(spec.values);
  const flagOpts = new Set(spec.flags ?? []);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (flagOpts.has(name)) {
        if (eq >= 0) throw new UsageError(`--${name} takes no value`);
        flags.add(name);
        continue;
      }
      if (!valueOpts.has(name)) throw new UsageError(`unknown option --${name}`);
      let value: string;
      if (eq >= 0) value = a.slice(eq + 1);
      else {
        if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
        value = argv[++i];
      }
      if (repeat.has(name)) {
        const l = lists.get(name) ?? [];
        l.push(value);
        lists.set(name, l);
      } else {
        if (values.has(name)) throw new UsageError(`--${name} given twice`);
        values.set(name, value);
      }
      continue;
    }
    if (a.startsWith("-") && a !== "-") {
      if (a === "-h") {
        flags.add("help");
        continue;
      }
      throw new UsageError(`unknown option ${a}`);
    }
    positionals.push(a);
  }
  if (spec.positionals !== undefined && positionals.length > spec.positionals) {
    throw new UsageError(`unexpected argument ${positionals[spec.positionals]}`);
  }
  return { values, lists, flags, positionals };
}

/** `HOST:PORT`, `[v6]:PORT`, `:PORT` or `PORT`. */
export function parseListen(s: string): { host: string; port: number } {
  let host = "127.0.0.1";
  let portText = s;
  const m6 = /^\[([^\]]+)\]:(\d+)$/.exec(s);
  if (m6) {
    host = m6[1];
    portText = m6[2];
  } else if (s.includes(":")) {
    const i = s.lastIndexOf(":");
    host = s.slice(0, i) || "127.0.0.1";
    portText = s.slice(i + 1);
  }
  if (!/^\d+$/.test(portText)) throw new UsageError(`--listen: bad port in "${s}" (want HOST:PORT)`);
  const port = Number(portText);
  if (port > 65535) throw new UsageError(`--listen: port ${port} is out of range`);
  return { host, port };
}

/** `--upstream URL` (http:// or https://) → the host, port, TLS and a path prefix ending in "/" (none for "/"). */
export function parseUpstream(text: string): { host: string; port: number; tls: boolean; pathPrefix?: string } {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`--upstream: "${text}" is not a URL (want http://HOST:PORT)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new UsageError(`--upstream must be http:// or https://`);
  const tls = u.protocol === "https:";
  const path = u.pathname === "/" ? undefined : u.pathname.endsWith("/") ? u.pathname : `${u.pathname}/`;
  return { host: u.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(u.port || (tls ? 443 : 80)), tls, pathPrefix: path };
}
