// Higress's `cors` plugin → this filter. Our keys are Higress's (docs/config.md), so this checks and normalises
// and names where Higress 2.0.x behaves otherwise. Facts from higress-group/higress@8e4041c
// plugins/wasm-go/extensions/cors/{main.go, config/cors_config.go, README_EN.md} (docs/peers.md D01-D26) and
// the Higress controller's matchRules → _rules_ (src/platforms/higress.ts higressPluginStruct).
import { higressPluginStruct } from "../platforms/higress.js";
import { Recorder, type SourceTable } from "./table.js";
import type { Conversion, Obj, OurConfig } from "./types.js";
import { isObject } from "./types.js";
import { escapeRegex, keyPath } from "./values.js";

const CITE = "higress-group/higress@8e4041c plugins/wasm-go/extensions/cors/";

export const HIGRESS: SourceTable = {
  source: "higress",
  title: "Higress `cors` plugin",
  reads: "a Higress `WasmPlugin` (`defaultConfig` + `matchRules` → `_rules_`, as the controller does) or the plugin configuration itself",
  kinds: {
    "preflight-status": {
      peer: "answered preflights with 204 (2.0.x), allowed or refused",
      ours: "answers allowed preflights with 200 and refused ones with 403",
      restore: 'preflight_status: 204 and on_disallowed: "strip"',
      aspects: ["status"],
    },
    "star-reflected": {
      peer: "allow_origins \"*\" echoed the request's Origin (junk and `null` included)",
      ours: "answers a literal * (Fetch's static form, cacheable without Vary)",
      restore: 'allow_origin_patterns: ["*"] echoes well-formed origins',
      aspects: ["access-control-allow-origin", "vary"],
    },
    "star-credentials": {
      peer: "allow_origins \"*\" with allow_credentials: true accepted the configuration and dropped the credentials (only logged)",
      ours: "leaves allow_credentials out, as Higress ended up doing",
      restore: 'allow_origin_patterns: ["*"] with allow_credentials: true',
      aspects: [],
    },
    "max-age-nonpositive": {
      peer: "max_age {value}: Higress used 86400 instead (SetMaxAge)",
      ours: "max_age: 86400",
      aspects: [],
    },
    "pattern-regex": {
      peer: "pattern {pattern}: `*` matched any characters",
      ours: "allow_origin_regexes entry {ours} (our patterns take `*` only as a whole leading label)",
      aspects: [],
    },
    "safelisted-methods": {
      peer: "checked GET, HEAD and POST like any other method (a preflight for one not listed failed)",
      ours: "always allows GET, HEAD and POST",
      aspects: ["status", "access-control-allow-origin", "access-control-allow-methods"],
    },
    "aceh-on-preflight": {
      peer: "sent Access-Control-Expose-Headers on preflight replies too",
      ours: "sends it on actual responses only (Fetch reads it only there)",
      aspects: ["access-control-expose-headers"],
    },
  },
  rows: [
    {
      key: "allow_origins / allow_origin_patterns",
      peerDefault: "`*` (echoed)",
      ours: "the same keys; `*` is a literal `*` here; a pattern with `*` elsewhere → `allow_origin_regexes`",
      kinds: ["star-reflected", "star-credentials", "pattern-regex"],
      cite: CITE + "config/cors_config.go checkOrigin, SetAllowCredentials",
      example: {
        native: { allow_origins: ["*"], allow_origin_patterns: ["https://api-*.example.com"], allow_credentials: true, max_age: 3600 },
        expect: { allow_origins: ["*"], allow_origin_regexes: ["https://api-.*\\.example\\.com"], max_age: 3600 },
        kinds: ["star-reflected", "star-credentials", "pattern-regex", "preflight-status", "safelisted-methods"],
      },
    },
    {
      key: "max_age",
      peerDefault: "86400 (0 or less → 86400)",
      ours: "`max_age`",
      kinds: ["max-age-nonpositive"],
      cite: CITE + "config/cors_config.go SetMaxAge",
      example: {
        native: { apiVersion: "extensions.higress.io/v1alpha1", kind: "WasmPlugin", metadata: { name: "cors" }, spec: { defaultConfig: { allow_origins: ["https://a.example.com"], max_age: 0, expose_headers: ["X-Id"] } } },
        expect: { allow_origins: ["https://a.example.com"], max_age: 86400, expose_headers: ["X-Id"] },
        kinds: ["max-age-nonpositive", "preflight-status", "safelisted-methods", "aceh-on-preflight"],
      },
    },
  ],
};

