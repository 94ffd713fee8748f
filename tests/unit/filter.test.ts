// assembly/filter's decision (spec §2–§5), table-driven from tests/cases/requests.ts, through the unit build
// build/test/filter.wasm (tests/unit/assembly/filter.ts). The end-to-end behaviour (headers on the wire,
// local replies, Vary merge on real responses) is covered by tests/conformance and tests/unit/filter-host.test.ts.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadUnit } from "./loader.js";
import { requestTables, requestLines } from "../cases/requests.js";
import type { RequestCase } from "../cases/requests.js";

interface FilterExports extends Record<string, unknown> {
  configure(json: number): number;
  decideRequest(headers: number): number;
  logLine(headers: number, reportOnly: number): number;
  __newString(s: string): number;
  __getString(p: number): string;
  __pin(p: number): number;
  __unpin(p: number): void;
  _initialize?: () => void;
}

const { ex, withStrings } = await loadUnit<FilterExports>("filter");

function call(fn: (...p: number[]) => number, args: string[], extra: number[] = []): string {
  return withStrings(args, (...ptrs) => ex.__getString(fn(...ptrs, ...extra)));
}

function encode(r: RequestCase): string {
  const lines = requestLines(r).map(([n, v]) => `${n}\u0002${v}`);
  if (r.props?.route_name !== undefined) lines.push(`@route\u0002${r.props.route_name}`);
  if (r.props?.cluster_name !== undefined) lines.push(`@cluster\u0002${r.props.cluster_name}`);
  return lines.join("\u0001");
}

for (const table of requestTables) {
  describe(table.name, () => {
    for (const r of table.requests) {
      test(r.name, () => {
        assert.equal(call(ex.configure, [JSON.stringify(table.config)]), "");
        assert.equal(call(ex.decideRequest, [encode(r)]), r.decision);
      });
    }
  });
}

describe("the debug decision line (docs/ARCHITECTURE.md; parsed by `explain`)", () => {
  const config = JSON.stringify({ allow_origins: ["https://app.example.com"] });
  const line = (headers: Record<string, string>, method = "GET", reportOnly = false): string => {
    assert.equal(call(ex.configure, [config]), "");
    return call(ex.logLine, [encode({ name: "", method, headers, decision: "" })], [reportOnly ? 1 : 0]);
  };
  test("allowed actual", () => {
    assert.equal(line({ host: "api.example.net", origin: "https://app.example.com" }),
      'decision kind=actual verdict=allowed reason=allowed origin="https://app.example.com"');
  });
  test("not CORS", () => {
    assert.equal(line({ host: "api.example.net" }), 'decision kind=not_cors verdict=skipped reason=no_origin origin=""');
  });
  test("report_only suffix", () => {
    assert.equal(line({ host: "api.example.net", origin: "https://evil.example" }, "OPTIONS", true),
      'decision kind=actual verdict=rejected reason=origin_not_allowed origin="https://evil.example" mode=report_only');
  });
  test("a hostile origin cannot forge log fields", () => {
    assert.equal(line({ host: "api.example.net", origin: 'x" verdict=allowed\n' }),
      'decision kind=actual verdict=rejected reason=origin_malformed origin="x\\x22 verdict=allowed\\x0a"');
  });
});
