# Generates schema/cors-proxy-wasm.schema.json: the grammar regexes (exact origins with WHATWG-valid IPv6 literals,
# origin patterns, RFC 9110 tokens, bounded duration strings, the regex-source subset) are built here from parts,
# which is easier to review than the generated one-line patterns. Run: python3 tools/validate/schema/generate.py
# (then make build && node --test dist/tests/validate/schema.test.js: the agreement test must stay green).
import json
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "schema", "cors-proxy-wasm.schema.json")

def upto(n):
    """Regex (no anchors) for a decimal integer 0..n, leading zeros allowed."""
    s = str(n)
    alts = []
    L = len(s)
    if L > 1:
        alts.append("[0-9]{1,%d}" % (L - 1) if L - 1 > 1 else "[0-9]")
    for i in range(L):
        d = int(s[i])
        rest = L - i - 1
        if i == L - 1:
            alts.append(s[:i] + ("[0-%d]" % d if d > 0 else "0"))
        elif d > (1 if i == 0 else 0):
            lo = 1 if i == 0 else 0
            cls = "[%d-%d]" % (lo, d - 1) if d - 1 > lo else "%d" % lo
            alts.append(s[:i] + cls + ("[0-9]{%d}" % rest if rest > 1 else "[0-9]"))
    return "0*(?:" + "|".join(alts) + ")"

PORT = "(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
H16 = "[0-9A-Fa-f]{1,4}"
OCT = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])"
IPV4 = OCT + "(?:\\." + OCT + "){3}"
LS32 = "(?:" + H16 + ":" + H16 + "|" + IPV4 + ")"
def rep(n): return "(?:" + H16 + ":){%d}" % n if n else ""
def pre(n): return "(?:(?:" + H16 + ":){0,%d}" % (n - 1) + H16 + ")?" if n > 0 else ""
IPV6 = "(?:" + "|".join([
    rep(6) + LS32,
    "::" + rep(5) + LS32,
    pre(1) + "::" + rep(4) + LS32,
    pre(2) + "::" + rep(3) + LS32,
    pre(3) + "::" + rep(2) + LS32,
    pre(4) + "::" + H16 + ":" + LS32,
    pre(5) + "::" + LS32,
    pre(6) + "::" + H16,
    pre(7) + "::",
]) + ")"
LABEL = "[A-Za-z0-9_-]+"
HOST = LABEL + "(?:\\." + LABEL + ")*\\.?"
SCHEME = "[A-Za-z][A-Za-z0-9+.-]*"
ORIGIN = "^" + SCHEME + "://(?:" + HOST + "|\\[" + IPV6 + "\\])(?::" + PORT + ")?/?$"
PATTERN = ("^(?:\\*|" + SCHEME + ")://(?:\\*|\\[" + IPV6 + "\\]|\\*\\." + LABEL + "(?:\\." + LABEL + ")+\\.?|" + HOST + ")"
           "(?::(?:\\[\\*\\]|\\[" + PORT + "(?:," + PORT + ")*\\]|" + PORT + "))?/?$")
TOKEN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
DURATION = "^(?:" + upto(596523) + "h)?(?:" + upto(35791394) + "m)?(?:" + upto(2147483647) + "s)?$"
# Regex sources: the RE2 constructs the filter's engine refuses — flags other than one leading (?i), lookaround,
# named / atomic / comment groups, \p \P \Q \Z \G, backreferences and octal escapes — are excluded here; the rest
# of the syntax is checked by format "regex".
ESC = "\\\\(?:[\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]|[dDwWsStnrfvaxbBAz])"
OPEN = "\\((?:\\?:|\\?P?<[A-Za-z0-9_]+>)?"
REGEX_SRC = "^(?:\\(\\?i\\))?(?:[^\\\\(]|" + ESC + "|(?:" + OPEN + ")+(?:[^?\\\\(]|" + ESC + "))*$"
EXAMPLE_ORIGINS = ["https://app.example.com", "http://localhost:3000"]

