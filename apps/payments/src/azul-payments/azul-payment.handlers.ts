import { Controller, UseInterceptors } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { PAYMENTS_RPC, paymentsContract, type PaymentsRequest, type Principal } from '@platform/contracts';
import { IdempotentCommand } from '@platform/idempotency';
import { AmqpContext, contractHandlers, CurrentPrincipal, RequirePermission } from '@platform/messaging';
import { TenantTransactionInterceptor } from '@platform/tenancy';
import { billingCallerOf } from '../shared/billing-caller';
import { AzulPaymentService } from './azul-payment.service';

const Payments = contractHandlers(paymentsContract);

/**
 * AZUL payment RPCs. Starting one charges a card: `billing:write` from a signed-in user (never an
 * API key or organization code), `@IdempotentCommand()` (its own tenant transaction; the gateway's
 * Idempotency-Key also becomes AZUL's CustomOrderId). Reading one is `billing:read` under RLS.
 */
@Controller()
export class AzulPaymentHandlers {
  constructor(private readonly payments: AzulPaymentService) {}

  @Payments.MessagePattern(PAYMENTS_RPC.startAzulPayment)
  @RequirePermission('billing:write', { kinds: ['user'] })
  @IdempotentCommand()
  start(
    @Payload() data: PaymentsRequest<'payments.azul-payment.start'>,
    @CurrentPrincipal() principal: Principal,
    @Ctx() ctx: AmqpContext,
  ) {
    return this.payments.start(billingCallerOf(principal, ctx), data);
  }

  @Payments.MessagePattern(PAYMENTS_RPC.getAzulPayment)
  @RequirePermission('billing:read')
  @UseInterceptors(TenantTransactionInterceptor)
  get(@Payload() data: PaymentsRequest<'payments.azul-payment.get'>) {
    return this.payments.get(data.id);
  }
}
