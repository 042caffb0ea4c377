import type { z } from 'zod';
import type { BackendServiceName, Permission, PrincipalKind } from '@platform/contracts';
import type { RateLimitClass } from '../throttling/rate-limit-classes';
import type { StreamRouteDefinition } from './kinds/stream-route.definition';
import type { WebhookRouteDefinition } from './kinds/webhook-route.definition';
import type { WebSocketRouteDefinition } from './kinds/websocket-route';
import { serviceOfPattern, type RoutedRpcPattern, type RpcRequestOf, type RpcResultOf } from './rpc-schemas';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `public`: no credentials; `authenticated`: any valid principal; a Permission: the principal's roles must grant it. */
export type RouteAuth = 'public' | 'authenticated' | Permission;

/** The credentials a principal can come from over HTTP (`system` never does). */
export type RouteCredential = Exclude<PrincipalKind, 'system'>;

/**
 * What a route accepts when it does not say: user access tokens only. A route that API keys or
 * organization codes may call must list them, so a new route is never opened to them by accident.
 */
export const DEFAULT_ROUTE_CREDENTIALS: readonly RouteCredential[] = Object.freeze(['user']);

/** The credentials `route` accepts (its own list, or the secure default). */
export function acceptedCredentials(route: {
  credentials?: readonly RouteCredential[];
}): readonly RouteCredential[] {
  return route.credentials ?? DEFAULT_ROUTE_CREDENTIALS;
}

/** The HTTP input after validation; each part is the output of its schema (`{}` when the route has none). */
export interface RouteInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

/** What a route sends back when it does not simply answer the RPC result as JSON. */
export interface Presentation {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * One entry of the route table. `kind` says how the gateway carries the request to the owning
 * service (ADR 0007): `rpc` (default) one JSON RPC over RabbitMQ; `webhook` a provider's signed
 * POST relayed byte-exact to the service's internal HTTP port; `stream` bytes piped both ways to
 * that port; `websocket` an upgrade relayed frame by frame to that port (ADR 0008). A new kind adds
 * its definition type here and its registrar under `kinds/`.
 */
export type RouteDefinition =
  RpcRouteDefinition | WebhookRouteDefinition | StreamRouteDefinition | WebSocketRouteDefinition;
export type RouteKind = NonNullable<RouteDefinition['kind']>;

export function isRpcRoute(route: RouteDefinition): route is RpcRouteDefinition {
  return route.kind === undefined || route.kind === 'rpc';
}

/** The backend service that owns a route (its breaker, bulkhead and adaptive limits). */
export function serviceOfRoute(route: RouteDefinition): string {
  return isRpcRoute(route) ? serviceOfPattern(route.rpc) : route.service;
}

/** The HTTP methods a table entry serves (a stream entry serves several). */
export function methodsOfRoute(route: RouteDefinition): readonly string[] {
  switch (route.kind) {
    case 'webhook':
      return ['POST'];
    case 'stream':
      return route.methods;
    case 'websocket':
      return ['GET'];
    default:
      return [route.method];
  }
}

/** What every kind of route has: identity, documentation and throttling. */
export interface RouteBase {
  /** Stable id: the OpenAPI operationId and part of rate-limit keys. */
  id: string;
  /** Fastify syntax (`/v1/orgs/members/:userId`). */
  path: string;
  rateLimit: RateLimitClass;
  tag: string;
  summary: string;
  description?: string;
}

/** A route served by the owning service's internal HTTP port rather than over RabbitMQ. */
export interface HttpForwardedRoute extends RouteBase {
  /** Reached at `<SERVICE>_INTERNAL_URL` + the same path and query. */
  service: BackendServiceName;
}

export interface RpcRouteDefinition<P extends RoutedRpcPattern = RoutedRpcPattern> {
  kind?: 'rpc';
  /** Stable id: the OpenAPI operationId and part of rate-limit keys. */
  id: string;
  method: HttpMethod;
  /** Fastify syntax (`/v1/orgs/members/:userId`). */
  path: string;
  rpc: P;
  auth: RouteAuth;
  /**
   * Kinds of credential this route accepts (ignored on public routes); default user tokens only.
   * Organization codes belong only on read-mostly data-plane routes, never on account or
   * organization management.
   */
  credentials?: readonly RouteCredential[];
  rateLimit: RateLimitClass;
  /** Parts of the HTTP request, each validated on its own so errors name `body.email`, `params.userId`... */
  request: { params?: z.ZodObject; query?: z.ZodObject; body?: z.ZodObject };
  /** Builds the RPC `data`; default: params, query and body merged. */
  toData?: (input: RouteInput) => RpcRequestOf<P>;
  success: { status: 200 | 201 | 202 | 204; description: string };
  /** Replaces the default answer (status + JSON result), e.g. a redirect. */
  present?: (result: RpcResultOf<P>, input: RouteInput) => Presentation;
  /** Extra statuses `present` may answer with, for the OpenAPI document. */
  alternateResponses?: Record<number, string>;
  /** The media type `present` answers the success with when it is not JSON (a text document). */
  successMediaType?: string;
  /**
   * The command honours `Idempotency-Key` (its handler is `@IdempotentCommand()`): only these routes
   * validate and forward the header, and the OpenAPI document lists it with `Idempotent-Replayed`,
   * 409 and 422. Elsewhere the header is ignored, never half-promised.
   */
  idempotent?: true;
  /** Smaller than BODY_LIMIT_BYTES for routes that only take a few fields. */
  bodyLimitBytes?: number;
  /** Sets Cache-Control: public, max-age=N on success. */
  cacheSeconds?: number;
  tag: string;
  summary: string;
  description?: string;
}

/** Keeps `P` inferred per route, so `toData` and `present` are checked against that pattern's schemas. */
export function defineRoute<P extends RoutedRpcPattern>(route: RpcRouteDefinition<P>): RpcRouteDefinition {
  return route as unknown as RpcRouteDefinition;
}
