// Reading a peer's file: JSON (errors with line and column), YAML (js-yaml's own line/column, several documents),
// and Kong's Admin API form (`config.origins=…` pairs, as in `curl --data "config.origins=…"`).
import yaml from "js-yaml";
import { commaList } from "./values.js";

export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ParseError";
  }
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /at position (\d+)/.exec(msg);
    const offset = m !== null ? Number(m[1]) : text.length;
    const { line, column } = lineColumn(text, offset);
    const what = msg.replace(/ in JSON at position \d+.*$/, "").replace(/^Unexpected end of JSON input$/, "unexpected end of input");
    throw new ParseError(`${name}:${line}:${column}: not valid JSON: ${what}`);
  }
}

/** Kong Admin API form pairs → `{name, config}`; null when the text has none. */
export function parseKongForm(text: string): Record<string, unknown> | null {
  // shell-like words: '…', "…" or bare; then `a=b&c=d` split on & (form encoding)
  const words: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|([^\s'"]+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) words.push(m[1] ?? (m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3]));
  const pairs: Array<[string, string]> = [];
  for (const w of words) {
    for (const part of w.split("&")) {
      const pm = /^(name|config\.[a-z_]+)(\[\d*\])?=(.*)$/s.exec(part);
      if (pm !== null) pairs.push([pm[1], decodeURIComponent(pm[3].replace(/\+/g, " "))]);
    }
  }
  if (!pairs.some(([k]) => k.startsWith("config."))) return null;
  const config: Record<string, unknown> = {};
  let name: string | undefined;
  const LISTS = new Set(["origins", "headers", "exposed_headers", "methods"]);
  for (const [k, v] of pairs) {
    if (k === "name") {
      name = v;
      continue;
    }
    const key = k.slice("config.".length);
    if (LISTS.has(key)) {
      // old Admin API: one comma-separated value (the Kong seed's `config.methods=GET, POST`); newer: repeated keys
      const items = key === "origins" ? splitOutsideBrackets(v) : commaList(v);
      config[key] = [...((config[key] as string[] | undefined) ?? []), ...items];
    } else if (v === "true" || v === "false") config[key] = v === "true";
    else if (/^-?\d+(\.\d+)?$/.test(v)) config[key] = Number(v);
    else config[key] = v;
  }
  return { name: name ?? "cors", config };
}

/** Split on commas that are not inside (), [] or {} (a regex origin may hold `{2,3}`). */
function splitOutsideBrackets(v: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === "\\") {
      cur += c + (v[i + 1] ?? "");
      i++;
      continue;
    }
    if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    if (c === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  out.push(cur.trim());
  return out.filter((x) => x !== "");
}

export interface ParsedFile {
  docs: unknown[];
  format: "json" | "yaml" | "kong-form";
}

/** JSON when it looks like JSON, else YAML (several documents), else the Kong Admin API form. */
export function parseNative(text: string, name: string): ParsedFile {
  const body = text.replace(/^\uFEFF/, "");
  const trimmed = body.trim();
  if (trimmed === "") throw new ParseError(`${name}: the file is empty`);
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) return { docs: [parseJson(body, name)], format: "json" };
  let docs: unknown[] | undefined;
  let yamlError: Error | undefined;
  try {
    docs = yaml.loadAll(body).filter((d) => d !== null && d !== undefined);
  } catch (e) {
    yamlError = e as Error;
  }
  if (docs !== undefined && docs.some((d) => typeof d === "object")) return { docs, format: "yaml" };
  const form = parseKongForm(body);
  if (form !== null) return { docs: [form], format: "kong-form" };
  if (yamlError !== undefined) {
    const mark = (yamlError as Error & { mark?: { line: number; column: number } }).mark;
    const where = mark !== undefined ? `${name}:${mark.line + 1}:${mark.column + 1}` : name;
    const reason = (yamlError as Error & { reason?: string }).reason ?? yamlError.message.split("\n")[0];
    throw new ParseError(`${where}: not valid YAML: ${reason}`);
  }
  throw new ParseError(`${name}: neither JSON, YAML nor Kong Admin API form (config.origins=…) holding a CORS configuration`);
}
