// Unit-test build of assembly/rules: exported to tests/unit/rules.test.ts through @assemblyscript/loader.
import { hostWithoutPort, domainMatches, serviceMatches, routeMatches } from "../../../assembly/rules";

export function stripPort(authority: string): string {
  return hostWithoutPort(authority);
}

export function domain(pattern: string, host: string): bool {
  return domainMatches(pattern, host);
}

/** The filter's use: a domain entry against a raw `:authority`. */
export function domainOfAuthority(pattern: string, authority: string): bool {
  return domainMatches(pattern, hostWithoutPort(authority));
}

export function service(pattern: string, clusterName: string): bool {
  return serviceMatches(pattern, clusterName);
}

/** `routes` joined with "\n" (route names never hold a newline); "" = the empty list. */
export function route(routesJoined: string, routeName: string): bool {
  const routes = routesJoined.length == 0 ? new Array<string>() : routesJoined.split("\n");
  return routeMatches(routes, routeName);
}
