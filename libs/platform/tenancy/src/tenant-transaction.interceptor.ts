import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { AmqpContext } from '@platform/messaging';
import { TenantDatabase } from './tenant-database';

/**
 * Runs an RPC or event handler inside a tenant transaction opened from the envelope's principal
 * (`principal.organizationId`, never `data`). The principal is read from the transport's
 * `AmqpContext` (`@Ctx()`): with the platform transport `getData()` is only the payload, which the
 * caller controls. Any other context (or none) has no principal and is refused. The handler and
 * everything it calls reach the transaction through `TenantDatabase.manager`; it commits when the
 * handler's result is ready and rolls back when it throws. Apply with
 * `@UseInterceptors(TenantTransactionInterceptor)` on handlers of tenant data; tenant-less handlers
 * (login, registration) do not use it.
 */
@Injectable()
export class TenantTransactionInterceptor implements NestInterceptor {
  constructor(private readonly tenants: TenantDatabase) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const transport = context.switchToRpc().getContext<unknown>();
    const principal = transport instanceof AmqpContext ? transport.principal : null;
    // next.handle() is called inside the transaction's async context, so the handler sees it.
    return from(this.tenants.runForPrincipal(principal, () => lastValueFrom(next.handle())));
  }
}
