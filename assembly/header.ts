// One header line: what the compile layer precomputes for the filter's local replies and what the ABI layer sends
// (abi/local_response.ts) or lists (abi/headers.ts getHeaderPairs). It imports nothing, so any layer may use it, as
// ascii.ts (docs/ARCHITECTURE.md "Layers").

/** One header line. Names are ASCII; values hold one char per byte (Latin-1), see abi/bytes.ts. */
export class HeaderPair {
  constructor(public name: string, public value: string) {}
}
