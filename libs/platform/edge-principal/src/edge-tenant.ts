import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { TenantDatabase, type TenantWork } from '@platform/tenancy';
import { edgePrincipalOf } from './edge-principal.decorators';
import type { EdgeRequest } from './edge-principal.guard';

/**
 * Runs `work` in a transaction of the edge request's tenant: the organization of the gateway-signed
 * principal, never anything the client sent. The same `TenantDatabase.runForPrincipal` the RPC
 * interceptor uses, so RLS, the same-tenant join and the refusal of organization-less principals are
 * identical. Stream handlers call it for each short DB step; never hold it open while bytes flow.
 */
export function runForEdgeRequest<T>(
  tenants: TenantDatabase,
  request: EdgeRequest,
  work: TenantWork<T>,
): Promise<T> {
  return tenants.runForPrincipal(edgePrincipalOf(request), work);
}

/**
 * The HTTP twin of TenantTransactionInterceptor for small (non-streaming) edge handlers: the handler
 * and everything it calls reach the transaction through `TenantDatabase.manager`. Apply after
 * `@EdgeAuthenticated()` with `@UseInterceptors(EdgeTenantTransactionInterceptor)`.
 */
@Injectable()
export class EdgeTenantTransactionInterceptor implements NestInterceptor {
  constructor(private readonly tenants: TenantDatabase) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<EdgeRequest>();
    return from(runForEdgeRequest(this.tenants, request, () => lastValueFrom(next.handle())));
  }
}
