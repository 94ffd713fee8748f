// Shared by serve / check / explain / envoy: read a configuration file (any supported format), load the filter,
// and watch for reloads.
import { watch } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { configFromText, loadConfigFile, ManifestError, type LoadedConfig } from "../platforms/read.js";
import { loadFilter, FilterLoadError, type LoadedFilter } from "../proxy/filter.js";
import { STDIN, type Io } from "./io.js";

export interface Prepared {
  config: LoadedConfig;
  filter: LoadedFilter;
}

/** Read the config file (`-`: standard input); on failure print why and return the exit status instead. */
export async function readConfig(path: string, io: Io, command: string): Promise<LoadedConfig | number> {
  try {
    const cfg = path === STDIN ? configFromText(await io.stdin(), "stdin") : loadConfigFile(resolve(path));
    for (const n of cfg.notes) io.err(`note: ${n}\n`);
    if (cfg.config === null) {
      io.err(`cors-proxy-wasm ${command}: ${cfg.source}: the plugin would not be pushed (defaultConfigDisable with no enabled match rule); nothing to run\n`);
      return 1;
    }
    return cfg;
  } catch (e) {
    if (e instanceof ManifestError) {
      io.err(`cors-proxy-wasm ${command}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

export async function prepare(
  opts: {
    wasm: string;
    config: string;
    routeName?: string;
    clusterName?: string;
    logger?: (level: number, message: string, prefix?: string) => void;
  },
  io: Io,
  command: string,
): Promise<LoadedFilter | number> {
  try {
    return await loadFilter({
      wasmPath: resolve(opts.wasm),
      config: opts.config,
      routeName: opts.routeName,
      clusterName: opts.clusterName,
      logger: opts.logger,
    });
  } catch (e) {
    if (e instanceof FilterLoadError) {
      io.err(`cors-proxy-wasm ${command}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** Reloads on SIGHUP and, with `watchFile`, when the configuration file changes (debounced): reads the file again
 *  and hands it to `apply`, one reload at a time. Whatever goes wrong leaves the running configuration in place
 *  and says so on stderr, as a rejected update does in Envoy. Returns the function that stops listening and waits
 *  for a reload under way. */
export function reloadOnRequest(
  configPath: string,
  watchFile: boolean,
  io: Io,
  command: string,
  apply: (next: LoadedConfig, why: string) => Promise<void>,
): () => Promise<void> {
  let reloading = Promise.resolve();
  const reload = (why: string): void => {
    reloading = reloading.then(async () => {
      try {
        const next = await readConfig(configPath, io, command);
        if (typeof next === "number") io.err(`reload (${why}): kept the previous configuration\n`);
        else await apply(next, why);
      } catch (e) {
        io.err(`reload (${why}): ${(e as Error).message}; kept the previous configuration\n`);
      }
    });
  };
  const onHup = (): void => reload("SIGHUP");
  process.on("SIGHUP", onHup);
  let stopWatching = (): void => {};
  if (watchFile) {
    const abs = resolve(configPath);
    let timer: NodeJS.Timeout | null = null;
    // the directory, not the file: editors replace files (rename), which ends a watch on the file itself
    const watcher = watch(dirname(abs), (_event, name) => {
      if (name !== null && name !== basename(abs)) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => reload("file changed"), 150);
    });
    stopWatching = () => {
      if (timer) clearTimeout(timer);
      watcher.close();
    };
  }
  return async () => {
    process.off("SIGHUP", onHup);
    stopWatching();
    await reloading;
  };
}
