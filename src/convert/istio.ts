// Istio's VirtualService `http[].corsPolicy` → this filter. Facts from istio/api@b8f8791
// networking/v1alpha3/virtual_service.proto (CorsPolicy: allow_origins StringMatch exact/prefix/regex, the
// deprecated allow_origin, allow_methods, allow_headers, expose_headers, max_age Duration, allow_credentials,
// unmatched_preflights FORWARD/IGNORE). Istio hands Envoy the same CorsPolicy, so the semantics are Envoy's
// (src/convert/envoy.ts).
import { convertPolicy, POLICY_KINDS, type Policy } from "./envoy.js";
import { assemble, type Scoped } from "./rules.js";
import { Recorder, type SourceTable } from "./table.js";
import type { Conversion, Obj, OurConfig } from "./types.js";
import { isObject } from "./types.js";
import { goDurationSeconds, keyPath } from "./values.js";

const CITE = "istio/api@b8f8791 networking/v1alpha3/virtual_service.proto CorsPolicy";

export const ISTIO: SourceTable = {
  source: "istio",
  title: "Istio `VirtualService` `corsPolicy`",
  reads: "`VirtualService` documents (`networking.istio.io/v1`, `v1beta1`, `v1alpha3`): every `spec.http[].corsPolicy`",
  kinds: POLICY_KINDS,
  rows: [
    {
      key: "allowOrigins (exact / prefix / regex), allowOrigin",
      peerDefault: "none = no origin allowed",
      ours: "exact origin → `allow_origins`; prefix / regex → `allow_origin_regexes`; a matcher matching `*` → any origin",
      kinds: ["matches-star", "exact-case", "matcher-regex", "prefix-origin"],
      cite: CITE,
      example: {
        native: { allowOrigins: [{ exact: "https://app.example.com" }, { regex: "https://.*\\.example\\.org" }], allowMethods: ["GET", "POST"], allowHeaders: ["authorization"], maxAge: "24h", allowCredentials: true },
        expect: { allow_origins: ["https://app.example.com"], allow_origin_regexes: ["https://.*\\.example\\.org"], allow_methods: ["GET", "POST"], allow_headers: ["authorization"], max_age: 86400, allow_credentials: true },
        kinds: ["actual-method", "forward-unmatched", "preflight-not-checked", "no-vary", "untouched-when-refused"],
      },
    },
    {
      key: "maxAge",
      peerDefault: "unset = not sent",
      ours: "`max_age` in whole seconds (unset → 5)",
      kinds: ["max-age-unset"],
      cite: CITE,
      example: {
        native: { allowOrigins: [{ prefix: "*" }], allowMethods: ["*"], allowHeaders: ["*"] },
        expect: { allow_origins: ["*"], allow_methods: ["*"], allow_headers: ["*"], max_age: 5 },
        kinds: ["matches-star", "max-age-unset", "forward-unmatched", "preflight-not-checked", "no-vary", "untouched-when-refused"],
      },
    },
    {
      key: "unmatchedPreflights",
      peerDefault: "FORWARD",
      ours: "IGNORE → `on_disallowed: \"strip\"`; FORWARD → our 403",
      kinds: ["forward-unmatched", "strip-local"],
      cite: CITE + " UnmatchedPreflights",
      example: {
        native: { allowOrigins: [{ exact: "https://a.example.com" }], allowMethods: ["GET"], allowHeaders: ["x-api-key"], maxAge: "10m", unmatchedPreflights: "IGNORE" },
        expect: { allow_origins: ["https://a.example.com"], allow_methods: ["GET"], allow_headers: ["x-api-key"], max_age: 600, on_disallowed: "strip" },
        kinds: ["actual-method", "strip-local", "preflight-not-checked", "no-vary", "untouched-when-refused"],
      },
    },
  ],
};

function get(o: Obj, camel: string, snake: string): unknown {
  return o[camel] ?? o[snake];
}

function joined(v: unknown, path: string, rec: Recorder): { value: string; path: string } | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    rec.error(path, "must be a list of strings");
    return undefined;
  }
  // Istio joins the list with "," into Envoy's string field.
  return v.length === 0 ? undefined : { value: (v as string[]).join(","), path };
}

