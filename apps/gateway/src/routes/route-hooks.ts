import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteInput } from './route-definition';

/**
 * Behaviour that belongs to one route, not to the generic table entry (the login brute-force guard):
 * registered by route id under ROUTE_HOOKS and run by the RPC pipeline around that route's call.
 */
export interface RouteHook<State = unknown> {
  /** After validation, before the RPC; throwing refuses the request. */
  before(input: RouteInput, request: FastifyRequest, reply: FastifyReply): Promise<State>;
  /** The service answered successfully. */
  succeeded?(state: State, reply: FastifyReply): Promise<void>;
  /** The call failed; `serviceFailed`: the service gave no verdict (timeout, no route, breaker). */
  failed?(state: State, serviceFailed: boolean): Promise<void>;
}

/** `Map<route id, RouteHook>`. */
export const ROUTE_HOOKS = Symbol('ROUTE_HOOKS');

/**
 * A hook for a route id the table does not have would silently protect nothing (a renamed login
 * route would lose its brute-force guard): refuse to start instead.
 */
export function assertHooksMatchRoutes(
  hooks: ReadonlyMap<string, RouteHook>,
  routeIds: readonly string[],
): void {
  const known = new Set(routeIds);
  const orphans = [...hooks.keys()].filter((id) => !known.has(id));
  if (orphans.length > 0) {
    throw new Error(`Route hooks for routes that are not in the route table: ${orphans.join(', ')}`);
  }
}
