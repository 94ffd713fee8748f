// Shared by serve / check / explain: read a configuration file (any supported format) and load the filter.
import { resolve } from "node:path";
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
