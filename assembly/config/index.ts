// parsePluginConfig: the bytes handed to proxy_on_configure → ConfigResult (spec §1, §5).
// Never traps: every problem becomes an error line `key.path[i]: message`; warnings likewise.

import { parseJson } from "../json/parser";
import { JsonKind } from "../json/value";
import { ConfigResult, CorsConfig, PluginConfig } from "./types";
import { Diagnostics } from "./messages";
import { defaultCorsConfig, parseCorsObject } from "./cors";
import { parseRules } from "./rules";
import { describeValue } from "./values";

export { defaultCorsConfig } from "./cors";
export { dumpPluginConfig, dumpCorsConfig } from "./dump";

export function parsePluginConfig(json: ArrayBuffer | null): ConfigResult {
  const result = new ConfigResult();
  const diag = new Diagnostics();
  if (json === null || json.byteLength == 0) {
    const pc = new PluginConfig();
    pc.global = defaultCorsConfig();
    result.config = pc;
    return result;
  }
  const parsed = parseJson(json);
  const root = parsed.value;
  if (root === null) {
    result.errors.push("configuration: not valid JSON: " + parsed.error);
    return result;
  }
  if (root.kind != JsonKind.Object) {
    result.errors.push("configuration: must be a JSON object, got " + describeValue(root));
    return result;
  }
  let hasGlobalKey = false;
  for (let i = 0; i < root.members.length; i++) {
    const k = root.members[i].key;
    if (k.length == 0 || k.charCodeAt(0) != 0x5f /* _ */) { hasGlobalKey = true; break; }
  }
  const rulesValue = root.get("_rules_");
  if (root.countKey("_rules_") > 1) diag.error("_rules_", "appears more than once in the same object; keep one");

  const pc = new PluginConfig();
  let global: CorsConfig | null = null;
  if (rulesValue === null || hasGlobalKey) global = parseCorsObject(root, "", diag);
  pc.global = global;
  if (rulesValue !== null) {
    pc.rules = parseRules(rulesValue, diag);
    if (global === null && rulesValue.kind == JsonKind.Array && rulesValue.items.length == 0) {
      diag.error("_rules_", "is empty and there is no global configuration, so the filter would do nothing; add rules or global keys");
    }
  }
  result.errors = diag.errors;
  result.warnings = diag.warnings;
  if (diag.errors.length == 0) result.config = pc;
  return result;
}

/** Convenience for tests and tools: the configuration as a string (encoded to UTF-8 first). */
export function parsePluginConfigString(text: string): ConfigResult {
  return parsePluginConfig(String.UTF8.encode(text));
}
