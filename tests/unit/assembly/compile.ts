// Unit-test build of assembly/compile: exported to tests/unit/compile.test.ts through @assemblyscript/loader.
import { parsePluginConfigString } from "../../../assembly/config";
import { compilePolicy, describePolicy, Policy, parseOrigin, OriginKind } from "../../../assembly/compile";
import { checkRequestHeaders, echoRequestHeaders, AcrhStatus } from "../../../assembly/filter/acrh";
import { mergeVary } from "../../../assembly/filter/vary";
import { NameSet } from "../../../assembly/compile/nameset";

let policy: Policy | null = null;

/** Parses and compiles a configuration's global part; "" when ok, else the errors one per line. */
export function configure(json: string): string {
  const r = parsePluginConfigString(json);
  const c = r.config;
  if (r.errors.length > 0 || c === null) return r.errors.join("\n");
  const g = c.global;
  if (g === null) return "no global configuration";
  policy = compilePolicy(g);
  return "";
}

/** The canonical dump of the last compiled policy. */
export function describe(): string {
  const p = policy;
  return p === null ? "" : describePolicy(p);
}

/** 1 when the last compiled policy allows `origin`, else 0. */
export function allows(origin: string): i32 {
  const p = policy;
  if (p === null) return -1;
  return p.originAllowed(parseOrigin(origin)) ? 1 : 0;
}

/** `ok <scheme> <host> <port> <effective port> <normalised>` | `null` | `malformed` | `too_long`. */
export function parse(origin: string): string {
  const o = parseOrigin(origin);
  switch (o.kind) {
    case OriginKind.Null: return "null";
    case OriginKind.Malformed: return "malformed";
    case OriginKind.TooLong: return "too_long";
  }
  return "ok " + o.scheme + " " + o.value.substring(o.hostStart, o.hostEnd) + " " + o.port.toString() + " " +
    o.effectivePort.toString() + " " + o.normalised();
}

/** ACRH check against a comma-separated allow list ("*" = any): ok | not_allowed | malformed | too_many. */
export function acrh(value: string, allowList: string): string {
  const set = new NameSet();
  const any = allowList == "*";
  if (!any && allowList.length > 0) {
    const names = allowList.split(",");
    for (let i = 0; i < names.length; i++) set.add(names[i]);
  }
  const st = checkRequestHeaders(value, any, set);
  switch (st) {
    case AcrhStatus.Ok: return "ok";
    case AcrhStatus.NotAllowed: return "not_allowed";
    case AcrhStatus.Malformed: return "malformed";
  }
  return "too_many";
}

export function acrhEcho(value: string): string {
  return echoRequestHeaders(value);
}

/** Vary merge: `lines` separated by "\n" ("" = no line), tokens by ","; "<unchanged>" when no rewrite. */
export function vary(lines: string, tokens: string): string {
  const l = lines.length == 0 ? new Array<string>() : lines.split("\n");
  const r = mergeVary(l, tokens.split(","));
  return r === null ? "<unchanged>" : r;
}
