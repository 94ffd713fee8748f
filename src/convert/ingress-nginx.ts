// Kubernetes Ingress CORS annotations → this filter, as two controllers read them:
//   ingress-nginx: kubernetes/ingress-nginx@dbb11b9 internal/ingress/annotations/cors/main.go (Parse: defaults,
//     validation regexes), internal/ingress/controller/template/template.go buildOriginRegex /
//     buildCorsOriginRegex, rootfs/etc/nginx/template/nginx.tmpl "CORS" (headers on every response, 204 for OPTIONS),
//     docs/user-guide/nginx-configuration/annotations.md "Enable CORS";
//   Higress (ingressClassName higress, or `higress.io/` annotations): alibaba/higress pkg/ingress/kube/annotations/
//     cors.go (its own defaults; becomes Istio's CorsPolicy, so Envoy's semantics, src/convert/envoy.ts).
import { POLICY_KINDS } from "./envoy.js";
import { assemble, type Scoped } from "./rules.js";
import { Recorder, SHARED_KINDS, type KindSpec, type SourceTable } from "./table.js";
import type { Aspect, Conversion, Obj, OurConfig } from "./types.js";
import { isObject } from "./types.js";
import { commaList, escapeRegex, keyPath, putOrigins } from "./values.js";

const CITE_NGINX = "kubernetes/ingress-nginx@dbb11b9 ";
const CITE_HIGRESS = "alibaba/higress@ae50aba pkg/ingress/kube/annotations/cors.go";
const NGINX_DEFAULTS = {
  methods: "GET, PUT, POST, DELETE, PATCH, OPTIONS",
  headers: "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization",
  maxAge: 1728000,
};
const HIGRESS_DEFAULTS = {
  methods: "GET, PUT, POST, DELETE, PATCH, OPTIONS",
  headers: "DNT,X-CustomHeader,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Authorization",
  maxAge: 1728000,
};
// main.go's validation: a value that fails it is replaced by the default.
const ORIGIN_RE = /^([a-z]+:\/\/(\*\.)?[A-Za-z0-9\-.]*(:\d+)?|\*|null)?$/;
const METHODS_RE = /^([A-Za-z]+,?\s?)+$/;
const HEADERS_RE = /^[A-Za-z0-9-_, ]*$/;
const EXPOSE_RE = /^(([A-Za-z0-9\-_]+|\*),?\s?)+$/;

const ALL: Aspect[] = ["status", "access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-methods", "access-control-allow-headers", "access-control-max-age", "access-control-expose-headers", "vary"];

const NGINX_KINDS: Record<string, KindSpec> = {
  "any-origin-credentials": {
    peer: "cors-allow-origin \"*\" with cors-allow-credentials true (the default): sent Access-Control-Allow-Origin: * with -Allow-Credentials: true, which browsers refuse for credentialed requests",
    ours: 'allow_origins: ["*"] without credentials (the same outcome in browsers)',
    restore: 'allow_origin_patterns: ["*"] with allow_credentials: true echoes any origin with credentials',
    aspects: ["access-control-allow-credentials"],
  },
  "single-label-wildcard": {
    peer: "{origin}: `*` stood for exactly one label ([A-Za-z0-9-]+)",
    ours: "allow_origin_regexes entry {ours} (the same origins; allow_origin_patterns would also allow deeper subdomains)",
    aspects: [],
  },
  "unanchored-start": {
    peer: "matched the origins as `~* (…)$`, anchored at the end only, case-insensitively",
    ours: "matches the whole origin (an Origin that merely ends with an entry, e.g. with another scheme in front, is no longer allowed)",
    aspects: ["access-control-allow-origin"],
  },
  "invalid-value": {
    peer: "{key} {value} failed the controller's validation and was replaced by {fallback}",
    ours: "uses {fallback} too",
    aspects: [],
  },
  "skipped-origin": {
    peer: "cors-allow-origin entry {origin} failed the controller's validation and was skipped",
    ours: "leaves it out too",
    aspects: [],
  },
  "options-204": {
    peer: "answered every OPTIONS from an allowed origin itself with 204 (with or without Access-Control-Request-Method), and checked neither the method nor the headers",
    ours: "answers preflights (OPTIONS with Access-Control-Request-Method) with 200, 403 when the method or headers are not allowed; any other OPTIONS goes to the upstream",
    restore: "preflight_status: 204",
    aspects: ALL,
  },
  "refused-forwarded": {
    peer: "sent OPTIONS from an origin it did not allow on to the upstream, without CORS headers",
    ours: "answers such a preflight with 403 and no CORS header",
    restore: 'on_disallowed: "strip" (no CORS header, not forwarded)',
    aspects: ALL,
  },
  "headers-on-every-response": {
    peer: "sent Access-Control-Allow-Methods, -Allow-Headers and -Max-Age on every response to an allowed origin",
    ours: "sends them only on preflight replies (Fetch reads them only there)",
    aspects: ["access-control-allow-methods", "access-control-allow-headers", "access-control-max-age"],
  },
  "no-vary": {
    peer: "sent no Vary",
    ours: "sends Vary: Origin whenever the answer depends on the Origin",
    aspects: ["vary"],
  },
  "untouched-when-refused": SHARED_KINDS["untouched-when-refused"],
  "higress-wildcard": {
    peer: "Higress turned {origin} into the regex {regex} over the whole origin: any scheme, no port",
    ours: "allow_origin_regexes entry {regex} (the same origins)",
    aspects: [],
  },
  "higress-wildcard-skipped": {
    peer: "Higress skipped {origin} (a `*` that does not start the host)",
    ours: "leaves it out too",
    aspects: [],
  },
  "higress-any": {
    peer: "Higress turned cors-allow-origin \"*\" into the regex \".*\": every Origin echoed{credentials}",
    ours: "{ours}",
    aspects: ["access-control-allow-origin", "vary"],
  },
};

