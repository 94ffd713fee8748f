// assembly/rules: the Higress `_rules_` matchers (spec §5; host-facts.md §6.3 — Higress wasm-go
// pkg/matcher/rule_matcher.go). Loads build/test/rules.wasm (tests/unit/assembly/rules.ts).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadUnit } from "./loader.js";

interface RulesExports extends Record<string, unknown> {
  stripPort(authority: number): number;
  domain(pattern: number, host: number): number;
  domainOfAuthority(pattern: number, authority: number): number;
  service(pattern: number, clusterName: number): number;
  route(routesJoined: number, routeName: number): number;
  _initialize?: () => void;
}

const { ex, withStrings } = await loadUnit<RulesExports>("rules");

/** Copies the strings in, pinned for the duration of the call (a collection must not free an argument). */
const stripPort = (a: string) => withStrings([a], (p) => ex.__getString(ex.stripPort(p)));
const domain = (pattern: string, host: string) => withStrings([pattern, host], (p, h) => ex.domain(p, h)) !== 0;
const domainOfAuthority = (pattern: string, authority: string) =>
  withStrings([pattern, authority], (p, a) => ex.domainOfAuthority(p, a)) !== 0;
const service = (pattern: string, cluster: string) => withStrings([pattern, cluster], (p, c) => ex.service(p, c)) !== 0;
const route = (routes: string[], name: string) => withStrings([routes.join("\n"), name], (r, n) => ex.route(r, n)) !== 0;

describe("rules: hostWithoutPort (IPv6 aware, as Envoy's stripPortFromHost)", () => {
  const table: Array<[string, string]> = [
    ["example.com", "example.com"],
    ["example.com:80", "example.com"],
    ["example.com:8080", "example.com"],
    ["EXAMPLE.com:443", "EXAMPLE.com"], // no case change here; domainMatches compares case-insensitively
    ["[::1]:8080", "[::1]"],
    ["[::1]", "[::1]"],
    ["[2001:db8::1]:443", "[2001:db8::1]"],
    ["[2001:db8::1]", "[2001:db8::1]"],
    ["[::ffff:10.0.0.1]:80", "[::ffff:10.0.0.1]"],
    ["::1", "::1"], // bare IPv6 (no brackets): several colons, no port
    ["2001:db8::1", "2001:db8::1"],
    ["10.0.0.1:9000", "10.0.0.1"],
    ["example.com:", "example.com:"], // an empty port is not a port
    ["example.com:abc", "example.com:abc"],
    ["example.com:65535", "example.com"],
    ["example.com:65536", "example.com:65536"],
    ["example.com:123456", "example.com:123456"],
    ["[::1]x:80", "[::1]x:80"],
    ["", ""],
    [":80", ""],
    ["a.example.com.:8443", "a.example.com."],
  ];
  for (const [authority, expected] of table) {
    test(`${JSON.stringify(authority)} → ${JSON.stringify(expected)}`, () => assert.equal(stripPort(authority), expected));
  }
});

describe("rules: domainMatches (spec §5: *suffix, prefix*, exact; case-insensitive)", () => {
  const table: Array<[string, string, boolean]> = [
    // exact
    ["example.com", "example.com", true],
    ["example.com", "EXAMPLE.COM", true],
    ["Example.COM", "example.com", true],
    ["example.com", "a.example.com", false],
    ["example.com", "example.co", false],
    ["example.com", "example.com.", false],
    ["example.com", "", false],
    // *.suffix: subdomains only
    ["*.example.com", "a.example.com", true],
    ["*.example.com", "a.b.example.com", true],
    ["*.example.com", "A.Example.Com", true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "evilexample.com", false],
    ["*.example.com", "a.example.com.evil.com", false],
    ["*.example.com", ".example.com", true], // plain suffix, as Higress
    // *suffix without the dot: a plain string suffix, as Higress (config warns about it)
    ["*example.com", "evilexample.com", true],
    ["*example.com", "example.com", true],
    ["*example.com", "a.example.com", true],
    ["*example.com", "example.com.evil", false],
    // prefix*
    ["api*", "api.example.com", true],
    ["api*", "api", true],
    ["api*", "API-v2.example.com", true],
    ["api*", "myapi.example.com", false],
    ["api.*", "api.example.com", true],
    ["api.*", "apix.example.com", false],
    // lone * and odd forms
    ["*", "anything", true],
    ["*", "", true],
    ["**", "*", true], // `*` + suffix "*"
    ["**", "a", false],
    ["*a*", "xa*", true], // a leading * wins: suffix "a*"
    ["*a*", "xab", false],
    ["a*b", "a*b", true], // a * in the middle is literal (exact)
    ["a*b", "axb", false],
    // IPv6 hosts (brackets kept by hostWithoutPort)
    ["[::1]", "[::1]", true],
    ["[::1]*", "[::1]", true],
  ];
  for (const [pattern, host, expected] of table) {
    test(`${pattern} × ${JSON.stringify(host)} → ${expected}`, () => assert.equal(domain(pattern, host), expected));
  }

  test("against raw :authority values (port stripped first)", () => {
    assert.equal(domainOfAuthority("example.com", "example.com:8080"), true);
    assert.equal(domainOfAuthority("*.example.com", "a.example.com:443"), true);
    assert.equal(domainOfAuthority("*.example.com", "example.com:443"), false);
    assert.equal(domainOfAuthority("[::1]", "[::1]:8080"), true);
    assert.equal(domainOfAuthority("api*", "api:8080"), true);
    assert.equal(domainOfAuthority("*:8080", "a:8080"), false); // the port is not part of the host
  });
});

