import type { Principal } from '@platform/contracts';

/** What the route pipeline learns about a request before its handler runs (decorated at startup). */
declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    clientIp: string;
  }
}
