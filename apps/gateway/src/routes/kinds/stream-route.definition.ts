import type { HttpForwardedRoute, RouteAuth, RouteCredential } from '../route-definition';

/** tus 1.0 needs all of these on its upload resources; downloads need GET and HEAD. */
export const STREAM_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type StreamMethod = (typeof STREAM_METHODS)[number];

/**
 * Uploads, downloads and resumable (tus) transfers. Admitted exactly like an rpc route
 * (authenticated, throttled, credential kind admitted, authorized), then the request body is piped
 * to the owning service's internal port — never buffered — with a gateway-signed
 * `x-platform-principal`, and the response piped back (status, headers, body).
 */
export interface StreamRouteDefinition extends HttpForwardedRoute {
  kind: 'stream';
  /** One table entry serves every method listed here on `path`. */
  methods: readonly StreamMethod[];
  /** Streams always carry tenant data: never public. */
  auth: Exclude<RouteAuth, 'public'>;
  credentials?: readonly RouteCredential[];
  /** The most bytes one request may send: 413 when Content-Length says more or the stream passes it. */
  maxBodyBytes: number;
  /** What the documented success looks like (the service decides the actual status). */
  success: { description: string };
}

export function defineStreamRoute(route: Omit<StreamRouteDefinition, 'kind'>): StreamRouteDefinition {
  return { kind: 'stream', ...route };
}
