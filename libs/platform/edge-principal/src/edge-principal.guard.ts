import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { exemptFromRequestTimeout } from '@platform/bootstrap';
import type { Principal } from '@platform/contracts';
import { EDGE_PRINCIPAL_HEADER, verifyEdgePrincipal } from './edge-principal.token';
import { EDGE_PRINCIPAL_OPTIONS, type EdgePrincipalOptions } from './edge-principal.options';

/** Where the guard leaves the verified principal on the request, for `@EdgePrincipal()`. */
export const EDGE_PRINCIPAL_REQUEST_KEY = Symbol('edgePrincipal');

export type EdgeRequest = FastifyRequest & { [EDGE_PRINCIPAL_REQUEST_KEY]?: Principal };

/**
 * Admits a request to a service's internal HTTP port only with a gateway-signed principal for this
 * service, this method and this path (see verifyEdgePrincipal); anything else is 401
 * EDGE_PRINCIPAL_INVALID. Use through `@EdgeAuthenticated()`.
 */
@Injectable()
export class EdgePrincipalGuard implements CanActivate {
  constructor(@Inject(EDGE_PRINCIPAL_OPTIONS) private readonly options: EdgePrincipalOptions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<EdgeRequest>();
    const header = request.headers[EDGE_PRINCIPAL_HEADER];
    const { principal } = await verifyEdgePrincipal(Array.isArray(header) ? undefined : header, {
      secret: this.options.secret,
      audience: this.options.audience,
      method: request.method,
      path: request.url,
    });
    request[EDGE_PRINCIPAL_REQUEST_KEY] = principal;
    // The gateway admitted it and bounds its inactivity: a long upload must not hit the service's
    // whole-request deadline (REQUEST_BODY_TIMEOUT_MS) halfway through.
    exemptFromRequestTimeout(request.raw);
    return true;
  }
}