def str_list(desc, default, examples, item, title=None):
    d = {"description": desc, "type": "array", "items": item}
    if title: d["title"] = title
    if default is not None: d["default"] = default
    d["examples"] = examples
    return d

defs = {
    "origin": {
        "title": "Exact origin",
        "description": "scheme://host[:port]: ASCII, no path, query, fragment, userinfo or '*'; host = dot-separated labels of letters, digits, '-', '_' (a trailing dot is kept) or a bracketed IPv6 literal; port 1-65535 without leading zeros. Scheme and host are lower-cased and a default port (:80 http, :443 https) dropped at configure time; a lone trailing '/' is dropped with a warning.",
        "type": "string", "maxLength": 2048, "pattern": ORIGIN,
        "examples": ["https://app.example.com", "http://localhost:8080", "https://[::1]:8443"],
    },
    "token": {
        "title": "RFC 9110 token",
        "description": "A method or header name: one or more of ! # $ % & ' * + - . ^ _ ` | ~ digits and letters (no spaces, no commas: one name per entry).",
        "type": "string", "pattern": TOKEN,
    },
    "matchList": {
        "type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1},
    },
    "corsKeys": {
        "description": "Cross-key rules of one configuration object (the global keys, or one _rules_ entry).",
        "allOf": [
            {
                "if": {"required": ["allow_credentials"], "properties": {"allow_credentials": {"const": True}}},
                "then": {
                    "anyOf": [{"required": ["allow_origins"]}, {"required": ["allow_origin_patterns"]}, {"required": ["allow_origin_regexes"]}],
                    "properties": {
                        "allow_origins": {"items": {"not": {"enum": ["*", "null"]},
                            "$comment": "\"*\" cannot carry credentials (use allow_origin_patterns: [\"*\"] to echo any origin); \"null\" can be sent by any sandboxed iframe"}},
                        "expose_headers": {"not": {"contains": {"const": "*"}},
                            "$comment": "with credentials browsers read \"*\" as a header literally named *"},
                    },
                },
                "$comment": "allow_credentials: true needs one of the three origin keys (the default [\"*\"] cannot carry credentials), and forbids \"*\" / \"null\" in allow_origins and \"*\" in expose_headers.",
            }
        ],
    },
}