const OUR_PATTERN = /^(\*|([a-z][a-z0-9+.-]*|\*):\/\/(\*|(\*\.)?[a-z0-9_.-]+|\[[0-9a-f:.]+\])(:(\d+|\[(\*|\d+(,\d+)*)\]))?)$/i;

function normalise(c: Obj, path: string, rec: Recorder): OurConfig {
  const out: OurConfig = { ...c };
  const origins = Array.isArray(c.allow_origins) ? c.allow_origins : undefined;
  const any = origins === undefined && c.allow_origin_patterns === undefined && c.allow_origin_regexes === undefined ? true : origins?.includes("*") === true;
  if (any) rec.diff("star-reflected", keyPath(path, "allow_origins"));
  if (any && c.allow_credentials === true) {
    delete out.allow_credentials;
    rec.diff("star-credentials", keyPath(path, "allow_credentials"));
  }
  if (Array.isArray(c.allow_origin_patterns)) {
    const keep: unknown[] = [];
    const regexes: string[] = Array.isArray(c.allow_origin_regexes) ? [...(c.allow_origin_regexes as string[])] : [];
    c.allow_origin_patterns.forEach((p, i) => {
      if (typeof p !== "string" || OUR_PATTERN.test(p)) {
        keep.push(p);
        return;
      }
      // cors_config.go: "." is escaped and "*" becomes ".*" (anchored in 2.0.x)
      const ours = p.split("*").map(escapeRegex).join(".*");
      rec.diff("pattern-regex", `${keyPath(path, "allow_origin_patterns")}[${i}]`, { pattern: JSON.stringify(p), ours: JSON.stringify(ours) });
      regexes.push(ours);
    });
    if (keep.length > 0) out.allow_origin_patterns = keep;
    else delete out.allow_origin_patterns;
    if (regexes.length > 0) out.allow_origin_regexes = regexes;
  }
  if (typeof c.max_age === "number" && c.max_age <= 0) {
    out.max_age = 86400;
    rec.diff("max-age-nonpositive", keyPath(path, "max_age"), { value: String(c.max_age) });
  }
  rec.diff("preflight-status", path === "" ? "cors" : path);
  const methods = Array.isArray(c.allow_methods) ? (c.allow_methods as unknown[]).map((m) => String(m).toUpperCase()) : ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"];
  if (!methods.includes("*") && !["GET", "HEAD", "POST"].every((m) => methods.includes(m))) rec.diff("safelisted-methods", keyPath(path, "allow_methods"));
  if (Array.isArray(c.expose_headers) && c.expose_headers.length > 0) rec.diff("aceh-on-preflight", keyPath(path, "expose_headers"));
  return out;
}

export function convertHigress(doc: unknown, source = "higress"): Conversion {
  const rec = new Recorder(HIGRESS.kinds);
  if (!isObject(doc)) {
    rec.error("", "a Higress cors configuration is an object");
    return rec.result([]);
  }
  let struct: Obj | undefined | null = doc;
  let base = "";
  if (doc.kind === "WasmPlugin") {
    try {
      struct = higressPluginStruct(isObject(doc.spec) ? doc.spec : {});
    } catch (e) {
      rec.error("spec", (e as Error).message);
      return rec.result([]);
    }
    if (struct === null) {
      rec.error("spec.defaultConfigDisable", "is true and no match rule is enabled: Higress pushes no configuration");
      return rec.result([]);
    }
    struct = struct ?? {};
    base = "spec.defaultConfig";
  }
  const globalKeys = Object.fromEntries(Object.entries(struct).filter(([k]) => k !== "_rules_"));
  const hasGlobal = !Array.isArray(struct._rules_) || Object.keys(globalKeys).some((k) => !k.startsWith("_"));
  const out: OurConfig = hasGlobal ? normalise(globalKeys, base, rec) : {};
  if (Array.isArray(struct._rules_)) {
    out._rules_ = struct._rules_.map((r, i) => (isObject(r) ? normalise(r, base === "" ? `_rules_[${i}]` : `spec.matchRules[${i}].config`, rec) : r));
  }
  return rec.result([{ source, config: out }]);
}