export const INGRESS_NGINX: SourceTable = {
  source: "ingress-nginx",
  title: "Ingress annotations (ingress-nginx, and Higress's reading of them)",
  reads: "Kubernetes `Ingress` documents with `nginx.ingress.kubernetes.io/enable-cors: \"true\"` and the `cors-*` annotations (also `higress.io/…`); `ingressClassName: higress` or `higress.io/` annotations select Higress's semantics",
  kinds: { ...NGINX_KINDS, ...Object.fromEntries(["forward-unmatched", "preflight-not-checked", "actual-method"].map((k) => [k, POLICY_KINDS[k]])) },
  rows: [
    {
      key: "cors-allow-origin",
      peerDefault: "`*`",
      ours: "`allow_origins`; `scheme://*.host` → `allow_origin_regexes` (one label); `*` → `[\"*\"]`",
      kinds: ["any-origin-credentials", "single-label-wildcard", "unanchored-start", "skipped-origin"],
      cite: CITE_NGINX + "internal/ingress/annotations/cors/main.go Parse; template.go buildOriginRegex",
      example: {
        native: {
          apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", namespace: "default", annotations: {
            "nginx.ingress.kubernetes.io/enable-cors": "true",
            "nginx.ingress.kubernetes.io/cors-allow-origin": "https://origin-site.com:4443, http://*.origin-site.com",
            "nginx.ingress.kubernetes.io/cors-allow-credentials": "false",
          } }, spec: { rules: [{ host: "api.example.com" }] },
        },
        expect: {
          allow_origins: ["https://origin-site.com:4443"], allow_origin_regexes: ["http://[a-z0-9-]+\\.origin-site\\.com"],
          allow_methods: ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"],
          allow_headers: ["DNT", "Keep-Alive", "User-Agent", "X-Requested-With", "If-Modified-Since", "Cache-Control", "Content-Type", "Range", "Authorization"],
          max_age: 1728000,
        },
        kinds: ["single-label-wildcard", "unanchored-start", "options-204", "refused-forwarded", "headers-on-every-response", "no-vary", "untouched-when-refused"],
      },
    },
    {
      key: "cors-allow-methods / cors-allow-headers / cors-expose-headers",
      peerDefault: "`GET, PUT, POST, DELETE, PATCH, OPTIONS` / `DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization` / none",
      ours: "`allow_methods` / `allow_headers` / `expose_headers` (a value the controller refuses → its default)",
      kinds: ["invalid-value"],
      cite: CITE_NGINX + "internal/ingress/annotations/cors/main.go defaultCorsMethods, defaultCorsHeaders",
      example: {
        native: {
          apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", annotations: {
            "nginx.ingress.kubernetes.io/enable-cors": "true",
            "nginx.ingress.kubernetes.io/cors-allow-methods": "PUT, GET, POST, OPTIONS",
            "nginx.ingress.kubernetes.io/cors-allow-headers": "X-Forwarded-For, X-app123-XPTO",
            "nginx.ingress.kubernetes.io/cors-expose-headers": "*, X-CustomResponseHeader",
            "nginx.ingress.kubernetes.io/cors-max-age": "600",
          } }, spec: {},
        },
        expect: { allow_origins: ["*"], allow_methods: ["PUT", "GET", "POST", "OPTIONS"], allow_headers: ["X-Forwarded-For", "X-app123-XPTO"], expose_headers: ["*", "X-CustomResponseHeader"], max_age: 600 },
        kinds: ["any-origin-credentials", "options-204", "refused-forwarded", "headers-on-every-response", "untouched-when-refused"],
      },
    },
    {
      key: "cors-allow-credentials / cors-max-age",
      peerDefault: "`true` / `1728000`",
      ours: "`allow_credentials` / `max_age` (1728000 is above Chromium's 7200 cap: check warns)",
      cite: CITE_NGINX + "internal/ingress/annotations/cors/main.go defaultCorsMaxAge",
      example: {
        native: {
          apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", annotations: {
            "nginx.ingress.kubernetes.io/enable-cors": "true",
            "nginx.ingress.kubernetes.io/cors-allow-origin": "https://app.example.com",
          } }, spec: {},
        },
        expect: {
          allow_origins: ["https://app.example.com"], allow_credentials: true,
          allow_methods: ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"],
          allow_headers: ["DNT", "Keep-Alive", "User-Agent", "X-Requested-With", "If-Modified-Since", "Cache-Control", "Content-Type", "Range", "Authorization"],
          max_age: 1728000,
        },
        kinds: ["unanchored-start", "options-204", "refused-forwarded", "headers-on-every-response", "no-vary", "untouched-when-refused"],
      },
    },
    {
      key: "(Higress) cors-allow-origin",
      peerDefault: "`*` → regex `.*` (echo, with credentials by default)",
      ours: "`*` → `allow_origin_patterns: [\"*\"]`; `scheme://*.host` → regex `.*\\.host` (any scheme); exact → `allow_origins`",
      kinds: ["higress-any", "higress-wildcard", "higress-wildcard-skipped", "forward-unmatched"],
      cite: CITE_HIGRESS + " Parse, ApplyRoute",
      example: {
        native: {
          apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", annotations: { "higress.io/enable-cors": "true" } },
          spec: { ingressClassName: "higress" },
        },
        expect: {
          allow_origin_patterns: ["*"], allow_credentials: true, allow_methods: ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"],
          allow_headers: ["DNT", "X-CustomHeader", "Keep-Alive", "User-Agent", "X-Requested-With", "If-Modified-Since", "Cache-Control", "Content-Type", "Authorization"],
          max_age: 1728000,
        },
        kinds: ["higress-any", "actual-method", "forward-unmatched", "preflight-not-checked", "no-vary", "untouched-when-refused"],
      },
    },
  ],
};

