// Unit-test build of assembly/filter's decision: exported to tests/unit/filter.test.ts.
import { parsePluginConfigString } from "../../../assembly/config";
import { compilePlugin, CompiledPlugin } from "../../../assembly/compile";
import { decide } from "../../../assembly/filter/decide";
import { selectPolicy } from "../../../assembly/filter/select";
import { MapRequest } from "../../../assembly/filter/request";
import { Decision, kindName, verdictName, reasonName, Reply, VaryKind } from "../../../assembly/filter/decision";
import { decisionLine } from "../../../assembly/filter/debuglog";

let plugin: CompiledPlugin | null = null;

export function configure(json: string): string {
  const r = parsePluginConfigString(json);
  const c = r.config;
  if (r.errors.length > 0 || c === null) return r.errors.join("\n");
  plugin = compilePlugin(c);
  return "";
}

/** Decides one request. `headers`: lines `name: value` separated by "\n" (pseudo-headers included;
 *  `@route: x` / `@cluster: x` set the properties). Returns one line:
 *  `kind verdict reason reply=<r> vary=<v> [acao=…] [acac] [acam=…] [acah=…] [aceh=…] [acma=…] [acapn] [tao=…]`
 *  or `no_policy`. */
export function decideRequest(headers: string): string {
  const p = plugin;
  if (p === null) return "unconfigured";
  const req = new MapRequest();
  const lines = headers.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(":", 1);
    if (colon < 0) continue;
    const name = line.substring(0, colon);
    let value = line.substring(colon + 1);
    if (value.startsWith(" ")) value = value.substring(1);
    if (name == "@route") req.route = value;
    else if (name == "@cluster") req.cluster = value;
    else req.set(name, value);
  }
  const policy = selectPolicy(p, req);
  if (policy === null) return "no_policy";
  return show(decide(policy, req));
}

/** The debug log line for the same request. */
export function logLine(headers: string, reportOnly: bool): string {
  const p = plugin;
  if (p === null) return "";
  const req = new MapRequest();
  const lines = headers.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const colon = lines[i].indexOf(":", 1);
    if (colon < 0) continue;
    let value = lines[i].substring(colon + 1);
    if (value.startsWith(" ")) value = value.substring(1);
    req.set(lines[i].substring(0, colon), value);
  }
  const policy = selectPolicy(p, req);
  if (policy === null) return "";
  return decisionLine(decide(policy, req), reportOnly);
}

function show(d: Decision): string {
  let s = kindName(d.kind) + " " + verdictName(d.verdict) + " " + reasonName(d.reason);
  s += " reply=" + (d.reply == Reply.Forward ? "forward" : d.reply == Reply.Forbidden ? "403" : d.reply == Reply.Preflight ? "preflight" : "stripped");
  s += " vary=" + (d.vary == VaryKind.None ? "none" : d.vary == VaryKind.Origin ? "origin" : "preflight");
  const acao = d.acao; if (acao !== null) s += " acao=" + acao;
  if (d.acac) s += " acac";
  const acam = d.acam; if (acam !== null) s += " acam=" + acam;
  const acah = d.acah; if (acah !== null) s += " acah=" + acah;
  const aceh = d.aceh; if (aceh !== null) s += " aceh=" + aceh;
  const acma = d.acma; if (acma !== null) s += " acma=" + acma;
  if (d.acapn) s += " acapn";
  const tao = d.tao; if (tao !== null) s += " tao=" + tao;
  return s;
}
