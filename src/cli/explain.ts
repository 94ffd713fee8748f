// `cors-proxy-wasm explain`: one request through the real filter, with its decision and exact headers.
import { parseArgs, UsageError } from "./args.js";
import { defaultConfig, defaultWasm } from "./defaults.js";
import type { Io } from "./io.js";
import { USAGE } from "./usage.js";
import { prepare, readConfig } from "./common.js";
import type { HeaderList } from "../proxy/filter.js";

export interface Decision {
  kind: string;
  verdict: string;
  reason: string;
  origin: string;
  reportOnly: boolean;
}

// the message as the filter logs it, or a whole log line as Envoy prints it (`wasm log cors cors: decision …`)
const DECISION = /(?:^|: )decision kind=(\S+) verdict=(\S+) reason=(\S+) origin="(.*?)"( mode=report_only)?\s*$/;

export function parseDecision(line: string): Decision | null {
  const m = DECISION.exec(line);
  if (!m) return null;
  return { kind: m[1], verdict: m[2], reason: m[3], origin: m[4], reportOnly: m[5] !== undefined };
}

/**
 * Turn `debug` on for every policy of the configuration without changing which policies exist:
 * the top level only gets `debug` when it already is a global configuration (a non-`_` key, or empty);
 * every `_rules_` entry gets it too (a rule's config is parsed on its own).
 */
export function forceDebug(config: string): string {
  if (config.trim() === "") return '{"debug":true}';
  let obj: unknown;
  try {
    obj = JSON.parse(config);
  } catch {
    return config; // let the filter report where the JSON is broken
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return config;
  const o = { ...(obj as Record<string, unknown>) };
  const keys = Object.keys(o);
  const hasGlobal = keys.length === 0 || keys.some((k) => !k.startsWith("_"));
  if (hasGlobal) o.debug = true;
  if (Array.isArray(o._rules_)) {
    o._rules_ = o._rules_.map((r) =>
      r !== null && typeof r === "object" && !Array.isArray(r) ? { ...(r as object), debug: true } : r,
    );
  }
  return JSON.stringify(o);
}

function parseHeaderOption(h: string): [string, string] {
  const i = h.indexOf(":");
  if (i <= 0) throw new UsageError(`--header "${h}": want 'name: value'`);
  return [h.slice(0, i).trim().toLowerCase(), h.slice(i + 1).trim()];
}

export async function runExplain(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, {
    values: [
      "config", "origin", "method", "acrm", "acrh", "path", "host", "header", "scheme",
      "wasm", "route-name", "cluster-name", "upstream-status", "upstream-header",
    ],
    repeat: ["header", "upstream-header"],
    flags: ["help"],
    positionals: 0,
  });
  if (a.flags.has("help")) {
    io.out(USAGE);
    return 0;
  }
  const cfg = await readConfig(a.values.get("config") ?? defaultConfig, io, "explain");
  if (typeof cfg === "number") return cfg;
  // --acrm alone means a preflight
  const method = a.values.get("method") ?? (a.values.has("acrm") ? "OPTIONS" : "GET");
  const upstreamStatus = a.values.get("upstream-status") ?? "200";
  if (!/^[1-5]\d\d$/.test(upstreamStatus)) throw new UsageError("--upstream-status is an HTTP status (100-599)");
  const path = a.values.get("path") ?? "/";
  const authority = a.values.get("host") ?? "127.0.0.1:10000";
  const scheme = a.values.get("scheme") ?? "http";
  if (scheme !== "http" && scheme !== "https") throw new UsageError("--scheme is http or https");
  const origin = a.values.get("origin");
  const acrm = a.values.get("acrm");
  const acrh = a.values.get("acrh");

  const loaded = await prepare(
    {
      wasm: a.values.get("wasm") ?? defaultWasm,
      config: forceDebug(cfg.config!),
      routeName: a.values.get("route-name"),
      clusterName: a.values.get("cluster-name"),
    },
    io,
    "explain",
  );
  if (typeof loaded === "number") return loaded;
  if (loaded.host === null) {
    for (const line of loaded.errors) io.err(`${line}\n`);
    io.err(`cors-proxy-wasm explain: the module could not be loaded\n`);
    return 1;
  }
  if (!loaded.accepted) {
    for (const line of loaded.errors) io.err(`${line}\n`);
    io.err(`cors-proxy-wasm explain: the filter rejected the configuration from ${cfg.source}\n`);
    return 1;
  }
  const host = loaded.host;
  const request: HeaderList = [
    [":authority", authority],
    [":path", path],
    [":method", method],
    [":scheme", scheme],
  ];
  if (origin !== undefined) request.push(["origin", origin]);
  if (acrm !== undefined) request.push(["access-control-request-method", acrm]);
  if (acrh !== undefined) request.push(["access-control-request-headers", acrh]);
  for (const h of a.lists.get("header") ?? []) request.push(parseHeaderOption(h));

  const before = host.logs.length;
  const stream = host.newStream({ properties: loaded.streamProperties });
  const outcome = stream.requestHeaders(request, true);
  let status: number;
  let headers: HeaderList;
  let response: string;
  if (outcome.kind === "local") {
    status = outcome.status;
    headers = outcome.headers;
    const details = outcome.details ? `, details ${outcome.details}` : "";
    const body = outcome.body;
    response = `local reply ${status}${details}${body !== "" ? `, body ${JSON.stringify(body)}` : ""}`;
  } else {
    const upstream: HeaderList = [[":status", upstreamStatus]];
    for (const h of a.lists.get("upstream-header") ?? []) upstream.push(parseHeaderOption(h));
    headers = stream.responseHeaders(upstream, true).headers;
    status = Number(upstreamStatus);
    const given = upstream.length > 1 ? " (and the --upstream-header lines)" : "";
    response = `forwarded to the upstream; its ${upstreamStatus}${given} leaves the filter with the headers below`;
  }
  stream.finish();
  const logs = host.logs.slice(before);
  let decision: Decision | null = null;
  for (const l of logs) {
    const d = parseDecision(l.message);
    if (d) decision = d;
  }

  const shown = headers.filter(([k]) => !k.startsWith(":"));
  io.out(`request:  ${method} ${scheme}://${authority}${path}\n`);
  for (const [k, v] of request) if (!k.startsWith(":")) io.out(`          ${k}: ${v}\n`);
  if (decision) {
    io.out(`kind:     ${decision.kind}\n`);
    io.out(`verdict:  ${decision.verdict}${decision.reportOnly ? " (report_only: nothing is changed)" : ""}\n`);
    io.out(`reason:   ${decision.reason}\n`);
  } else if (outcome.kind === "local" || shown.length > 0) {
    io.out(`kind:     unknown\n`);
    io.out(`verdict:  unknown (this build of the filter logged no decision line)\n`);
    io.out(`reason:   unknown\n`);
  } else {
    io.out(`kind:     none\n`);
    io.out(`verdict:  no_policy (the filter logged no decision: no policy applies to this request)\n`);
    io.out(`reason:   no_policy\n`);
  }
  io.out(`response: ${response}\n`);
  io.out(`headers:${shown.length === 0 ? " (none)" : ""}\n`);
  for (const [k, v] of shown) io.out(`  ${k}: ${v}\n`);
  const other = logs.filter((l) => !parseDecision(l.message) && l.level >= 3);
  for (const l of other) io.err(`filter log: ${l.message}\n`);
  return 0;
}
