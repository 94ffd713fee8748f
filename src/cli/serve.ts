// `cors-proxy-wasm serve`
import { readFileSync } from "node:fs";
import { parseArgs, parseListen, parseUpstream, UsageError } from "./args.js";
import { defaultConfig, defaultWasm } from "./defaults.js";
import { STDIN, type Io } from "./io.js";
import { USAGE } from "./usage.js";
import { prepare, readConfig, reloadOnRequest } from "./common.js";
import { LogLevelNames, type ProxyWasmHost } from "../host/index.js";
import { startProxy, type RunningProxy } from "../proxy/server.js";
import { startAdmin, type RunningAdmin } from "../proxy/admin.js";
import { envoyLogText } from "../proxy/filter.js";

/** An origin the configuration allows, for the printed curl examples. */
export function exampleOrigin(config: string): string {
  try {
    const c = JSON.parse(config) as Record<string, unknown>;
    const pick = (o: unknown): string | undefined => {
      if (o === null || typeof o !== "object") return undefined;
      const list = (o as Record<string, unknown>).allow_origins;
      if (Array.isArray(list)) {
        const s = list.find((x) => typeof x === "string" && x !== "*" && x !== "null");
        if (typeof s === "string") return s.replace(/\/$/, "");
      }
      return undefined;
    };
    const direct = pick(c);
    if (direct) return direct;
    if (Array.isArray(c._rules_)) for (const r of c._rules_) if (pick(r)) return pick(r)!;
  } catch {
    /* fall through */
  }
  return "https://app.example.com";
}

export function curlExamples(url: string, origin: string): string {
  return [
    `try:`,
    `  # preflight`,
    `  curl -i -X OPTIONS ${url}/api/items -H 'Origin: ${origin}' -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type'`,
    `  # actual request (the echo upstream returns what it received)`,
    `  curl -i ${url}/api/items -H 'Origin: ${origin}'`,
    `  # an origin the configuration does not allow`,
    `  curl -i -X OPTIONS ${url}/api/items -H 'Origin: https://evil.example' -H 'Access-Control-Request-Method: GET'`,
    ``,
  ].join("\n");
}

export async function runServe(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, {
    values: ["config", "listen", "upstream", "wasm", "route-name", "cluster-name", "tls-cert", "tls-key", "admin"],
    flags: ["help", "watch"],
    positionals: 0,
  });
  if (a.flags.has("help")) {
    io.out(USAGE);
    return 0;
  }
  const listen = parseListen(a.values.get("listen") ?? "127.0.0.1:10000");
  const adminAt = a.values.get("admin");
  const adminListen = adminAt === undefined ? undefined : parseListen(adminAt);
  const upstream = a.values.get("upstream");
  if (upstream !== undefined) parseUpstream(upstream); // refused here, as a usage error
  const configPath = a.values.get("config") ?? defaultConfig;
  // SIGHUP and --watch read the file again: standard input cannot be read twice
  if (configPath === STDIN) throw new UsageError("serve reads --config again on reload: give a file, not -");
  const cfg = await readConfig(configPath, io, "serve");
  if (typeof cfg === "number") return cfg;

  // each loaded VM prints its log lines live once it serves (its configure lines are reported apart)
  const filterOptions = (config: string, gate: { live: boolean }) => ({
    wasm: a.values.get("wasm") ?? defaultWasm,
    config,
    routeName: a.values.get("route-name"),
    clusterName: a.values.get("cluster-name"),
    logger: (level: number, message: string, prefix?: string) => {
      // a module's line reads as Envoy prints it (`wasm log cors cors: decision …`); the host's own lines as they are
      if (gate.live) io.err(`[${LogLevelNames[level] ?? level}] ${prefix === undefined ? message : envoyLogText(message, prefix)}\n`);
    },
  });
  const gate = { live: false };
  const loaded = await prepare(filterOptions(cfg.config!, gate), io, "serve");
  if (typeof loaded === "number") return loaded;
  if (loaded.host === null) {
    for (const line of loaded.errors) io.err(`${line}\n`);
    io.err(`cors-proxy-wasm serve: the module could not be loaded\n`);
    return 1;
  }
  if (!loaded.accepted) {
    for (const line of loaded.errors) io.err(`${line}\n`);
    io.err(`cors-proxy-wasm serve: the filter rejected the configuration from ${cfg.source}\n`);
    return 1;
  }
  for (const w of loaded.warnings) io.err(`warning: ${w}\n`);

  let tls: { key: Buffer; cert: Buffer } | undefined;
  const certPath = a.values.get("tls-cert");
  const keyPath = a.values.get("tls-key");
  if ((certPath === undefined) !== (keyPath === undefined)) throw new UsageError("--tls-cert and --tls-key go together");
  if (certPath !== undefined && keyPath !== undefined) {
    tls = { cert: readFileSync(certPath), key: readFileSync(keyPath) };
  }

  let proxy: RunningProxy;
  try {
    proxy = await startProxy({
      filter: loaded.host,
      host: listen.host,
      port: listen.port,
      upstream,
      streamProperties: loaded.streamProperties,
      tls,
      log: (line) => io.err(line + "\n"),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(
      `cors-proxy-wasm serve: cannot listen on ${listen.host}:${listen.port}: ${code === "EADDRINUSE" ? "address in use" : (e as Error).message}\n`,
    );
    return 1;
  }
  let current: ProxyWasmHost = loaded.host;
  let admin: RunningAdmin | null = null;
  if (adminListen !== undefined) {
    try {
      admin = await startAdmin({ host: adminListen.host, port: adminListen.port, stats: () => current.metrics() });
    } catch (e) {
      await proxy.close();
      io.err(`cors-proxy-wasm serve: cannot listen on ${adminAt} for --admin: ${(e as Error).message}\n`);
      return 1;
    }
  }
  const onSignal = (): void => {
    void proxy.close();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  // SIGHUP (and --watch): load the file again into a new VM; use it only when the filter accepts it —
  // like Envoy, a rejected configuration leaves the running one in place.
  const stopReloads = reloadOnRequest(configPath, a.flags.has("watch"), io, "serve", async (next, why) => {
    const nextGate = { live: false };
    const f = await prepare(filterOptions(next.config!, nextGate), io, "serve");
    if (typeof f === "number" || f.host === null || !f.accepted) {
      if (typeof f !== "number") for (const line of f.errors) io.err(`${line}\n`);
      io.err(`reload (${why}): the filter rejected the configuration; kept the previous one\n`);
      return;
    }
    for (const w of f.warnings) io.err(`warning: ${w}\n`);
    proxy.setFilter(f.host);
    current = f.host;
    nextGate.live = true;
    io.err(`reload (${why}): now serving ${next.source}\n`);
  });
  gate.live = true;
  // one write: the ready line, then where things come from, then curl examples
  io.out(
    `listening on ${proxy.url}\n` +
      `config: ${cfg.source}; upstream: ${proxy.upstream}` +
      (a.values.has("route-name") ? `; route: ${a.values.get("route-name")}` : "") +
      (a.values.has("cluster-name") ? `; cluster: ${a.values.get("cluster-name")}` : "") +
      "\n" +
      (admin ? `admin: ${admin.url}/stats\n` : "") +
      curlExamples(proxy.url, exampleOrigin(cfg.config!)),
  );
  await proxy.closed;
  await proxy.close();
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  await stopReloads();
  await admin?.close();
  return 0;
}