describe("rules: serviceMatches (cluster outbound|port|subset|fqdn)", () => {
  const fqdn = "svc.ns.svc.cluster.local";
  const table: Array<[string, string, boolean]> = [
    // fqdn alone: any port
    [fqdn, `outbound|8080||${fqdn}`, true],
    [fqdn, `outbound|80||${fqdn}`, true],
    [fqdn, `outbound|8080|v1|${fqdn}`, true],
    [fqdn, `inbound|8080||${fqdn}`, true], // direction is not checked (Higress neither)
    [fqdn, `outbound|8080||other.ns.svc.cluster.local`, false],
    [fqdn, `outbound|8080||a.${fqdn}`, false],
    ["svc.ns", `outbound|8080||${fqdn}`, false],
    // fqdn:port
    [`${fqdn}:8080`, `outbound|8080||${fqdn}`, true],
    [`${fqdn}:8080`, `outbound|80||${fqdn}`, false],
    [`${fqdn}:80`, `outbound|8080||${fqdn}`, false],
    [`${fqdn}:8080`, `outbound|8080||other.ns.svc.cluster.local`, false],
    [`${fqdn}:8080`, `outbound|8080|v1|${fqdn}`, true],
    // byte-exact, as Higress
    [fqdn.toUpperCase(), `outbound|8080||${fqdn}`, false],
    // Higress service entries / DNS names
    ["backend.default.svc.cluster.local:8080", "outbound|8080||backend.default.svc.cluster.local", true],
    ["foo.dns", "outbound|443||foo.dns", true],
    ["foo.static:80", "outbound|80||foo.static", true],
    // malformed cluster names: not exactly 4 parts, or an empty fqdn
    [fqdn, fqdn, false],
    [fqdn, `outbound_8080__${fqdn}`, false],
    [fqdn, `outbound|8080|${fqdn}`, false],
    [fqdn, `outbound|8080|||${fqdn}`, false],
    [fqdn, `outbound|8080||${fqdn}|`, false],
    [fqdn, `|||${fqdn}`, true], // 4 parts, empty direction/port/subset: the fqdn still matches (as Higress)
    [`${fqdn}:`, `|||${fqdn}`, true], // empty port in both
    ["", "outbound|8080||", false],
    [":8080", "outbound|8080||", false],
    [fqdn, "", false],
    [fqdn, "|||", false],
    // a pattern whose part after the last ':' is not the port falls back to the whole pattern
    ["a:b", "outbound|8080||a:b", true],
    ["a:b:8080", "outbound|8080||a:b", true],
    ["a:b:8080", "outbound|9090||a:b", false],
  ];
  for (const [pattern, cluster, expected] of table) {
    test(`${pattern} × ${JSON.stringify(cluster)} → ${expected}`, () => assert.equal(service(pattern, cluster), expected));
  }
});

describe("rules: routeMatches (exact membership)", () => {
  const table: Array<[string[], string, boolean]> = [
    [["default/foo"], "default/foo", true],
    [["default/foo", "bar"], "bar", true],
    [["default/foo"], "default/foo2", false],
    [["default/foo"], "default/Foo", false], // byte-exact
    [["default/foo"], "foo", false],
    [["default/foo"], "", false],
    [[], "default/foo", false],
    [["ingress-foo"], "ingress-foo", true],
    [["r1"], "r1 ", false],
  ];
  for (const [routes, name, expected] of table) {
    test(`${JSON.stringify(routes)} ∋ ${JSON.stringify(name)} → ${expected}`, () => assert.equal(route(routes, name), expected));
  }
});
