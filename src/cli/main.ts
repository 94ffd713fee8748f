// `cors-proxy-wasm` — the command users touch first.
//   serve    the dev proxy: the real .wasm in front of an upstream
//   check    run a configuration through the filter's own proxy_on_configure
//   explain  what the filter decides for one request, and the exact headers it sends
//   render / oci  deployment helpers (src/deploy)
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs, parseListen, UsageError } from "./args.js";
import { runServe } from "./serve.js";
import { runCheck } from "./check.js";
import { runExplain } from "./explain.js";
import { runConvert } from "./convert.js";

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const defaultIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

/** The package root (dist/src/cli/main.js → ../../..). */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const defaultWasm = join(packageRoot, "build", "cors.wasm");
export const defaultConfig = join(packageRoot, "examples", "cors.json");

export const USAGE = `Usage: cors-proxy-wasm <command> [options]

Commands:
  serve [--config FILE] [--listen HOST:PORT] [--upstream URL] [--wasm FILE]
        [--route-name NAME] [--cluster-name NAME] [--tls-cert FILE --tls-key FILE] [--watch]
        [--admin HOST:PORT]
      Run the dev proxy: every request goes through the real filter (build/cors.wasm) in an
      Envoy-faithful proxy-wasm host, then to the upstream (default: a built-in echo server that
      returns the request it saw as JSON). Defaults: --config examples/cors.json,
      --listen 127.0.0.1:10000 (port 0 = any free port), --wasm build/cors.wasm.
      SIGHUP (or, with --watch, saving the file) reloads the configuration; a rejected one
      leaves the running configuration in place, as Envoy does. --admin serves the filter's
      metrics as Envoy's admin does (/stats, /stats?format=json, /stats/prometheus, /ready).
  check FILE [--wasm FILE] [--route-name NAME] [--cluster-name NAME]
      Run FILE through the filter's own proxy_on_configure: prints "ok" (and warnings) or every
      error; exit status 0 / 1.
  explain [--config FILE] [--origin O] [--method M] [--acrm M] [--acrh H] [--path P] [--host H]
          [--header 'name: value']... [--scheme http|https] [--wasm FILE]
          [--route-name NAME] [--cluster-name NAME]
          [--upstream-status N] [--upstream-header 'name: value']...
      Run one request through the real filter (with debug on) and print the decision (kind,
      verdict, reason) and the exact response headers the filter sends (for a forwarded request:
      on the upstream's response, by default a bare 200). --acrm without --method: OPTIONS.
  convert [--from kong|krakend|apisix|envoy|istio|ingress-nginx|higress] FILE|- [--format json|yaml]
      Translate another gateway's own CORS configuration into this filter's (stdout), naming
      every behaviour difference on stderr (docs/convert.md); exit 0 converted, 1 an error.
  render ...   Render deployment files (see docs/cli.md).
  oci ...      Build an OCI image of the plugin (see docs/cli.md).
  help         This text.

--config FILE accepts the filter's JSON, YAML of the same, a Higress WasmPlugin
(extensions.higress.io/v1alpha1: defaultConfig + matchRules become _rules_ as the Higress
controller does), an Istio WasmPlugin (pluginConfig), an Envoy bootstrap (the
envoy.filters.http.wasm filter's configuration) or an Envoy Gateway EnvoyExtensionPolicy
(spec.wasm[].config). YAML files may hold several documents.
`;

async function runDeploy(command: "render" | "oci", argv: string[], io: Io): Promise<number> {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [command, "index", "cli"].map((n) => join(here, "..", "deploy", `${n}.js`));
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (e) {
      io.err(`cors-proxy-wasm ${command}: cannot load src/deploy: ${(e as Error).message}\n`);
      return 1;
    }
    const cap = command[0].toUpperCase() + command.slice(1);
    for (const name of [`${command}Command`, `run${cap}`, `${command}Main`]) {
      const fn = mod[name];
      if (typeof fn === "function") {
        const r = await (fn as (argv: string[]) => unknown)(argv);
        return typeof r === "number" ? r : 0;
      }
    }
    if (typeof mod.main === "function") {
      const r = await (mod.main as (argv: string[]) => unknown)([command, ...argv]);
      return typeof r === "number" ? r : 0;
    }
  }
  io.err(`cors-proxy-wasm ${command}: not available yet\n`);
  return 1;
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        io.err(USAGE);
        return 2;
      case "help":
      case "--help":
      case "-h":
        io.out(USAGE);
        return 0;
      case "serve":
        return await runServe(rest, io);
      case "check":
        return await runCheck(rest, io);
      case "explain":
        return await runExplain(rest, io);
      case "convert":
        return await runConvert(rest, io);
      case "render":
      case "oci":
        return await runDeploy(command, rest, io);
      default:
        io.err(`cors-proxy-wasm: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cors-proxy-wasm ${command}: ${e.message}\n(see cors-proxy-wasm --help)\n`);
      return 2;
    }
    io.err(`cors-proxy-wasm ${command}: ${(e as Error).message ?? e}\n`);
    return 1;
  }
}

export { parseArgs, parseListen };
