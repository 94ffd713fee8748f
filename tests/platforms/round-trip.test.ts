// Each platform module's `render` and `extract` agree: the file rendered from a configuration hands the filter
// that configuration back (read the way `serve --config FILE` reads it). Configurations: the sources of
// examples/, the empty one, one with Higress rules of every kind, and strings YAML 1.1 would misread.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { PLATFORMS, readConfigFile, render, type Platform } from "../../src/platforms/index.js";
import { configFromText } from "../../src/platforms/read.js";
import { RENDERED, ROOT } from "../deploy/examples.js";

type Obj = { [key: string]: unknown };

const CONFIGS: Array<[string, Obj]> = [
  ["empty", {}],
  ...RENDERED.map((e): [string, Obj] => [e.source, readConfigFile(join(ROOT, e.source))]),
  [
    "rules of every match kind beside a global policy",
    {
      allow_origins: ["https://a.example.com"],
      max_age: 60,
      _rules_: [
        { _match_route_: ["r1", "ns/r2"], allow_origins: ["https://route.example.com"] },
        { _match_domain_: ["*.example.org"], _match_service_: ["svc.ns.svc.cluster.local:8080"], allow_credentials: true },
      ],
    },
  ],
  ["rules only", { _rules_: [{ _match_service_: ["svc:80"], allow_origin_patterns: ["https://*.example.com:[*]"] }] }],
  [
    "strings a YAML 1.1 parser would misread",
    { allow_methods: ["GET", "ON", "yes", "No", "null", "~", "1.5", "0x10", "12:30", "*", "-x", "a: b", "#c", "'q'", "é"], allow_headers: ["true"], max_age: "90m", nested: { on: "off", list: [{ y: "n" }] } },
  ],
];


/** The configuration the platform hands the filter: zero bytes are the empty configuration. */
function handedBack(platform: Platform, config: Obj): unknown {
  const text = render(platform, config);
  const loaded = configFromText(text, `${platform}.yaml`);
  assert.notEqual(loaded.config, null, `${platform}: the plugin is pushed`);
  return loaded.config === "" ? {} : JSON.parse(loaded.config!);
}

for (const platform of PLATFORMS) {
  test(`${platform}: render → extract gives the configuration back`, () => {
    for (const [name, config] of CONFIGS) {
      assert.deepEqual(handedBack(platform, config), config, `${platform}: ${name}`);
    }
  });
}
