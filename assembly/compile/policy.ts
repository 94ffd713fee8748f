// The compiled, immutable form of one CorsConfig: everything the hot path reads, and nothing it has to
// compute again per request (jub0bs/cors "treat CORS as a compilation target"). Built by compilePolicy(),
// swapped whole on reconfiguration; never mutated afterwards.

import { Regex } from "../regex";
import { HeaderPair } from "../header";
import { NameSet } from "./nameset";
import { PatternTrie } from "./trie";
import { ParsedOrigin, OriginKind } from "./origin";

export const VARY_ORIGIN = "Origin";
/** Every preflight reply varies on all three request headers its verdict depends on (spec §4). */
export const VARY_PREFLIGHT = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
export const FORBIDDEN_BODY = "Invalid CORS request";

export class Policy {
  // ── origins (spec §3) ───────────────────────────────────────────────────────────────────────────
  /** allow_origins has "*": literal `ACAO: *` for everyone; the Origin is never parsed for the grant. */
  anyOriginLiteral: bool = false;
  /** Normalised exact origins (hash lookup, byte-exact). */
  exactOrigins: NameSet = new NameSet(false);
  /** "null" listed explicitly in allow_origins. */
  allowNull: bool = false;
  patterns: PatternTrie = new PatternTrie();
  regexes: Array<Regex> = new Array<Regex>();
  regexSources: Array<string> = new Array<string>();

  // ── methods and request headers (spec §2.5, §2.6) ─────────────────────────────────────────────
  anyMethod: bool = false;
  /** Configured methods, upper case (byte-exact comparison). */
  methods: NameSet = new NameSet(false);
  anyHeader: bool = false;
  /** Configured request-header names, lower case. */
  headers: NameSet = new NameSet();

  // ── precomputed response values (joined once, spec §2 "precomputed at configure time") ──────
  /** ACAM for a listed-methods policy ("" when methods is "*": the ACRM is echoed). */
  acam: string = "";
  /** ACAH for a listed-headers policy ("" when headers is "*": the validated names are echoed). */
  acah: string = "";
  /** ACEH, "" = none. */
  aceh: string = "";
  /** ACMA seconds as text. */
  acma: string = "";
  credentials: bool = false;
  privateNetwork: bool = false;
  /** timing_allow_origins: "*" present, and the exact normalised origins. */
  timingAll: bool = false;
  timingOrigins: NameSet = new NameSet(false);
  hasTiming: bool = false;

  // ── behaviour switches ────────────────────────────────────────────────────────────────────────
  preflightContinue: bool = false;
  preflightStatus: u32 = 200;
  /** on_disallowed: reject — a rejected preflight gets a 403 (else strip: the preflight status without a grant). */
  forbidRejectedPreflight: bool = true;
  /** reject_actual — a rejected actual request gets a 403 before the upstream (never a navigation). */
  forbidRejectedActual: bool = false;
  reportOnly: bool = false;
  debug: bool = false;

  /** `Vary: Origin` on actual responses: always, unless every origin gets a literal `*` (spec §4). */
  varyOnOrigin: bool = true;

  // ── local-reply header lists that do not depend on the request (spec §2.5: "reject = 403") ──
  /** 403 to a preflight: content-type + the preflight Vary. */
  forbiddenPreflightHeaders: Array<HeaderPair> = new Array<HeaderPair>();
  /** 403 to an actual request: content-type (+ Vary: Origin unless literal `*`). */
  forbiddenActualHeaders: Array<HeaderPair> = new Array<HeaderPair>();
  /** on_disallowed strip: the preflight status with no grant, only the Vary. */
  strippedPreflightHeaders: Array<HeaderPair> = new Array<HeaderPair>();

  /** Whether a well-formed / null / malformed origin is allowed by allow_origins, patterns or regexes. */
  originAllowed(o: ParsedOrigin): bool {
    if (this.anyOriginLiteral) return true;
    const kind = o.kind;
    if (kind == OriginKind.Null) return this.allowNull;
    if (kind != OriginKind.Ok) return false; // malformed or over-long: matches nothing (spec §3)
    // 1. exact origins: one hash lookup of the normalised value (no allocation for what browsers send)
    if (this.exactOrigins.size > 0 && this.exactOrigins.has(o.normalised())) return true;
    // 2. patterns: one walk over the host labels
    if (this.patterns.matches(o)) return true;
    // 3. regexes, against the normalised origin (spec §3), each linear in its length
    const regexes = this.regexes;
    if (regexes.length > 0) {
      const n = o.normalised();
      for (let i = 0; i < regexes.length; i++) if (unchecked(regexes[i]).matches(n)) return true;
    }
    return false;
  }

  /** A request method / ACRM is allowed: CORS-safelisted (fetch#cors-safelisted-method: GET, HEAD, POST, byte-exact),
   *  listed, or "*". */
  methodAllowed(m: string): bool {
    if (m == "GET" || m == "HEAD" || m == "POST") return true;
    return this.anyMethod || this.methods.has(m);
  }
}
