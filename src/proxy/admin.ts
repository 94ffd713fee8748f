// A small Envoy-admin look-alike for the dev proxy (`serve --admin HOST:PORT`): the filter's metrics the
// way Envoy 1.40's admin shows them — /stats as `wasmcustom.<name>` (the host's names), /stats/prometheus with
// the custom namespace stripped and no `envoy_` (`cors_not_cors{} 1`) — plus /ready.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ENVOY_STAT_NAMESPACE } from "../host/index.js";

export interface StatLike {
  name: string;
  type: number; // 0 counter, 1 gauge, 2 histogram
  value: bigint | number;
  samples?: Array<bigint | number>;
}

export interface AdminOptions {
  host?: string;
  port?: number;
  /** The current filter's metrics (the filter may be swapped by a reload). */
  stats: () => StatLike[];
}

export interface RunningAdmin {
  url: string;
  close(): Promise<void>;
}

const TYPE_NAMES = ["counter", "gauge", "histogram"];

/** Envoy's Prometheus name: the custom namespace `wasmcustom.` stripped (and no `envoy_`), every character
 *  outside [a-zA-Z0-9_:] made `_`. */
export function prometheusName(name: string): string {
  const bare = name.startsWith(ENVOY_STAT_NAMESPACE) ? name.slice(ENVOY_STAT_NAMESPACE.length) : name;
  return bare.replace(/[^a-zA-Z0-9_:]/g, "_");
}

export function renderStats(stats: StatLike[], format: "text" | "json" | "prometheus"): string {
  const sorted = [...stats].sort((a, b) => a.name.localeCompare(b.name));
  if (format === "json") {
    return JSON.stringify({ stats: sorted.filter((s) => s.type !== 2).map((s) => ({ name: s.name, value: Number(s.value) })) }) + "\n";
  }
  if (format === "prometheus") {
    return sorted
      .filter((s) => s.type !== 2)
      .map((s) => `# TYPE ${prometheusName(s.name)} ${TYPE_NAMES[s.type]}\n${prometheusName(s.name)}{} ${String(s.value)}\n`)
      .join("");
  }
  return sorted
    .map((s) => (s.type === 2 ? `${s.name}: samples=${(s.samples ?? []).length}` : `${s.name}: ${String(s.value)}`))
    .join("\n") + (sorted.length > 0 ? "\n" : "");
}

export async function startAdmin(opts: AdminOptions): Promise<RunningAdmin> {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://admin");
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
      res.end(body);
    };
    if (u.pathname === "/ready") return send(200, "text/plain", "LIVE\n");
    if (u.pathname === "/stats/prometheus") return send(200, "text/plain; version=0.0.4", renderStats(opts.stats(), "prometheus"));
    if (u.pathname === "/stats") {
      const filter = u.searchParams.get("filter");
      let stats = opts.stats();
      if (filter) {
        let re: RegExp;
        try {
          re = new RegExp(filter);
        } catch {
          return send(400, "text/plain", "bad filter regex\n");
        }
        stats = stats.filter((s) => re.test(s.name));
      }
      const format = u.searchParams.get("format");
      if (format === "json") return send(200, "application/json", renderStats(stats, "json"));
      if (format === "prometheus") return send(200, "text/plain; version=0.0.4", renderStats(stats, "prometheus"));
      return send(200, "text/plain", renderStats(stats, "text"));
    }
    send(404, "text/plain", "try /stats, /stats?format=json, /stats/prometheus, /ready\n");
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 9901, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === "IPv6" ? `[${addr.address}]` : host;
  return {
    url: `http://${shown}:${addr.port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
