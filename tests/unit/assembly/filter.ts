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

/** Decides one request. `headers`: `name\u0002value` lines separated by "\u0001" (pseudo-headers included;
 *  `@route` / `@cluster` set the properties). Returns one line:
 *  `kind verdict reason reply=<r> vary=<v> [acao=…] [acac] [acam=…] [acah=…] [aceh=…] [acma=…] [acapn] [tao=…]`
 *  or `no_policy`. */
export function decideRequest(headers: string): string {
  const p = plugin;
  if (p === null) return "unconfigured";
  const req = toRequest(headers);
  const policy = selectPolicy(p, req);
  if (policy === null) return "no_policy";
  return show(decide(policy, req));
}

/** The debug log line for the same request. */
export function logLine(headers: string, reportOnly: bool): string {
  const p = plugin;
  if (p === null) return "";
  const req = toRequest(headers);
  const policy = selectPolicy(p, req);
  if (policy === null) return "";
  return decisionLine(decide(policy, req), reportOnly);
}

function toRequest(headers: string): MapRequest {
  const req = new MapRequest();
  const lines = headers.split("\u0001");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const sep = line.indexOf("\u0002");
    if (sep < 0) continue;
    const name = line.substring(0, sep);
    const value = line.substring(sep + 1);
    if (name == "@route") req.route = value;
    else if (name == "@cluster") req.cluster = value;
    else req.set(name, value);
  }
  return req;
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
