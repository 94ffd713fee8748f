// The per-request decision (spec §2, §3): pure — it reads only the compiled Policy and the request headers
// it needs, through a RequestView, and returns a Decision. No host calls, so unit tests drive it directly.

import { Policy } from "../compile/policy";
import { OriginKind, ParsedOrigin, parseOriginInto } from "../compile/origin";
import { charAt, isTchar } from "../ascii";
import { RequestView } from "./request";
import { Decision, Kind, Verdict, Reason, Reply, VaryKind } from "./decision";
import { isSameOrigin } from "./sameorigin";
import { checkRequestHeaders, echoRequestHeaders, AcrhStatus } from "./acrh";

// One parsed Origin per decision, reused: decisions run one at a time and keep only strings.
const scratch = new ParsedOrigin();

export function decide(p: Policy, req: RequestView): Decision {
  const d = new Decision();
  const origin = req.header("origin");
  d.origin = origin;

  // §2 step 2: no Origin → not a CORS request (fetch#cors-request: a CORS request includes an `Origin` header)
  if (origin === null) return notCors(p, d, Reason.NoOrigin);

  // §2 step 3: same-origin → not a CORS request. Sec-Fetch-Site (w3c Fetch Metadata, sec-fetch-site) settles it cheaply;
  // otherwise compare scheme/host/port with the request's own.
  const site = req.header("sec-fetch-site");
  if (site !== null && site == "same-origin") return notCors(p, d, Reason.SameOrigin);
  const o = parseOriginInto(origin, scratch);
  if (o.ok && isSameOrigin(o, req)) return notCors(p, d, Reason.SameOrigin);

  // §2 step 4: preflight = :method exactly OPTIONS AND ACRM present (fetch#cors-preflight-request); an OPTIONS
  // without ACRM is an ordinary actual request
  const method = req.header(":method");
  const acrm = method !== null && method == "OPTIONS" ? req.header("access-control-request-method") : null;
  const allowed = p.originAllowed(o);
  const badOrigin = o.kind == OriginKind.Malformed || o.kind == OriginKind.TooLong
    ? Reason.OriginMalformed : Reason.OriginNotAllowed;

  if (acrm !== null) {
    d.kind = Kind.Preflight;
    // every preflight reply varies on Origin, ACRM and ACRH (spec §4)
    d.vary = VaryKind.Preflight;
    if (!allowed) return rejectPreflight(p, d, badOrigin);
    // ACRM: safelisted, listed (byte-exact) or "*" — and only a token is ever echoed (spec §6)
    if (!isToken(acrm) || !p.methodAllowed(acrm)) return rejectPreflight(p, d, Reason.MethodNotAllowed);
    const acrh = req.header("access-control-request-headers");
    if (acrh !== null) {
      const st = checkRequestHeaders(acrh, p.anyHeader, p.headers);
      if (st != AcrhStatus.Ok) {
        return rejectPreflight(p, d, st == AcrhStatus.NotAllowed ? Reason.HeaderNotAllowed
          : st == AcrhStatus.Malformed ? Reason.HeadersMalformed : Reason.HeadersTooMany);
      }
    }
    d.verdict = Verdict.Allowed;
    d.reason = Reason.Allowed;
    d.reply = p.preflightContinue ? Reply.Forward : Reply.Preflight;
    d.acao = p.anyOriginLiteral ? "*" : origin;
    d.acac = p.credentials;
    const acam = p.anyMethod ? acrm : p.acam;
    if (acam.length > 0) d.acam = acam; // an empty allow_methods list: safelisted methods need no ACAM (fetch#cors-preflight-fetch-0)
    if (acrh !== null) {
      const acah = p.anyHeader ? echoRequestHeaders(acrh) : p.acah;
      if (acah.length > 0) d.acah = acah;
    }
    d.acma = p.acma;
    // Private Network Access (WICG): grant only when asked and allowed; never fails a preflight
    if (p.privateNetwork) {
      const pna = req.header("access-control-request-private-network");
      d.acapn = pna !== null && pna == "true";
    }
    return d;
  }

  // §2 step 6: actual request
  d.kind = Kind.Actual;
  d.vary = p.varyOnOrigin ? VaryKind.Origin : VaryKind.None;
  if (!allowed) return rejectActual(p, d, req, badOrigin);
  if (method === null || !p.methodAllowed(method)) return rejectActual(p, d, req, Reason.MethodNotAllowed);
  d.verdict = Verdict.Allowed;
  d.reason = Reason.Allowed;
  d.acao = p.anyOriginLiteral ? "*" : origin;
  d.acac = p.credentials;
  if (p.aceh.length > 0) d.aceh = p.aceh;
  if (p.hasTiming) {
    // APISIX's Timing-Allow-Origin: the request's Origin byte for byte when listed (exact, normalised)
    if (p.timingAll) d.tao = "*";
    else if (o.ok && p.timingOrigins.has(o.normalised())) d.tao = origin;
  }
  return d;
}

/** No Origin, or same-origin. A literal-`*` policy still answers `ACAO: *` (+ ACEH) on every actual response
 *  it handles (spec §2: the same to everyone, so a shared cache may replay it); otherwise only Vary. */
function notCors(p: Policy, d: Decision, reason: Reason): Decision {
  d.kind = Kind.NotCors;
  d.verdict = Verdict.Skipped;
  d.reason = reason;
  if (p.anyOriginLiteral) {
    d.acao = "*";
    if (p.aceh.length > 0) d.aceh = p.aceh;
  }
  d.vary = p.varyOnOrigin ? VaryKind.Origin : VaryKind.None;
  return d;
}

function rejectPreflight(p: Policy, d: Decision, reason: Reason): Decision {
  d.verdict = Verdict.Rejected;
  d.reason = reason;
  // on_disallowed: reject = 403; strip = preflight_status without a grant (or forwarded without one)
  d.reply = p.forbidRejectedPreflight ? Reply.Forbidden : p.preflightContinue ? Reply.Forward : Reply.Stripped;
  return d;
}

function rejectActual(p: Policy, d: Decision, req: RequestView, reason: Reason): Decision {
  d.verdict = Verdict.Rejected;
  d.reason = reason;
  // reject_actual: 403 before the upstream — never for a navigation (a cross-site form POST must reach the
  // app; w3c Fetch Metadata, sec-fetch-mode)
  if (p.forbidRejectedActual) {
    const mode = req.header("sec-fetch-mode");
    const navigation = mode !== null && (mode == "navigate" || mode == "nested-navigate");
    if (!navigation) d.reply = Reply.Forbidden;
  }
  return d;
}

/** RFC 9110 §5.6.2 token: one or more tchar. */
function isToken(s: string): bool {
  const n = s.length;
  if (n == 0) return false;
  for (let i = 0; i < n; i++) if (!isTchar(charAt(s, i))) return false;
  return true;
}