props = {
    "allow_origins": str_list(
        "Exact origins allowed. \"*\" = any origin (also null and malformed ones), answered with a literal *, and it dominates the other entries (not with allow_credentials). \"null\" = the null origin, echoed (not with allow_credentials). Default [\"*\"] only when none of allow_origins, allow_origin_patterns, allow_origin_regexes is present (even [] counts as present).",
        ["*"], [["https://app.example.com", "https://admin.example.com"], ["*"]],
        {"anyOf": [{"const": "*"}, {"const": "null"}, {"$ref": "#/$defs/origin"}]}),
    "allow_origin_patterns": str_list(
        "Wildcard origin patterns scheme://hostpattern[:ports]. scheme: exact or *; hostpattern: exact host, *. followed by at least two labels (matches one or more whole labels: https://*.example.com matches a.example.com and a.b.example.com, never example.com), or * for any host; ports: absent = the scheme's default port, :8080, :[8080,9090], :[*] = any port. \"*\" alone = any origin except null, echoed (usable with credentials). Case-insensitive. Other shapes (api-*.example.com, *.com) are errors: use allow_origin_regexes.",
        [], [["https://*.example.com"], ["http://*.example.org:[8080,9090]", "https://*:[*]"], ["*"]],
        {"type": "string", "anyOf": [{"const": "*"}, {"maxLength": 2048, "pattern": PATTERN}]}),
    "allow_origin_regexes": str_list(
        "RE2-syntax regular expressions matched against the WHOLE normalised origin (implicitly anchored; scheme and host lower-cased, default port dropped), case-sensitively unless the regex starts with (?i). Linear-time engine: backreferences, lookaround, \\p classes and flags other than a leading (?i) are errors.",
        [], [["https://[a-z0-9-]+\\.example\\.com"], ["(?i)https://app-[0-9]+\\.example\\.org"]],
        {"type": "string", "minLength": 1, "maxLength": 4096, "format": "regex", "pattern": REGEX_SRC}),
    "allow_methods": str_list(
        "Methods allowed in preflights and actual requests (GET, HEAD, POST are always allowed, as CORS-safelisted). \"*\" = any (the request's method is echoed). Upper-cased at configure time (with a warning for lower-case entries); compared byte for byte.",
        ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"], [["GET", "POST", "PUT", "DELETE"], ["*"]],
        {"$ref": "#/$defs/token"}),
    "allow_headers": str_list(
        "Request headers allowed in preflights (compared case-insensitively). \"*\" = any (the requested names are echoed).",
        ["DNT", "X-CustomHeader", "Keep-Alive", "User-Agent", "X-Requested-With", "If-Modified-Since", "Cache-Control", "Content-Type", "Authorization"],
        [["Content-Type", "Authorization"], ["*"]], {"$ref": "#/$defs/token"}),
    "expose_headers": str_list(
        "Response headers exposed to scripts (Access-Control-Expose-Headers on actual responses). \"*\" only without allow_credentials.",
        [], [["X-Request-Id", "X-Total-Count"]], {"$ref": "#/$defs/token"}),
    "allow_credentials": {"description": "Send Access-Control-Allow-Credentials: true (never sent as false). Needs explicit origins: one of allow_origins (without \"*\" and \"null\"), allow_origin_patterns, allow_origin_regexes.", "type": "boolean", "default": False, "examples": [True]},
    "max_age": {
        "description": "Access-Control-Max-Age of successful preflights: whole seconds (0 is sent as 0) or a duration string of hours, minutes and seconds in that order (\"12h\", \"90m\", \"1h30m\", \"45s\"), at most 2147483647 seconds. Browsers cap it (Chromium 7200 s, Firefox 86400 s, WebKit 600 s); an explicit value above 7200 logs a warning.",
        "default": 86400, "examples": [600, "2h", "1h30m"],
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": 2147483647},
            {"type": "string", "minLength": 1, "pattern": DURATION},
        ],
    },
    "allow_private_network": {"description": "Answer Access-Control-Request-Private-Network: true with Access-Control-Allow-Private-Network: true. Without it the request is simply not granted (the preflight does not fail).", "type": "boolean", "default": False, "examples": [True]},
    "timing_allow_origins": str_list(
        "Timing-Allow-Origin on actual responses to an allowed origin that is in this list (exact origins, normalised; \"*\" sends *).",
        [], [["https://app.example.com"], ["*"]],
        {"anyOf": [{"const": "*"}, {"const": "null"}, {"$ref": "#/$defs/origin"}]}),
    "preflight_continue": {"description": "Forward successful preflights to the upstream and add the CORS headers to its response (the upstream must answer OPTIONS with a 2xx).", "type": "boolean", "default": False, "examples": [True]},
    "preflight_status": {"description": "Status of the filter's own preflight reply.", "enum": [200, 204], "default": 200, "examples": [204]},
    "on_disallowed": {"description": "What a failed preflight gets: reject = 403 \"Invalid CORS request\" (text/plain); strip = preflight_status without any CORS grant.", "enum": ["reject", "strip"], "default": "reject", "examples": ["strip"]},
    "reject_actual": {"description": "Also answer 403 \"Invalid CORS request\" to a disallowed actual (non-preflight) request instead of forwarding it without a grant; never to navigations (sec-fetch-mode navigate / nested-navigate). Meant for https deployments.", "type": "boolean", "default": False, "examples": [True]},
    "mode": {"description": "report_only: decide, count and log as in enforce, but change nothing on any request or response.", "enum": ["enforce", "report_only"], "default": "enforce", "examples": ["report_only"]},
    "debug": {"description": "Log every decision (kind, verdict, reason, origin) at info level.", "type": "boolean", "default": False, "examples": [True]},
}
for k in props:
    defs[k] = props[k]

