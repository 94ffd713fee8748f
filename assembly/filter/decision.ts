// The outcome of one request's CORS decision: its classification, verdict and reason (for metrics and the
// debug line), what the filter does with the request, and the exact grant headers for the response.
// Kept in the per-request context: Envoy makes request headers unreadable after Continue (host-facts.md §4.1).

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

export function kindName(k: Kind): string {
  switch (k) {
    case Kind.Preflight: return "preflight";
    case Kind.Actual: return "actual";
  }
  return "not_cors";
}

export function verdictName(v: Verdict): string {
  switch (v) {
    case Verdict.Allowed: return "allowed";
    case Verdict.Rejected: return "rejected";
  }
  return "skipped";
}

export function reasonName(r: Reason): string {
  switch (r) {
    case Reason.NoOrigin: return "no_origin";
    case Reason.SameOrigin: return "same_origin";
    case Reason.Allowed: return "allowed";
    case Reason.OriginNotAllowed: return "origin_not_allowed";
    case Reason.OriginMalformed: return "origin_malformed";
    case Reason.MethodNotAllowed: return "method_not_allowed";
    case Reason.HeaderNotAllowed: return "header_not_allowed";
    case Reason.HeadersMalformed: return "headers_malformed";
    case Reason.HeadersTooMany: return "headers_too_many";
  }
  return "no_policy";
}
