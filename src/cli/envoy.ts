// `cors-proxy-wasm envoy`: the filter in the pinned real Envoy (src/envoy), in front of the built-in echo upstream
// or --upstream. The listener comes from a file-based LDS file, so a reload (SIGHUP, --watch) is an LDS update:
// Envoy NACKs a configuration the filter rejects and keeps serving the previous one, as in production.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs, parseListen, parseUpstream, UsageError } from "./args.js";
import { defaultConfig, defaultWasm } from "./defaults.js";
import { STDIN, type Io } from "./io.js";
import { USAGE } from "./usage.js";
import { readConfig, reloadOnRequest } from "./common.js";
import { curlExamples, exampleOrigin } from "./serve.js";
import {
  bootstrap, ldsFile, locateEnvoy, parseLogLine, startEnvoy, writeAtomically, EnvoyExited, EnvoyNotFound,
  type Listener, type RunningEnvoy,
} from "../envoy/index.js";
import { startEchoUpstream, type EchoUpstream } from "../proxy/echo.js";

/** Open connections drain within this many seconds after a reload (Envoy's default, 600 s, suits production). */
const DRAIN_SECONDS = "5";
const QUIET_LEVELS = new Set(["trace", "debug", "info"]);

export async function runEnvoy(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, {
    values: ["config", "listen", "upstream", "admin", "concurrency", "wasm", "envoy", "route-name", "cluster-name"],
    flags: ["help", "watch"],
    positionals: 0,
  });
  if (a.flags.has("help")) {
    io.out(USAGE);
    return 0;
  }
  const listen = parseListen(a.values.get("listen") ?? "127.0.0.1:10000");
  const adminAt = parseListen(a.values.get("admin") ?? "127.0.0.1:9901");
  const concurrencyText = a.values.get("concurrency") ?? "1";
  if (!/^[1-9]\d{0,2}$/.test(concurrencyText)) throw new UsageError(`--concurrency: "${concurrencyText}" is not a number of worker threads (1-999)`);
  const upstreamText = a.values.get("upstream");
  const upstream = upstreamText === undefined ? undefined : parseUpstream(upstreamText);
  const wasm = resolve(a.values.get("wasm") ?? defaultWasm);
  if (!existsSync(wasm)) {
    io.err(`cors-proxy-wasm envoy: ${wasm} is missing (run \`make build\`, or give --wasm FILE)\n`);
    return 1;
  }
  const configPath = a.values.get("config") ?? defaultConfig;
  if (configPath === STDIN) throw new UsageError("envoy reads --config again on reload: give a file, not -");
  const cfg = await readConfig(configPath, io, "envoy");
  if (typeof cfg === "number") return cfg;
  let bin: string;
  try {
    bin = locateEnvoy(a.values.get("envoy"));
  } catch (e) {
    if (!(e instanceof EnvoyNotFound)) throw e;
    io.err(`cors-proxy-wasm envoy: ${e.message}\n`);
    return 1;
  }

  // What the filter logs reaches stderr as `[level] cors: …`. Every VM (the main thread's two and one per
  // worker, docs/config.md) logs the configuration's warnings and errors: each distinct line is shown once
  // per configuration. Envoy's own lines stay in its log; a rejection shows its reason.
  let shown = new Set<string>();
  let moduleErrors = 0;
  let wasmErrors: string[] = [];
  let refusal: string | null = null;
  const newGeneration = (): void => {
    shown = new Set();
    moduleErrors = 0;
    wasmErrors = [];
    refusal = null;
  };
  const onLogLine = (raw: string): void => {
    const l = parseLogLine(raw);
    if (l === null) return;
    if (l.module !== null) {
      const line = `[${l.level}] ${l.module}`;
      if (!QUIET_LEVELS.has(l.level)) {
        if (shown.has(line)) return;
        shown.add(line);
        if (l.level !== "warning") moduleErrors++;
      }
      io.err(`${line}\n`);
    } else if (l.component === "wasm" && l.level === "error") {
      wasmErrors.push(`[${l.level}] ${l.text}`);
    } else {
      const m = /^lds: listener '.*' config rejected: (.*)$/.exec(l.text);
      if (m) refusal = m[1];
    }
  };
  // Why Envoy refused the listener: the filter's own lines (already shown), or else Envoy's (a module that
  // does not load, a port in use).
  const rejection = (what: string): string => {
    if (moduleErrors > 0) return `Envoy rejected the configuration from ${what}`;
    for (const line of wasmErrors) io.err(`${line}\n`);
    return `Envoy refused the listener: ${refusal ?? "see its log"}`;
  };

  const routeName = a.values.get("route-name") ?? "";
  const clusterName = a.values.get("cluster-name") ?? "upstream";
  const workDir = mkdtempSync(join(tmpdir(), "cors-proxy-wasm-envoy-"));
  const ldsPath = join(workDir, "lds", "listeners.json"); // alone in its directory: Envoy watches the directory
  mkdirSync(dirname(ldsPath));
  let echo: EchoUpstream | null = null;
  let envoy: RunningEnvoy | null = null;
  const cleanUp = async (): Promise<void> => {
    await envoy?.stop();
    await echo?.close();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    if (upstream === undefined) echo = await startEchoUpstream();
    const target = upstream ?? { ...parseUpstream(echo!.url), tls: false };
    const listenerFor = (configuration: string): Listener => ({
      name: "main", host: listen.host, port: listen.port, cluster: clusterName, routeName, pathPrefix: target.pathPrefix,
      plugin: { wasm, configuration },
    });
    writeAtomically(ldsPath, JSON.stringify(ldsFile([listenerFor(cfg.config!)]), null, 1));
    try {
      envoy = await startEnvoy(
        bootstrap({ admin: adminAt, ldsPath, clusters: [{ name: clusterName, host: target.host, port: target.port, tls: target.tls }] }),
        { bin, workDir, concurrency: Number(concurrencyText), onLogLine, args: ["--drain-time-s", DRAIN_SECONDS] },
      );
    } catch (e) {
      if (!(e instanceof EnvoyExited)) throw e;
      // Envoy did not start at all (the admin address in use, a bootstrap it refuses): its own reasons
      const reasons = e.log.split("\n").map(parseLogLine).filter((l) => l !== null && (l.level === "critical" || l.level === "error"));
      for (const l of reasons) io.err(`[${l!.level}] ${l!.text}\n`);
      io.err(`cors-proxy-wasm envoy: ${e.message}\n`);
      await cleanUp();
      return 1;
    }
    const bound = (await envoy.listeners()).main;
    if (bound === undefined) {
      await new Promise((r) => setTimeout(r, 50)); // the last log lines
      io.err(`cors-proxy-wasm envoy: ${rejection(cfg.source)}\n`);
      await cleanUp();
      return 1;
    }
    const version = await envoy.version();
    const hostText = bound.host.includes(":") ? `[${bound.host}]` : bound.host;
    const url = `http://${hostText}:${bound.port}`;
    const admin = envoy.adminUrl;

    let stopping = false;
    let wake: () => void = () => {};
    const stopped = new Promise<void>((r) => (wake = r));
    const onSignal = (): void => {
      stopping = true;
      wake();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

    // SIGHUP (and --watch): the file again, as an LDS update; Envoy's verdict decides.
    const stopReloads = reloadOnRequest(configPath, a.flags.has("watch"), io, "envoy", async (next, why) => {
      newGeneration();
      const verdict = await envoy!.updateListeners(ldsPath, [listenerFor(next.config!)]);
      await new Promise((r) => setTimeout(r, 50)); // the last log lines
      if (verdict === "accepted") io.err(`reload (${why}): now serving ${next.source}\n`);
      else io.err(`reload (${why}): ${rejection(next.source)} (listener_manager.lds.update_rejected); kept the previous one\n`);
    });

    io.out(
      `listening on ${url} (Envoy ${version})\n` +
        `config: ${cfg.source}; upstream: ${upstreamText ?? "built-in echo"}; route: ${routeName || "(no name)"}; cluster: ${clusterName}` +
        `; workers: ${concurrencyText}\n` +
        `admin: ${admin} (the filter's counters: ${admin}/stats?filter=cors)\n` +
        curlExamples(url, exampleOrigin(cfg.config!)),
    );
    const outcome = await Promise.race([stopped.then(() => null), envoy.exited()]);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await stopReloads();
    if (outcome !== null && !stopping) {
      // Envoy ended without being asked to by us: a signal to its process group (Ctrl-C) stops both at once
      await new Promise((r) => setTimeout(r, 100));
      if (!stopping) {
        const last = envoy.log().split("\n").map(parseLogLine).filter((l) => l !== null && l.level === "critical");
        for (const l of last) io.err(`[critical] ${l!.text}\n`);
        io.err(`cors-proxy-wasm envoy: Envoy exited (${outcome.signal ?? `code ${outcome.code}`})\n`);
        await cleanUp();
        return 1;
      }
    }
    await cleanUp();
    return 0;
  } catch (e) {
    await cleanUp();
    throw e;
  }
}
