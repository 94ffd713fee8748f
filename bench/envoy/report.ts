// Turns a recorded Envoy-bench result (build/bench/envoy.json) into the Markdown table and a hand-written SVG
// chart, and evaluates the targets of issue #9 §2 line by line (met / missed). Pure: tests/bench feeds it a
// recorded JSON and checks the output, so a missed target can be shown to be reported as missed.
import { SCENARIOS, SETUPS, SETUP_LABEL, type SetupName } from "./config.js";
import { median } from "../stats.js";

export interface Round { rps: number; p50us: number; p99us: number; cpuUsPerReq: number; requests: number; non2xx: number }
export interface Cell { setup: SetupName; scenario: string; rounds: Round[]; check: string }
export interface EnvoyResult {
  date: string; machine: { nproc: number; cpu: string }; envoyVersion: string; pinned: boolean;
  rounds: number; seconds: number; connections: number; generator: string;
  cells: Cell[];
  setups: Record<string, { rssMiB: number; readyMs: number }>;
  wasmBytes: number;
  node?: { name: string; filterOverF1: number }[];
  /** Linear memory in the Node host (bench/run.ts): pages per policy and traffic, over `soak` requests. */
  nodeMemory?: { soak: number; soaks: { name: string; traffic: string; afterConfigure: number; after1k: number; afterSoak: number }[] };
  /** Linear memory in Envoy (bench/envoy/soak.ts): the committed pages of every wasm memory after each tenth. */
  envoySoak?: { requestsPerVm: number; vms: Record<string, { samples: { requests: number; pagesByVm: number[]; rssMiB: number }[] }> };
}

/** Whether every wasm memory of a soak ended as it was after the first tenth (compared sorted: /proc lists the
 *  memories in address order, which says nothing about which VM each is). */
export function envoySoakFlat(vm: { samples: { pagesByVm: number[] }[] }): boolean {
  const s = vm.samples;
  if (s.length < 2) return false;
  const key = (x: number[]) => [...x].sort((a, b) => a - b).join("/");
  return key(s[0].pagesByVm) === key(s[s.length - 1].pagesByVm);
}

const spread = (xs: number[]) => { const m = median(xs); return m ? (Math.max(...xs) - Math.min(...xs)) / m : NaN; };

export interface Summary { rps: number; spread: number; p50: number; p99: number; cpu: number }
export function summarize(r: EnvoyResult): Map<string, Summary> {
  const m = new Map<string, Summary>();
  for (const c of r.cells) {
    m.set(`${c.setup}/${c.scenario}`, {
      rps: median(c.rounds.map((x) => x.rps)), spread: spread(c.rounds.map((x) => x.rps)),
      p50: median(c.rounds.map((x) => x.p50us)), p99: median(c.rounds.map((x) => x.p99us)), cpu: median(c.rounds.map((x) => x.cpuUsPerReq)),
    });
  }
  return m;
}

export interface Target { text: string; actual: string; met: boolean | null }
export function targets(r: EnvoyResult): Target[] {
  const s = summarize(r);
  const get = (setup: string, sc: string) => s.get(`${setup}/${sc}`);
  const t: Target[] = [];
  const ratio = (a?: Summary, b?: Summary) => (a && b ? a.rps / b.rps : NaN);
  const line = (text: string, v: number, ok: (v: number) => boolean, fmt: (v: number) => string) =>
    t.push({ text, actual: Number.isFinite(v) ? fmt(v) : "not measured", met: Number.isFinite(v) ? ok(v) : null });
  for (const sc of ["actual", "no-origin"]) {
    line(`${sc}: throughput ≥ 0.90× no filter`, ratio(get("filter", sc), get("none", sc)), (v) => v >= 0.9, (v) => `${v.toFixed(2)}×`);
    const f = get("filter", sc), f1 = get("F1", sc);
    line(`${sc}: Envoy CPU over the no-op wasm floor F1 ≤ 5 µs/request`, f && f1 ? f.cpu - f1.cpu : NaN, (v) => v <= 5, (v) => `${v.toFixed(1)} µs`);
  }
  line("allowed preflight: ≥ 0.70× native", ratio(get("filter", "preflight"), get("native", "preflight")), (v) => v >= 0.7, (v) => `${v.toFixed(2)}×`);
  line("10,000 origins + 1,000 patterns: within 3 % of the one-origin policy", ratio(get("filter", "big"), get("filter", "actual")), (v) => Math.abs(v - 1) <= 0.03, (v) => `${v.toFixed(3)}×`);
  line("build/cors.wasm ≤ 64 KiB (65,536 B)", r.wasmBytes, (v) => v <= 65536, (v) => `${v.toLocaleString("en-US")} B`);
  const mem = r.nodeMemory;
  const example = mem?.soaks.find((x) => x.name === "examples/cors.json" && x.traffic === "the request tables");
  line("linear memory: 2 pages with examples/cors.json (Node host, ordinary traffic)", example ? Math.max(example.afterConfigure, example.afterSoak) : NaN, (v) => v <= 2, (v) => `${v} pages`);
  const growing = mem ? mem.soaks.filter((x) => x.afterSoak !== x.after1k).length : NaN;
  line(`linear memory flat after ${mem ? mem.soak.toLocaleString("en-US") : "10⁶"} requests, hostile ones included (Node host, ${mem?.soaks.length ?? 0} policies/traffics)`, growing, (v) => v === 0, (v) => (v === 0 ? "flat" : `${v} grew`));
  const soak = r.envoySoak;
  const grew = soak ? Object.values(soak.vms).filter((vm) => !envoySoakFlat(vm)).length : NaN;
  line(`linear memory flat after ${soak ? soak.requestsPerVm.toLocaleString("en-US") : "10⁶"} requests per VM in Envoy (wasm memories read from /proc/PID/maps)`, grew, (v) => v === 0, (v) => (v === 0 ? "flat" : `${v} VM(s) grew`));
  line("goal: build/cors.wasm ≤ 48 KiB (49,152 B)", r.wasmBytes, (v) => v <= 49152, (v) => `${v.toLocaleString("en-US")} B`);
  return t;
}

