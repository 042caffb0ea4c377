import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { PAYMENTS_RPC, paymentsContract, type PaymentsRequest, type Principal } from '@platform/contracts';
import { IdempotentCommand } from '@platform/idempotency';
import { AmqpContext, contractHandlers, CurrentPrincipal, RequirePermission } from '@platform/messaging';
import { billingCallerOf } from '../shared/billing-caller';
import { FallbackCardService } from './fallback-card.service';

const Payments = contractHandlers(paymentsContract);

/**
 * The backup-card RPC: `billing:write` from a signed-in user (never an API key or organization
 * code), `@IdempotentCommand()` (the gateway's Idempotency-Key also becomes Stripe's).
 */
@Controller()
export class FallbackCardHandlers {
  constructor(private readonly fallbackCards: FallbackCardService) {}

  @Payments.MessagePattern(PAYMENTS_RPC.setupFallbackCard)
  @RequirePermission('billing:write', { kinds: ['user'] })
  @IdempotentCommand()
  setup(
    @Payload() data: PaymentsRequest<'payments.fallback-card.setup'>,
    @CurrentPrincipal() principal: Principal,
    @Ctx() ctx: AmqpContext,
  ) {
    return this.fallbackCards.startSetup(billingCallerOf(principal, ctx), data);
  }
}