interface Anns {
  get(name: string): string | undefined;
  path(name: string): string;
}

function annotations(md: Obj, basePath: string): Anns {
  const a = isObject(md.annotations) ? md.annotations : {};
  const prefixes = ["nginx.ingress.kubernetes.io/", "higress.io/"];
  const find = (name: string): string | undefined => prefixes.map((p) => p + name).find((k) => typeof a[k] === "string");
  return {
    get: (name) => {
      const k = find(name);
      return k === undefined ? undefined : (a[k] as string);
    },
    path: (name) => keyPath(keyPath(keyPath(basePath, "metadata"), "annotations"), find(name) ?? prefixes[0] + name),
  };
}

function convertNginx(an: Anns, base: string, rec: Recorder): OurConfig {
  const out: OurConfig = {};
  const credText = an.get("cors-allow-credentials");
  const credentials = credText === undefined || !/^(false|0|f|F|FALSE|False)$/.test(credText.trim());
  const originText = an.get("cors-allow-origin");
  const entries = originText === undefined ? ["*"] : commaList(originText);
  const exact: string[] = [];
  const regexes: string[] = [];
  let any = false;
  for (const o of entries) {
    if (o === "*") {
      any = true;
      break;
    }
    if (!ORIGIN_RE.test(o)) {
      rec.diff("skipped-origin", an.path("cors-allow-origin"), { origin: JSON.stringify(o) });
      continue;
    }
    if (o.includes("*")) {
      // buildOriginRegex: QuoteMeta, then the first `*` → [A-Za-z0-9\-]+ ; matched case-insensitively
      const star = o.indexOf("*");
      const ours = `${escapeRegex(o.slice(0, star).toLowerCase())}[a-z0-9-]+${escapeRegex(o.slice(star + 1).toLowerCase())}`;
      rec.diff("single-label-wildcard", an.path("cors-allow-origin"), { origin: JSON.stringify(o), ours: JSON.stringify(ours) });
      regexes.push(ours);
    } else exact.push(o.toLowerCase());
  }
  if (any) {
    out.allow_origins = ["*"];
    if (credentials) rec.diff("any-origin-credentials", an.path("cors-allow-credentials"));
  } else {
    putOrigins(out, exact, regexes);
    rec.diff("unanchored-start", an.path("cors-allow-origin"));
    if (credentials) out.allow_credentials = true;
  }
  const pick = (key: string, re: RegExp, fallback: string): string => {
    const v = an.get(key);
    if (v === undefined) return fallback;
    if (!re.test(v)) {
      rec.diff("invalid-value", an.path(key), { key, value: JSON.stringify(v), fallback: JSON.stringify(fallback) });
      return fallback;
    }
    return v;
  };
  out.allow_methods = commaList(pick("cors-allow-methods", METHODS_RE, NGINX_DEFAULTS.methods));
  out.allow_headers = commaList(pick("cors-allow-headers", HEADERS_RE, NGINX_DEFAULTS.headers));
  const expose = commaList(pick("cors-expose-headers", EXPOSE_RE, ""));
  if (expose.length > 0) out.expose_headers = expose;
  const maxText = an.get("cors-max-age");
  out.max_age = maxText !== undefined && /^-?\d+$/.test(maxText.trim()) ? Math.max(0, Number(maxText.trim())) : NGINX_DEFAULTS.maxAge;
  const at = keyPath(keyPath(base, "metadata"), "annotations");
  rec.diff("options-204", at);
  rec.diff("refused-forwarded", at);
  rec.diff("headers-on-every-response", at);
  if (!any) rec.diff("no-vary", at);
  rec.diff("untouched-when-refused", at);
  return out;
}

