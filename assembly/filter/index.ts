// assembly/filter: the hot path (docs/ARCHITECTURE.md, spec §2–§4, §6, §8).
export { CorsRoot, createCorsRoot } from "./root";
export { CorsHttp } from "./http";
export { decide } from "./decide";
export { Decision, Kind, Verdict, Reason, Reply, VaryKind } from "./decision";
export { RequestView, MapRequest } from "./request";
