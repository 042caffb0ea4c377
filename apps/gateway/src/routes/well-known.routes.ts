import { AUTH_RPC as A, authRpcSchemas as S } from '@platform/contracts';
import { defineRoute, type RouteDefinition } from './route-definition';

/** Unversioned by convention (RFC 8615). */
export const WELL_KNOWN_ROUTES: RouteDefinition[] = [
  defineRoute({
    id: 'wellKnown.jwks',
    method: 'GET',
    path: '/.well-known/jwks.json',
    rpc: A.getJwks,
    auth: 'public',
    rateLimit: 'public',
    request: { query: S[A.getJwks].request },
    cacheSeconds: 300,
    success: {
      status: 200,
      description:
        'Public keys verifying access tokens (RS256, by `kid`); retired keys stay until their tokens expire',
    },
    tag: 'Auth',
    summary: 'JSON Web Key Set of the access-token signing keys',
  }),
];