function convertHigressAnnotations(an: Anns, base: string, rec: Recorder): OurConfig {
  const out: OurConfig = {};
  const split = (v: string): string[] => {
    const items = v.split(",").map((x) => x.trim());
    return items.includes("*") ? ["*"] : items;
  };
  const credText = an.get("cors-allow-credentials");
  const credentials = credText === undefined ? true : /^(true|1|t|T|TRUE|True)$/.test(credText.trim());
  const origins = split(an.get("cors-allow-origin") ?? "*");
  const exact: string[] = [];
  const regexes: string[] = [];
  let any = false;
  for (const o of origins) {
    if (o === "*") {
      any = true;
      break;
    }
    if (o.includes("*")) {
      const m = /^[^:]+:\/\/(\*[^/]*)/.exec(o);
      if (m === null) {
        rec.diff("higress-wildcard-skipped", an.path("cors-allow-origin"), { origin: JSON.stringify(o) });
        continue;
      }
      const regex = `.*${m[1].slice(1).replace(/\./g, "\\.")}`;
      rec.diff("higress-wildcard", an.path("cors-allow-origin"), { origin: JSON.stringify(o), regex: JSON.stringify(regex) });
      regexes.push(regex);
    } else exact.push(o);
  }
  if (any) {
    if (credentials) out.allow_origin_patterns = ["*"];
    else out.allow_origins = ["*"];
    rec.diff("higress-any", an.path("cors-allow-origin"), credentials
      ? { credentials: " with Access-Control-Allow-Credentials: true", ours: 'allow_origin_patterns: ["*"] with allow_credentials (a warning at check; `null` is not echoed)' }
      : { credentials: "", ours: 'allow_origins: ["*"] (a literal *)' });
  } else {
    putOrigins(out, exact, regexes);
  }
  if (credentials) out.allow_credentials = true;
  const methods = split(an.get("cors-allow-methods") ?? HIGRESS_DEFAULTS.methods);
  out.allow_methods = methods;
  if (methods[0] !== "*") rec.diff("actual-method", an.path("cors-allow-methods"));
  out.allow_headers = split(an.get("cors-allow-headers") ?? HIGRESS_DEFAULTS.headers);
  const expose = an.get("cors-expose-headers");
  if (expose !== undefined) out.expose_headers = split(expose).filter((x) => x !== "");
  const maxText = an.get("cors-max-age");
  out.max_age = maxText !== undefined && /^\d+$/.test(maxText.trim()) ? Number(maxText.trim()) : HIGRESS_DEFAULTS.maxAge;
  const at = keyPath(keyPath(base, "metadata"), "annotations");
  rec.diff("forward-unmatched", at, { key: "(no annotation)" });
  rec.diff("preflight-not-checked", at);
  rec.diff("no-vary", at);
  rec.diff("untouched-when-refused", at);
  return out;
}

