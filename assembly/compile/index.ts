// assembly/compile: CorsConfig → immutable Policy (docs/ARCHITECTURE.md).
export { Policy, VARY_ORIGIN, VARY_PREFLIGHT, FORBIDDEN_BODY } from "./policy";
export { compilePolicy } from "./compile";
export { describePolicy } from "./describe";
export { CompiledPlugin, CompiledRule, compilePlugin } from "./plugin";
export { ParsedOrigin, OriginKind, parseOrigin, defaultPort, MAX_ORIGIN_LENGTH } from "./origin";
export { NameSet } from "./nameset";
export { PatternTrie } from "./trie";
