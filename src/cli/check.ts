// `cors-proxy-wasm check FILE`
import { parseArgs, UsageError } from "./args.js";
import { defaultWasm } from "./defaults.js";
import type { Io } from "./io.js";
import { USAGE } from "./usage.js";
import { prepare, readConfig } from "./common.js";

export async function runCheck(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, {
    values: ["wasm", "route-name", "cluster-name", "config"],
    flags: ["help"],
    positionals: 1,
  });
  if (a.flags.has("help")) {
    io.out(USAGE);
    return 0;
  }
  const file = a.positionals[0] ?? a.values.get("config");
  if (file === undefined) throw new UsageError("check needs a FILE");
  const cfg = await readConfig(file, io, "check");
  if (typeof cfg === "number") return cfg;
  const loaded = await prepare(
    {
      wasm: a.values.get("wasm") ?? defaultWasm,
      config: cfg.config!,
      routeName: a.values.get("route-name"),
      clusterName: a.values.get("cluster-name"),
    },
    io,
    "check",
  );
  if (typeof loaded === "number") return loaded;
  if (loaded.host === null) {
    for (const line of loaded.errors) io.err(`${line}\n`);
    io.err(`cors-proxy-wasm check: the module could not be loaded\n`);
    return 1;
  }
  if (!loaded.accepted) {
    for (const line of loaded.errors) io.out(`${line}\n`);
    return 1;
  }
  io.out("ok\n");
  for (const w of loaded.warnings) io.out(`warning: ${w}\n`);
  return 0;
}