export function convertIngress(docs: unknown[], source = "ingress-nginx"): Conversion {
  const rec = new Recorder(INGRESS_NGINX.kinds);
  const entries: Array<{ config: OurConfig; hosts: string[]; label: string; path: string }> = [];
  const flat: Array<{ doc: unknown; path: string }> = [];
  docs.forEach((d, i) => {
    const p = docs.length > 1 ? `[${i}]` : "";
    if (isObject(d) && d.kind === "List" && Array.isArray(d.items)) d.items.forEach((it, j) => flat.push({ doc: it, path: keyPath(keyPath(p, "items"), j) }));
    else flat.push({ doc: d, path: p });
  });
  for (const { doc, path } of flat) {
    if (!isObject(doc) || doc.kind !== "Ingress") continue;
    const md = isObject(doc.metadata) ? doc.metadata : {};
    const an = annotations(md, path);
    const enable = an.get("enable-cors");
    const label = `Ingress ${typeof md.namespace === "string" ? `${md.namespace}/` : ""}${String(md.name ?? "(unnamed)")}`;
    if (enable === undefined || !/^(true|1|t|T|TRUE|True)$/.test(enable.trim())) {
      rec.note(`${label}: enable-cors is not "true": no CORS there`);
      continue;
    }
    const spec = isObject(doc.spec) ? doc.spec : {};
    const higress = spec.ingressClassName === "higress" || Object.keys(isObject(md.annotations) ? md.annotations : {}).some((k) => k.startsWith("higress.io/"));
    const config = higress ? convertHigressAnnotations(an, path, rec) : convertNginx(an, path, rec);
    const rules = Array.isArray(spec.rules) ? spec.rules : [];
    const hosts = rules.filter(isObject).map((r) => r.host).filter((h): h is string => typeof h === "string");
    entries.push({ config, hosts, label, path });
    if (higress) rec.note(`${label}: read as Higress reads the annotations (ingressClassName higress or higress.io/ annotations)`);
  }
  if (entries.length === 0) {
    rec.error("metadata.annotations", "no Ingress with enable-cors \"true\" in this file");
    return rec.result([]);
  }
  if (entries.length === 1) {
    const e = entries[0];
    if (e.hosts.length > 0) rec.note(`${e.label} (hosts ${e.hosts.join(", ")}) becomes the whole configuration: attach the filter where those hosts are served`);
    return rec.result([{ source: `${source} ${e.label}`, config: e.config }]);
  }
  // Several Ingresses: one _match_domain_ rule each; a host claimed by two different configurations is an error.
  const seen = new Map<string, { key: string; label: string }>();
  let global: OurConfig | undefined;
  const scoped: Scoped[] = [];
  for (const e of entries) {
    if (e.hosts.length === 0) {
      if (global !== undefined) rec.error(e.path || "metadata", `${e.label}: a second Ingress without a host; both would be the global configuration`);
      global = e.config;
      continue;
    }
    const key = JSON.stringify(e.config);
    for (const h of e.hosts) {
      const prev = seen.get(h);
      if (prev !== undefined && prev.key !== key) rec.error(keyPath(keyPath(e.path, "spec"), "rules"), `host ${h} has another CORS configuration in ${prev.label}: a domain rule cannot tell their paths apart; convert them separately`);
      seen.set(h, { key, label: e.label });
    }
    scoped.push({ config: e.config, label: e.label, domain: e.hosts });
  }
  return rec.result([{ source, config: assemble(global, scoped) }]);
}