const f0 = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString("en-US") : "—");
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "—");

export function markdown(r: EnvoyResult): string {
  const s = summarize(r);
  const L: string[] = [];
  L.push(`## Envoy benchmark — ${r.date.slice(0, 16).replace("T", " ")} UTC`);
  L.push("");
  L.push(`Machine: ${r.machine.nproc} CPU(s), ${r.machine.cpu}. Envoy ${r.envoyVersion}, \`--concurrency 1\`${r.pinned ? ", Envoy pinned to core 1, load generator and upstream to core 0 (taskset)" : ", not pinned (one core)"}. ` +
    `Load: ${r.generator}, ${r.connections} connections, ${r.rounds} interleaved rounds × ${r.seconds} s per cell; median of the rounds, spread = (max−min)/median of requests/s. ` +
    "Upstream: a second Envoy answering with direct_response. CPU = Envoy's utime+stime (/proc/PID/stat) over the round ÷ requests.");
  L.push("");
  L.push("**A shared machine: absolute figures are noisy; only ratios within this run count.**");
  L.push("");
  L.push("| scenario | setup | req/s (spread) | p50 µs | p99 µs | CPU µs/req | ×no filter | ×native | check |");
  L.push("|---|---|---:|---:|---:|---:|---:|---:|---|");
  for (const sc of SCENARIOS) {
    const none = s.get(`none/${sc.name}`), nat = s.get(`native/${sc.name}`);
    for (const setup of SETUPS) {
      const x = s.get(`${setup}/${sc.name}`);
      const cell = r.cells.find((c) => c.setup === setup && c.scenario === sc.name);
      if (!x) { L.push(`| ${sc.label} | ${SETUP_LABEL[setup]} | — | — | — | — | — | — | |`); continue; }
      L.push(`| ${sc.label} | ${setup === "filter" ? "**this filter**" : SETUP_LABEL[setup]} | ${f0(x.rps)} (${(x.spread * 100).toFixed(0)} %) | ${f0(x.p50)} | ${f0(x.p99)} | ${x.cpu.toFixed(1)} | ${none ? f2(x.rps / none.rps) : "—"} | ${nat ? f2(x.rps / nat.rps) : "—"} | ${cell?.check ?? ""} |`);
    }
  }
  L.push("");
  L.push("Memory and start-up (RSS after the rounds; time from spawn to /ready answering LIVE):");
  L.push("");
  L.push("| setup | RSS MiB | time to ready ms |");
  L.push("|---|---:|---:|");
  for (const setup of SETUPS) { const m = r.setups[setup]; if (m) L.push(`| ${SETUP_LABEL[setup]} | ${m.rssMiB.toFixed(0)} | ${m.readyMs.toFixed(0)} |`); }
  if (r.nodeMemory) {
    L.push("");
    L.push(`Linear memory in the Node host (64 KiB pages; ${r.nodeMemory.soak.toLocaleString("en-US")} requests per row, bench/run.ts):`);
    L.push("");
    L.push("| policy | traffic | after configure | after 1,000 | at the end |");
    L.push("|---|---|---:|---:|---:|");
    for (const x of r.nodeMemory.soaks) L.push(`| ${x.name} | ${x.traffic} | ${x.afterConfigure} | ${x.after1k} | ${x.afterSoak} |`);
  }
  if (r.envoySoak) {
    L.push("");
    L.push(`Linear memory in Envoy (bench/envoy/soak.ts: ${r.envoySoak.requestsPerVm.toLocaleString("en-US")} ordinary and hostile requests per VM; the committed pages of each wasm memory, main thread and worker, from /proc/PID/maps):`);
    L.push("");
    L.push("| VM (policy) | requests | wasm memories (pages) after the first tenth | at the end | Envoy RSS MiB (first tenth → end) |");
    L.push("|---|---:|---|---|---|");
    for (const [vm, v] of Object.entries(r.envoySoak.vms)) {
      const a = v.samples[0], b = v.samples[v.samples.length - 1];
      L.push(`| ${vm} | ${b.requests.toLocaleString("en-US")} | ${a.pagesByVm.join(" / ")} | ${b.pagesByVm.join(" / ")} | ${a.rssMiB.toFixed(0)} → ${b.rssMiB.toFixed(0)} |`);
    }
  }
  L.push("");
  L.push("Targets (issue #9 §2):");
  L.push("");
  for (const t of targets(r)) L.push(`- ${t.met === null ? "**not measured**" : t.met ? "met" : "**missed**"} — ${t.text}: ${t.actual}`);
  if (r.node?.length) {
    L.push("");
    L.push("Node-host microbenchmark vs Envoy (filter ÷ F1; Node: ns per request, Envoy: CPU µs per request):");
    L.push("");
    L.push("| scenario | Node host | Envoy |");
    L.push("|---|---:|---:|");
    const pairs: [string, string][] = [["n=one r=actual o=y", "actual"], ["n=one no-origin", "no-origin"], ["n=one r=preflight o=y", "preflight"], ["n=one r=preflight o=n", "preflight-rejected"]];
    for (const [n, e] of pairs) {
      const nr = r.node.find((x) => x.name === n), a = s.get(`filter/${e}`), b = s.get(`F1/${e}`);
      L.push(`| ${e} | ${nr ? nr.filterOverF1.toFixed(2) : "—"} | ${a && b ? (a.cpu / b.cpu).toFixed(2) : "—"} |`);
    }
    L.push("");
    L.push("The Node host's ratios are far larger than Envoy's: in Envoy the request's own cost (HTTP parsing, routing, the upstream hop) dilutes the filter's, so the Node bench ranks changes but does not predict Envoy throughput.");
  }
  return L.join("\n") + "\n";
}

