// `cors-proxy-wasm render PLATFORM --config FILE`: the file that runs the filter on a platform (src/platforms).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { parseArgs, UsageError } from "./args.js";
import { STDIN, type Io } from "./io.js";
import { RENDER_USAGE } from "./usage.js";
import { isPlatform, parseConfigText, PLATFORMS, readConfigFile, render } from "../platforms/index.js";

/** The path as written in headers: relative to the working directory when inside it, with `/`. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const abs = resolve(cwd, path);
  const rel = relative(cwd, abs);
  const shown = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : abs;
  return shown.split("\\").join("/");
}

/** Exit status 0 written, 1 a configuration no platform can carry (RenderError, via main), 2 usage. */
export async function runRender(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, {
    values: ["config", "out", "name", "namespace", "image", "wasm", "upstream"],
    flags: ["help"],
    positionals: 1,
  });
  if (a.flags.has("help")) {
    io.out(RENDER_USAGE);
    return 0;
  }
  const platform = a.positionals[0];
  if (platform === undefined) throw new UsageError(`which platform? (one of: ${PLATFORMS.join(", ")})`);
  if (!isPlatform(platform)) throw new UsageError(`unknown platform "${platform}" (one of: ${PLATFORMS.join(", ")})`);
  const configPath = a.values.get("config");
  if (configPath === undefined) throw new UsageError("--config FILE is required");
  const fromStdin = configPath === STDIN;
  const config = fromStdin ? parseConfigText(await io.stdin(), "stdin") : readConfigFile(configPath);
  const text = render(platform, config, {
    // the header names the file to edit; standard input has none
    source: fromStdin ? undefined : displayPath(configPath),
    name: a.values.get("name"),
    namespace: a.values.get("namespace"),
    image: a.values.get("image"),
    wasmPath: a.values.get("wasm"),
    upstream: a.values.get("upstream"),
  });
  const out = a.values.get("out");
  if (out === undefined || out === "-") io.out(text);
  else {
    mkdirSync(dirname(resolve(out)), { recursive: true });
    writeFileSync(out, text);
    io.err(`wrote ${out}\n`);
  }
  return 0;
}
