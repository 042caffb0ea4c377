import type { HttpForwardedRoute, RouteAuth, RouteCredential } from '../route-definition';

/**
 * A WebSocket route: the gateway authenticates and authorizes the upgrade (`GET` + `Upgrade:
 * websocket`) like any route, admits it under the organization's connection limit, opens a
 * WebSocket to the owning service's internal port at the same path (with the signed
 * `x-platform-principal`) and relays frames both ways (docs/adr/0008-websocket-edge.md).
 */
export interface WebSocketRouteDefinition extends HttpForwardedRoute {
  kind: 'websocket';
  /** Never `public`: an anonymous socket would be a free, long-lived resource for anyone. */
  auth: Exclude<RouteAuth, 'public'>;
  /** Kinds of credential this route accepts; default user tokens only (like every route). */
  credentials?: readonly RouteCredential[];
  /** Open connections of one organization on this route, across every gateway replica. */
  maxConnectionsPerOrganization: number;
  /** No data frame either way for this long closes both sides (4408 to the client, 1001 upstream). */
  idleTimeoutSeconds: number;
  /** Largest message accepted from either side; larger closes that side with 1009. */
  maxMessageBytes: number;
}

export function defineWebSocketRoute(
  route: Omit<WebSocketRouteDefinition, 'kind'>,
): WebSocketRouteDefinition {
  return { kind: 'websocket', ...route };
}

export function isWebSocketRoute(route: { kind?: string }): route is WebSocketRouteDefinition {
  return route.kind === 'websocket';
}

/** A compiled route path: whether a request path is this route's (Fastify `:param` segments match one segment). */
export function pathMatcher(path: string): (candidate: string) => boolean {
  const pattern = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  const regex = new RegExp(`^${pattern}$`);
  return (candidate) => regex.test(candidate);
}
