// Linear-time RE2-subset regular expressions for `allow_origin_regexes` (contract: docs/ARCHITECTURE.md,
// syntax and guarantees: docs/regex.md).
export { Regex, RegexResult } from "./regex";
export { MAX_SOURCE, MAX_PROGRAM, MAX_REPEAT, MAX_DEPTH } from "./parser";