ref_props = {k: {"$ref": "#/$defs/" + k} for k in props}

rule = {
    "title": "Higress rule",
    "description": "One Higress matchRules entry: a configuration of its own (keys it leaves out take the filter defaults, never the global values) plus at least one match key. A rule with _match_route_ matches by route (and service when given; a _match_domain_ beside it is ignored); else with _match_domain_ by host; else by service. First matching rule wins.",
    "type": "object",
    "properties": dict(ref_props, **{
        "_match_route_": {"$ref": "#/$defs/matchList", "description": "Route names (Higress ingress: <name> in the system namespace, else <namespace>/<name>); exact membership of property xds.route_name (fallback route_name).", "examples": [["default/foo"]]},
        "_match_domain_": {"$ref": "#/$defs/matchList", "description": "Hosts (:authority without port, case-insensitive): *suffix = plain suffix (write *.example.com for subdomains), prefix* = prefix, else exact.", "examples": [["*.example.com", "api.example.org"]]},
        "_match_service_": {"$ref": "#/$defs/matchList", "description": "Services: fqdn:port or fqdn, matched against xds.cluster_name (outbound|8080||svc.ns.svc.cluster.local).", "examples": [["backend.default.svc.cluster.local:8080"]]},
        "_rules_": False,
    }),
    "patternProperties": {"^_": {"description": "Keys beginning with _ are ignored (Higress injects such keys)."}},
    "additionalProperties": False,
    "anyOf": [{"required": ["_match_route_"]}, {"required": ["_match_domain_"]}, {"required": ["_match_service_"]}],
    "allOf": [{"$ref": "#/$defs/corsKeys"}],
}
defs["rule"] = rule

schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "cors-proxy-wasm configuration",
    "description": "The JSON handed to the cors-proxy-wasm filter's proxy_on_configure (Envoy StringValue, Higress defaultConfig + matchRules, Istio pluginConfig, Envoy Gateway config). {} (or zero bytes) means every default. Keys beginning with _ other than _rules_ are ignored. Validated once at configure time: any error rejects the whole configuration (Envoy keeps the previous one).",
    "type": "object",
    "properties": dict(ref_props, **{
        "_rules_": {
            "description": "Higress per-route / per-domain / per-service rules, tried in order (first match wins; no match = the global keys, or no policy when the object has no key outside _rules_ and other _-keys).",
            "type": "array", "items": {"$ref": "#/$defs/rule"},
            "examples": [[{"_match_route_": ["default/foo"], "allow_origins": ["https://app.example.com"]}]],
        },
    }),
    "patternProperties": {"^_": {"description": "Keys beginning with _ are ignored (Higress injects such keys, e.g. _plugin_name_)."}},
    "additionalProperties": False,
    "allOf": [
        {"$ref": "#/$defs/corsKeys"},
        {
            "if": {"required": ["_rules_"], "properties": {"_rules_": {"maxItems": 0}}},
            "then": {"not": {"propertyNames": {"pattern": "^_"}}},
            "$comment": "An empty _rules_ with no global key would configure nothing.",
        },
    ],
    "examples": [
        {"allow_origins": ["https://app.example.com"], "allow_credentials": True, "max_age": "2h"},
        {"allow_origins": ["*"], "_rules_": [{"_match_route_": ["default/private"], "allow_origin_patterns": ["https://*.example.com"], "allow_credentials": True}]},
    ],
    "$defs": defs,
}
with open(OUT, "w") as f:
    json.dump(schema, f, indent=2, ensure_ascii=False)
    f.write("\n")
print("wrote", os.path.normpath(OUT))
