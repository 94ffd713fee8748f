// Unit-test build of assembly/config (build/test/config.wasm), loaded by tests/unit/config.test.ts.
import { parsePluginConfig } from "../../../assembly/config/index";
import { dumpResultParts } from "../../../assembly/config/dump";
import { checkOrigin } from "../../../assembly/config/origins";
import { parseDuration } from "../../../assembly/config/duration";
import { isToken } from "../../../assembly/config/tokens";

/** `{"errors":[…],"warnings":[…],"config":{…}|null}` for a configuration given as text. */
export function parseConfigReport(json: string): string {
  const r = parsePluginConfig(String.UTF8.encode(json));
  return dumpResultParts(r.errors, r.warnings, r.config);
}

/** Same, from raw bytes (null = no configuration). */
export function parseConfigBytesReport(bytes: ArrayBuffer | null): string {
  const r = parsePluginConfig(bytes);
  return dumpResultParts(r.errors, r.warnings, r.config);
}

/** The normalised origin, or "!" + the problem. */
export function normalizeOrigin(s: string): string {
  const r = checkOrigin(s);
  return r.problem.length > 0 ? "!" + r.problem : r.normalized;
}

/** Seconds, or -1 when not a duration. */
export function durationSeconds(s: string): i64 {
  const r = parseDuration(s);
  return r.problem.length > 0 ? -1 : r.seconds;
}

export function tokenOk(s: string): bool {
  return isToken(s);
}