const esc = (x: string) => x.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const COLORS: Record<SetupName, string> = { none: "#888888", native: "#4477aa", F1: "#bbcc33", F2: "#ee8866", filter: "#cc3311" };

/** Grouped horizontal bars: throughput relative to "no filter", one group per scenario. */
export function svg(r: EnvoyResult): string {
  const s = summarize(r);
  const barH = 10, gap = 14, left = 300, width = 360, scaleMax = Math.max(2, ...[...s.entries()].map(([k, v]) => { const n = s.get(`none/${k.split("/")[1]}`); return n ? v.rps / n.rps : 0; }));
  const out: string[] = [];
  let y = 40;
  for (const sc of SCENARIOS) {
    const none = s.get(`none/${sc.name}`);
    out.push(`<text x="${left - 8}" y="${y + 2 * barH}" text-anchor="end">${esc(sc.label)}</text>`);
    for (const setup of SETUPS) {
      const x = s.get(`${setup}/${sc.name}`);
      const v = x && none ? x.rps / none.rps : NaN;
      if (Number.isFinite(v)) {
        out.push(`<rect x="${left}" y="${y}" width="${((v / scaleMax) * width).toFixed(1)}" height="${barH - 1}" fill="${COLORS[setup]}"/>`);
        out.push(`<text x="${left + (v / scaleMax) * width + 4}" y="${y + barH - 2}" font-size="9">${v.toFixed(2)}</text>`);
      } else {
        out.push(`<text x="${left + 4}" y="${y + barH - 2}" font-size="9">—</text>`);
      }
      y += barH;
    }
    y += gap;
  }
  const x1 = left + width / scaleMax;
  out.push(`<line x1="${x1}" y1="30" x2="${x1}" y2="${y}" stroke="#000" stroke-dasharray="3,3"/>`);
  const legend = SETUPS.map((k, i) => `<rect x="${left + i * 110 - 200}" y="${y + 6}" width="10" height="10" fill="${COLORS[k]}"/><text x="${left + i * 110 - 186}" y="${y + 15}" font-size="10">${esc(SETUP_LABEL[k])}</text>`).join("");
  const H = y + 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 60}" height="${H}" font-family="sans-serif" font-size="11">
<text x="10" y="18" font-size="13">Requests/s relative to Envoy without a CORS filter (dashed line = 1.00) — ${esc(r.date.slice(0, 10))}, Envoy ${esc(r.envoyVersion)}</text>
${out.join("\n")}
${legend}
</svg>
`;
}
