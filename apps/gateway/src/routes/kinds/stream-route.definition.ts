import type { HttpForwardedRoute, RouteAuth, RouteCredential } from '../route-definition';

/** tus 1.0 needs all of these on its upload resources; downloads need GET and HEAD. */
export const STREAM_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type StreamMethod = (typeof STREAM_METHODS)[number];

/** What every stream entry has, whoever may call it. */
interface StreamRouteBase extends HttpForwardedRoute {
  kind: 'stream';
  /** One table entry serves every method listed here on `path`. */
  methods: readonly StreamMethod[];
  /** The most bytes one request may send: 413 when Content-Length says more or the stream passes it. */
  maxBodyBytes: number;
  /** What the documented success looks like (the service decides the actual status). */
  success: { description: string };
}

/**
 * Uploads, downloads and resumable (tus) transfers. Admitted exactly like an rpc route
 * (authenticated, throttled, credential kind admitted, authorized), then the request body is piped
 * to the owning service's internal port — never buffered — with a gateway-signed
 * `x-platform-principal`, and the response piped back (status, headers, body).
 */
export interface AuthenticatedStreamRoute extends StreamRouteBase {
  /** Streams carry tenant data: public only as a {@link SignedUrlStreamRoute}. */
  auth: Exclude<RouteAuth, 'public'>;
  credentials?: readonly RouteCredential[];
  credential?: undefined;
}

/**
 * A download whose URL is its own credential (`<audio src>`, a link handed to a third party): no
 * caller identity at the gateway, so it is throttled per client IP like any public route and
 * forwarded with NO principal — the owning service alone admits it, by verifying the URL's signature
 * (HMAC, expiry, and the object and organization it binds). Read-only and bodiless by type: the
 * gateway never lets an unauthenticated caller send bytes to a service.
 */
export interface SignedUrlStreamRoute extends StreamRouteBase {
  auth: 'public';
  /** The service verifies a signature carried in the URL; the gateway checks no credential. */
  credential: 'signed-url';
  methods: readonly ('GET' | 'HEAD')[];
  maxBodyBytes: 0;
  credentials?: undefined;
}

export type StreamRouteDefinition = AuthenticatedStreamRoute | SignedUrlStreamRoute;

/** `Omit` of each member of the union (a plain Omit would merge them into one loose type). */
type WithoutKind<T> = T extends unknown ? Omit<T, 'kind'> : never;

export function defineStreamRoute(route: WithoutKind<StreamRouteDefinition>): StreamRouteDefinition {
  return { kind: 'stream', ...route } as StreamRouteDefinition;
}

export function isSignedUrlStream(route: StreamRouteDefinition): route is SignedUrlStreamRoute {
  return route.credential === 'signed-url';
}

/**
 * The invariants the types state, checked again at start for tables built around the types
 * (casts, JSON): a public stream must be a signed-url one, read-only, with no body.
 */
export function signedUrlStreamProblems(route: StreamRouteDefinition): string[] {
  const signed = (route as { credential?: string }).credential === 'signed-url';
  if (!signed)
    return route.auth === 'public'
      ? [`${route.id}: a public stream route must be credential 'signed-url'`]
      : [];
  const problems: string[] = [];
  if (route.auth !== 'public')
    problems.push(`${route.id}: a signed-url stream route is public (the URL is the credential)`);
  if (route.methods.some((method) => method !== 'GET' && method !== 'HEAD'))
    problems.push(`${route.id}: a signed-url stream route serves GET and HEAD only`);
  if (route.maxBodyBytes !== 0)
    problems.push(`${route.id}: a signed-url stream route takes no body (maxBodyBytes 0)`);
  return problems;
}
