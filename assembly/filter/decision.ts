// The outcome of one request's CORS decision: its classification, verdict and reason (for metrics and the
// debug line), what the filter does with the request, and the exact grant headers for the response.
// Kept in the per-request context: Envoy makes request headers unreadable after Continue (host-facts.md §4.1).

import { wordAt } from "../ascii";

export const enum Kind { NotCors = 0, Preflight = 1, Actual = 2 }
export const enum Verdict { Skipped = 0, Allowed = 1, Rejected = 2 }
export const enum Reason {
  NoPolicy = 0, NoOrigin = 1, SameOrigin = 2, Allowed = 3, OriginNotAllowed = 4, OriginMalformed = 5,
  MethodNotAllowed = 6, HeaderNotAllowed = 7, HeadersMalformed = 8, HeadersTooMany = 9,
}

/** What happens to the request. */
export const enum Reply {
  /** Continue to the upstream; the response phase adds the grant (if any) and the Vary. */
  Forward = 0,
  /** Local 403 `Invalid CORS request`. */
  Forbidden = 1,
  /** Local preflight reply with the grant (`preflight_status`). */
  Preflight = 2,
  /** on_disallowed strip: local `preflight_status` reply without a grant. */
  Stripped = 3,
}

/** Vary tokens the response needs (spec §4). */
export const enum VaryKind { None = 0, Origin = 1, Preflight = 2 }

export class Decision {
  kind: Kind = Kind.NotCors;
  verdict: Verdict = Verdict.Skipped;
  reason: Reason = Reason.NoPolicy;
  /** The Origin header as received, or null when absent. */
  origin: string | null = null;
  reply: Reply = Reply.Forward;
  vary: VaryKind = VaryKind.None;
  // The grant: null / false = not sent.
  acao: string | null = null;
  acac: bool = false;
  acam: string | null = null;
  acah: string | null = null;
  aceh: string | null = null;
  acma: string | null = null;
  acapn: bool = false;
  tao: string | null = null;
}

// The names the debug line prints, as one text: a static string costs ~34 bytes of data beside its characters
// (docs/size.md), and these are read only when a debug line is built. The words in enum order: Kind, Verdict,
// Reason.
const NAMES =
  "not_cors preflight actual skipped allowed rejected no_policy no_origin same_origin allowed origin_not_allowed origin_malformed method_not_allowed header_not_allowed headers_malformed headers_too_many";
const VERDICT_NAMES = 3, REASON_NAMES = 6;

export function kindName(k: Kind): string { return wordAt(NAMES, <i32>k); }
export function verdictName(v: Verdict): string { return wordAt(NAMES, VERDICT_NAMES + <i32>v); }
export function reasonName(r: Reason): string { return wordAt(NAMES, REASON_NAMES + <i32>r); }