/** One corsPolicy → Policy (Envoy's shape). */
function readIstioPolicy(cp: Obj, path: string, rec: Recorder): Policy {
  const p: Policy = {
    matchers: [],
    originsPath: keyPath(path, "allowOrigins"),
    names: { methods: "allowMethods", headers: "allowHeaders", maxAge: "maxAge", forward: "unmatchedPreflights" },
  };
  const origins = get(cp, "allowOrigins", "allow_origins");
  if (Array.isArray(origins)) origins.forEach((m, i) => p.matchers.push({ m, path: `${keyPath(path, "allowOrigins")}[${i}]` }));
  const legacy = get(cp, "allowOrigin", "allow_origin");
  if (Array.isArray(legacy)) {
    legacy.forEach((s, i) => p.matchers.push({ m: { exact: s }, path: `${keyPath(path, "allowOrigin")}[${i}]` }));
  }
  p.methods = joined(get(cp, "allowMethods", "allow_methods"), keyPath(path, "allowMethods"), rec);
  p.headers = joined(get(cp, "allowHeaders", "allow_headers"), keyPath(path, "allowHeaders"), rec);
  p.expose = joined(get(cp, "exposeHeaders", "expose_headers"), keyPath(path, "exposeHeaders"), rec);
  const maxAge = get(cp, "maxAge", "max_age");
  if (maxAge !== undefined && maxAge !== null) {
    const s = typeof maxAge === "string" ? goDurationSeconds(maxAge) : null;
    p.maxAge = { seconds: s, raw: maxAge, path: keyPath(path, "maxAge") };
  }
  const cred = get(cp, "allowCredentials", "allow_credentials");
  if (typeof cred === "boolean") p.credentials = { value: cred, path: keyPath(path, "allowCredentials") };
  const unmatched = get(cp, "unmatchedPreflights", "unmatched_preflights");
  if (unmatched === "IGNORE") p.forward = { value: false, path: keyPath(path, "unmatchedPreflights") };
  else if (unmatched !== undefined && unmatched !== "FORWARD" && unmatched !== "UNSPECIFIED") {
    rec.error(keyPath(path, "unmatchedPreflights"), `must be FORWARD or IGNORE, got ${JSON.stringify(unmatched)}`);
  }
  return p;
}

export function convertIstio(docs: unknown[], source = "istio"): Conversion {
  const rec = new Recorder(ISTIO.kinds);
  const scoped: Scoped[] = [];
  let global: OurConfig | undefined;
  let count = 0;
  docs.forEach((doc, di) => {
    if (!isObject(doc)) return;
    const base = docs.length > 1 ? `[${di}]` : "";
    if (doc.kind !== "VirtualService") {
      // a bare corsPolicy
      if (docs.length === 1 && ("allowOrigins" in doc || "allowOrigin" in doc || "allow_origins" in doc)) {
        const c = convertPolicy(readIstioPolicy(doc, "", rec), rec);
        if (c !== null) global = c;
        count++;
      }
      return;
    }
    const spec = isObject(doc.spec) ? doc.spec : {};
    const hosts = Array.isArray(spec.hosts) ? spec.hosts.filter((h): h is string => typeof h === "string") : [];
    const http = Array.isArray(spec.http) ? spec.http : [];
    const specPath = keyPath(base, "spec");
    const entries = http.map((h, i) => ({ h: isObject(h) ? h : {}, path: `${specPath}.http[${i}]` }));
    const withCors = entries.filter((e) => isObject(e.h.corsPolicy));
    if (withCors.length === 0) return;
    const policies = withCors.map((e) => ({ e, key: JSON.stringify(e.h.corsPolicy) }));
    const allSame = withCors.length === entries.length && policies.every((p) => p.key === policies[0].key);
    if (allSame) {
      const c = convertPolicy(readIstioPolicy(withCors[0].h.corsPolicy as Obj, `${withCors[0].path}.corsPolicy`, rec), rec);
      count++;
      if (c === null) return;
      if (hosts.length === 0 || hosts.includes("*")) global = c;
      else scoped.push({ config: c, label: `VirtualService ${String((doc.metadata as Obj | undefined)?.name ?? di)}`, domain: hosts });
      return;
    }
    for (const { e } of policies) {
      count++;
      const name = typeof e.h.name === "string" ? e.h.name : undefined;
      if (name === undefined) {
        rec.error(e.path, "has a corsPolicy that differs from the other routes' but no name: _match_route_ needs the route's name; name it");
        continue;
      }
      const c = convertPolicy(readIstioPolicy(e.h.corsPolicy as Obj, `${e.path}.corsPolicy`, rec), rec);
      if (c !== null) scoped.push({ config: c, label: `route ${name}`, route: [name] });
    }
  });
  if (count === 0) {
    rec.error("spec.http", "no corsPolicy in any VirtualService http route");
    return rec.result([]);
  }
  return rec.result([{ source, config: assemble(global, scoped) }]);
}
