// The shapes every source converter shares (docs/convert.md). A converter is a pure function from the peer's
// parsed document to a Conversion: it never reads files, never loads the filter, never prints.

/** The seven sources `convert --from` accepts. */
export const SOURCES = ["kong", "krakend", "apisix", "envoy", "istio", "ingress-nginx", "higress"] as const;
export type Source = (typeof SOURCES)[number];

/** Our filter's configuration (docs/config.md), as a plain JSON object. */
export type OurConfig = Record<string, unknown>;

/**
 * What a response can differ in between the peer and this filter. The conformance replay
 * (tests/convert/conformance.test.ts) compares these aspects and accepts a difference only when a printed
 * line names its aspect.
 */
export type Aspect =
  | "status" // local reply or not, its status and body
  | "access-control-allow-origin"
  | "access-control-allow-credentials"
  | "access-control-allow-methods"
  | "access-control-allow-headers"
  | "access-control-expose-headers"
  | "access-control-max-age"
  | "access-control-allow-private-network"
  | "timing-allow-origin"
  | "vary";

export interface Difference {
  /** The source key path, e.g. `plugins[0].config.origins[1]`. */
  path: string;
  /** A stable id naming the kind of difference (docs/convert.md lists them per source). */
  kind: string;
  /** What the peer did. */
  peer: string;
  /** What this filter will do. */
  ours: string;
  /** The option that restores the peer's behaviour, when one exists. */
  restore?: string;
  /** What a response can differ in because of it. */
  aspects: Aspect[];
}

export interface ConvertError {
  path: string;
  message: string;
}

export interface Conversion {
  /** One configuration (maybe with `_rules_`); several only when they are separate filter instances. */
  configs: Array<{ source: string; config: OurConfig }>;
  differences: Difference[];
  errors: ConvertError[];
  /** Plain information (which entries were read, which became which rule). */
  notes: string[];
}

export function emptyConversion(): Conversion {
  return { configs: [], differences: [], errors: [], notes: [] };
}

export { isObject, type Obj } from "../platforms/common.js";
