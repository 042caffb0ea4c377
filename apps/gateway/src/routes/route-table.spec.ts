import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { AUTH_RPC, PERMISSIONS } from '@platform/contracts';
import { acceptedCredentials, isRpcRoute, methodsOfRoute } from './route-definition';
import { ROUTED_RPC_SCHEMAS } from './rpc-schemas';
import { ROUTE_TABLE } from './route-table';

/** Invariants every entry of the route table keeps; a new route that breaks one fails here first. */
describe('the route table', () => {
  /** The invariants of rpc entries (webhook and stream entries have no RPC pattern or schemas). */
  const RPC_ROUTES = ROUTE_TABLE.filter(isRpcRoute);
  const keysOf = (schema: z.ZodObject | undefined) => Object.keys(schema?.shape ?? {});

  it('has unique ids and unique method + path pairs', () => {
    const ids = ROUTE_TABLE.map((r) => r.id);
    const endpoints = ROUTE_TABLE.flatMap((r) => methodsOfRoute(r).map((method) => `${method} ${r.path}`));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(endpoints).size).toBe(endpoints.length);
  });

  it('versions every public path (well-known URIs excepted)', () => {
    for (const route of ROUTE_TABLE) expect(route.path).toMatch(/^\/(v1\/|\.well-known\/)/);
  });

  it('routes only to patterns with contract schemas, and requires only known permissions', () => {
    for (const route of RPC_ROUTES) {
      expect(ROUTED_RPC_SCHEMAS).toHaveProperty([route.rpc]);
      if (route.auth !== 'public' && route.auth !== 'authenticated')
        expect(PERMISSIONS).toContain(route.auth);
    }
  });

  it('routes every auth pattern of issue 3 except the gateway-internal and service-to-service ones', () => {
    const internal: string[] = [
      AUTH_RPC.verifyApiKey,
      AUTH_RPC.resolveOrganizationCode,
      AUTH_RPC.issueOrganizationCode,
    ];
    const routed = new Set(RPC_ROUTES.map((r) => r.rpc));
    for (const pattern of Object.values(AUTH_RPC)) {
      expect({ pattern, routed: routed.has(pattern) }).toEqual({
        pattern,
        routed: !internal.includes(pattern),
      });
    }
  });

  it('declares a params schema for exactly the path parameters', () => {
    for (const route of RPC_ROUTES) {
      const inPath = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
      expect({ route: route.id, params: keysOf(route.request.params).sort() }).toEqual({
        route: route.id,
        params: inPath.sort(),
      });
    }
  });

  it('maps the HTTP input onto exactly the RPC request fields (routes without their own mapping)', () => {
    for (const route of RPC_ROUTES.filter((r) => !r.toData)) {
      const rpcFields = keysOf(
        ROUTED_RPC_SCHEMAS[route.rpc as keyof typeof ROUTED_RPC_SCHEMAS].request as z.ZodObject,
      );
      const httpFields = [
        ...keysOf(route.request.params),
        ...keysOf(route.request.query),
        ...keysOf(route.request.body),
      ];
      expect({ route: route.id, fields: httpFields.sort() }).toEqual({
        route: route.id,
        fields: rpcFields.sort(),
      });
    }
  });

  it('never takes the tenant from the URL: the organization is the caller’s', () => {
    for (const route of RPC_ROUTES) {
      expect([...keysOf(route.request.params), ...keysOf(route.request.query)]).not.toContain(
        'organizationId',
      );
    }
  });

  it('keeps credential-guessing routes public only under the per-IP credential class', () => {
    for (const route of ROUTE_TABLE.filter((r) => r.auth === 'public')) {
      expect(['public', 'credential']).toContain(route.rateLimit);
    }
    for (const route of ROUTE_TABLE.filter((r) => r.auth !== 'public')) {
      expect(['public', 'credential']).not.toContain(route.rateLimit);
    }
  });

  it('is documented route by route in docs/API_REFERENCE.md', () => {
    const reference = readFileSync(join(__dirname, '../../../../docs/API_REFERENCE.md'), 'utf8');
    for (const route of ROUTE_TABLE) {
      for (const method of methodsOfRoute(route)) {
        expect({
          route: route.id,
          method,
          documented: new RegExp(
            `\\|\\s*\`${method}\`\\s*\\|\\s*\`${escapeRegExp(route.path)}\`\\s*\\|`,
          ).test(reference),
        }).toEqual({
          route: route.id,
          method,
          documented: true,
        });
      }
    }
  });

  it('never lets an organization code or an API key into account or organization management (issue 6)', () => {
    const management = RPC_ROUTES.filter(
      (r) => r.auth !== 'public' && /^\/v1\/(auth|orgs)(\/|$)/.test(r.path),
    );
    expect(management.length).toBeGreaterThan(15);
    for (const route of management) {
      expect({ route: route.id, credentials: acceptedCredentials(route) }).toEqual({
        route: route.id,
        credentials: ['user'],
      });
    }
  });

  it('caps the body of every route that takes one at 16 KiB', () => {
    for (const route of RPC_ROUTES.filter((r) => r.request.body && r.method !== 'GET')) {
      expect({ route: route.id, limit: route.bodyLimitBytes }).toEqual({ route: route.id, limit: 16 * 1024 });
    }
  });

  it('keeps webhook entries public, per-IP throttled, size-capped and naming their signature headers', () => {
    for (const route of ROUTE_TABLE) {
      if (route.kind !== 'webhook') continue;
      expect({ route: route.id, auth: route.auth, rateLimit: route.rateLimit }).toEqual({
        route: route.id,
        auth: 'public',
        rateLimit: 'public',
      });
      // Signed in a header, or (AZUL's 3-D Secure callback) by a token in the query.
      expect(route.signatureHeaders.length + (route.signatureQuery?.length ?? 0)).toBeGreaterThan(0);
      for (const header of route.signatureHeaders) expect(header).toBe(header.toLowerCase());
      expect(route.bodyLimitBytes).toBeGreaterThan(0);
      expect(route.bodyLimitBytes).toBeLessThanOrEqual(1024 * 1024);
    }
  });

  it('keeps stream entries authenticated (or signed-url: GET/HEAD, no body), with distinct methods and a byte limit when a method sends a body', () => {
    for (const route of ROUTE_TABLE) {
      if (route.kind !== 'stream') continue;
      if (route.auth === 'public') {
        expect({ route: route.id, credential: route.credential, maxBodyBytes: route.maxBodyBytes }).toEqual({
          route: route.id,
          credential: 'signed-url',
          maxBodyBytes: 0,
        });
        expect(route.methods.filter((method) => method !== 'GET' && method !== 'HEAD')).toEqual([]);
      }
      expect(new Set(route.methods).size).toBe(route.methods.length);
      if (route.methods.some((method) => method === 'PUT' || method === 'PATCH'))
        expect({ route: route.id, limit: route.maxBodyBytes > 0 }).toEqual({ route: route.id, limit: true });
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
