// Unit-test build of assembly/regex: exported to tests/unit/regex.test.ts through @assemblyscript/loader.
import { Regex, MAX_PROGRAM } from "../../../assembly/regex";

let last: Regex | null = null;

/** Compiles `source`; returns "" when ok (the regex is kept for match calls) or the error. */
export function compile(source: string): string {
  const r = Regex.compile(source);
  last = r.regex;
  return r.error;
}

/** 1 = match, 0 = no match, -1 = the pattern did not compile. */
export function test(source: string, input: string): i32 {
  const r = Regex.compile(source);
  const re = r.regex;
  if (re === null) return -1;
  last = re;
  return re.matches(input) ? 1 : 0;
}

/** Matches with the last compiled regex (-1 when there is none). */
export function matchLast(input: string): i32 {
  const re = last;
  if (re === null) return -1;
  return re.matches(input) ? 1 : 0;
}

export function lastSteps(): i32 {
  const re = last;
  return re === null ? -1 : re.lastSteps;
}

export function programSize(): i32 {
  const re = last;
  return re === null ? -1 : re.programSize;
}

export function maxProgram(): i32 {
  return MAX_PROGRAM;
}

/** The Pike VM alone, for differential tests against the DFA. */
export function matchLastNfa(input: string): i32 {
  const re = last;
  if (re === null) return -1;
  return re.matchesNfa(input) ? 1 : 0;
}

export function dfaStates(): i32 {
  const re = last;
  return re === null ? -1 : re.dfaStates;
}

export function dfaResets(): i32 {
  const re = last;
  return re === null ? -1 : re.dfaResets;
}
