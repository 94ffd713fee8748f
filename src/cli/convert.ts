// `cors-proxy-wasm convert [--from SOURCE] FILE|- [--format json|yaml]` (docs/convert.md): the converted
// configuration on stdout, one line per difference (and any error) on stderr; exit 0 converted, 1 error.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { parseArgs, UsageError } from "./args.js";
import { defaultWasm } from "./defaults.js";
import { STDIN, type Io } from "./io.js";
import { USAGE } from "./usage.js";
import { convertText, differenceLine, ParseError, SOURCES, type Source } from "../convert/index.js";
import { validateConfig } from "../convert/check.js";
import { readWasm } from "../proxy/filter.js";

export async function runConvert(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, { values: ["from", "format", "wasm"], flags: ["help"], positionals: 1 });
  if (a.flags.has("help")) {
    io.out(USAGE);
    return 0;
  }
  const file = a.positionals[0];
  if (file === undefined) throw new UsageError("convert needs a FILE (or - for standard input)");
  const from = a.values.get("from");
  if (from !== undefined && !(SOURCES as readonly string[]).includes(from)) {
    throw new UsageError(`--from must be one of ${SOURCES.join(", ")}, got "${from}"`);
  }
  const format = a.values.get("format") ?? "json";
  if (format !== "json" && format !== "yaml") throw new UsageError(`--format must be json or yaml, got "${format}"`);
  let text: string;
  try {
    text = file === STDIN ? await io.stdin() : readFileSync(file, "utf8");
  } catch (e) {
    io.err(`cors-proxy-wasm convert: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return 1;
  }
  let result;
  try {
    result = convertText(text, { from: from as Source | undefined, fileName: file === "-" ? "stdin" : file });
  } catch (e) {
    if (e instanceof ParseError) {
      io.err(`cors-proxy-wasm convert: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  for (const n of result.notes) io.err(`note: ${n}\n`);
  for (const d of result.differences) io.err(`${differenceLine(d, result.source)}\n`);
  for (const e of result.errors) io.err(`error: ${e.path === "" ? "(file)" : e.path}: ${e.message}\n`);
  if (result.errors.length > 0) return 1;
  const wasm = readWasm(a.values.get("wasm") ?? defaultWasm);
  let failed = false;
  for (const c of result.configs) {
    const v = await validateConfig(wasm, c.config);
    const where = result.configs.length > 1 ? ` (${c.source})` : "";
    for (const w of v.warnings) io.err(`warning${where}: ${w}\n`);
    for (const e of v.errors) io.err(`error${where}: the converted configuration is rejected: ${e}\n`);
    if (!v.accepted) failed = true;
  }
  if (failed) return 1;
  const configs = result.configs.map((c) => c.config);
  if (configs.length > 1) io.err(`note: ${configs.length} configurations, one per filter instance: ${result.configs.map((c) => c.source).join("; ")}\n`);
  if (format === "yaml") {
    const docs = configs.map((c, i) => `# from ${result.configs[i].source}\n${yaml.dump(c, { lineWidth: -1 }).replace(/\n?$/, "\n")}`);
    io.out(docs.join("---\n"));
  } else {
    io.out(`${JSON.stringify(configs.length === 1 ? configs[0] : configs, null, 2)}\n`);
  }
  return 0;
}
