import { Controller, UseInterceptors } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { PAYMENTS_RPC, paymentsContract, type PaymentsRequest, type Principal } from '@platform/contracts';
import { contractHandlers, CurrentPrincipal, RequirePermission } from '@platform/messaging';
import { tenantOfPrincipal, TenantTransactionInterceptor } from '@platform/tenancy';
import { UsageService } from './usage.service';

const Payments = contractHandlers(paymentsContract);

/** The usage read, under the caller's tenant transaction (another organization's counters are invisible). */
@Controller()
export class UsageHandlers {
  constructor(private readonly usage: UsageService) {}

  @Payments.MessagePattern(PAYMENTS_RPC.getUsage)
  @RequirePermission('billing:read')
  @UseInterceptors(TenantTransactionInterceptor)
  get(@Payload() data: PaymentsRequest<'payments.usage.get'>, @CurrentPrincipal() principal: Principal) {
    return this.usage.current(tenantOfPrincipal(principal), data.metric);
  }
}
