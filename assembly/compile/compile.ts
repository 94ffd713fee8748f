// CorsConfig (validated, normalised by assembly/config) → immutable Policy. Runs once per configuration.

import { CorsConfig, Mode, OnDisallowed } from "../config/types";
import { decimal } from "../ascii";
import { Regex } from "../regex";
import { HeaderPair } from "../header";
import { Policy, VARY_ORIGIN, VARY_PREFLIGHT } from "./policy";
import { NameSet } from "./nameset";

export function compilePolicy(config: CorsConfig): Policy {
  const p = new Policy();

  // origins (spec §1 allow_origins / allow_origin_patterns / allow_origin_regexes, §3)
  p.anyOriginLiteral = config.allowAnyOriginLiteral;
  const origins = config.allowOrigins;
  for (let i = 0; i < origins.length; i++) {
    const o = origins[i];
    if (o == "*") p.anyOriginLiteral = true;
    else if (o == "null") p.allowNull = true;
    else p.exactOrigins.add(o);
  }
  const patterns = config.allowOriginPatterns;
  for (let i = 0; i < patterns.length; i++) p.patterns.add(patterns[i]);
  const regexes = config.allowOriginRegexes;
  for (let i = 0; i < regexes.length; i++) {
    // assembly/config already compiled each one to validate it; a failure here cannot happen, and would
    // only drop the regex (it never widens the policy).
    const r = Regex.compile(regexes[i]).regex;
    if (r !== null) { p.regexes.push(r); p.regexSources.push(regexes[i]); }
  }

  // methods: "*" = any (echo ACRM); else the configured (upper-cased) list, compared byte for byte
  const methods = config.allowMethods;
  for (let i = 0; i < methods.length; i++) {
    if (methods[i] == "*") p.anyMethod = true;
    else p.methods.add(methods[i]);
  }
  p.acam = p.anyMethod ? "" : joinUnique(methods, false);

  // request headers: "*" = any (echo the validated ACRH names); else compared case-insensitively
  const headers = config.allowHeaders;
  for (let i = 0; i < headers.length; i++) {
    if (headers[i] == "*") p.anyHeader = true;
    else p.headers.add(headers[i]);
  }
  p.acah = p.anyHeader ? "" : joinUnique(headers, true);

  p.aceh = joinUnique(config.exposeHeaders, true);
  p.acma = decimal(config.maxAge);
  p.credentials = config.allowCredentials;
  p.privateNetwork = config.allowPrivateNetwork;

  const timing = config.timingAllowOrigins;
  for (let i = 0; i < timing.length; i++) {
    if (timing[i] == "*") p.timingAll = true;
    else p.timingOrigins.add(timing[i]);
  }
  p.hasTiming = p.timingAll || p.timingOrigins.size > 0;

  p.preflightContinue = config.preflightContinue;
  p.preflightStatus = config.preflightStatus;
  p.forbidRejectedPreflight = config.onDisallowed == OnDisallowed.Reject;
  p.forbidRejectedActual = config.rejectActual;
  p.reportOnly = config.mode == Mode.ReportOnly;
  p.debug = config.debug;

  // A literal-`*` policy answers every origin the same, so its actual responses need no Vary (spec §2, §4) —
  // unless a timing_allow_origins list of specific origins makes Timing-Allow-Origin depend on the Origin.
  // (With `"*"` in that list the value is the same for every Origin; only requests without one lack it, which
  // a cache replaying them merely costs detailed timings.)
  p.varyOnOrigin = !p.anyOriginLiteral || (p.timingOrigins.size > 0 && !p.timingAll);

  // Local replies carry all their headers (host-facts.md §0.6); Envoy keeps a content-type the filter sets.
  const textPlain = new HeaderPair("content-type", "text/plain");
  p.forbiddenPreflightHeaders = [textPlain, new HeaderPair("vary", VARY_PREFLIGHT)];
  p.forbiddenActualHeaders = p.varyOnOrigin ? [textPlain, new HeaderPair("vary", VARY_ORIGIN)] : [textPlain];
  p.strippedPreflightHeaders = [new HeaderPair("vary", VARY_PREFLIGHT)];
  return p;
}

/** Joins a configured list with "," (no spaces: what browsers and peers send), dropping repeats
 *  (case-insensitively for header names). */
function joinUnique(list: Array<string>, foldCase: bool): string {
  const kept = new Array<string>();
  const seen = new NameSet(foldCase); // header names are validated tokens: ASCII
  let len = 0;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!seen.add(v)) continue;
    kept.push(v);
    len += v.length;
  }
  if (kept.length == 0) return "";
  if (kept.length == 1) return kept[0];
  // one allocation (a megabyte configuration must not cost quadratic time)
  const out = changetype<string>(__new(<usize>(len + kept.length - 1) << 1, idof<string>()));
  let at = changetype<usize>(out);
  for (let i = 0; i < kept.length; i++) {
    if (i > 0) { store<u16>(at, 44); at += 2; }
    const v = kept[i];
    const bytes = <usize>v.length << 1;
    memory.copy(at, changetype<usize>(v), bytes);
    at += bytes;
  }
  return out;
}
