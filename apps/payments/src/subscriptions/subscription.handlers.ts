import { Controller, UseInterceptors } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { PAYMENTS_RPC, paymentsContract, type PaymentsRequest, type Principal } from '@platform/contracts';
import { IdempotentCommand } from '@platform/idempotency';
import { AmqpContext, contractHandlers, CurrentPrincipal, RequirePermission } from '@platform/messaging';
import { tenantOfPrincipal, TenantTransactionInterceptor } from '@platform/tenancy';
import { billingCallerOf } from '../shared/billing-caller';
import { SubscriptionService } from './subscription.service';

const Payments = contractHandlers(paymentsContract);

/**
 * Subscription RPCs. Commands are `@IdempotentCommand()` (their own tenant transaction; the
 * gateway's Idempotency-Key replays the stored answer and also becomes Stripe's idempotency key);
 * the read runs under the tenant-transaction interceptor. Writes need `billing:write` from a
 * signed-in user (owner or billing role), never an API key or organization code.
 */
@Controller()
export class SubscriptionHandlers {
  constructor(private readonly subscriptions: SubscriptionService) {}

  @Payments.MessagePattern(PAYMENTS_RPC.getSubscription)
  @RequirePermission('billing:read')
  @UseInterceptors(TenantTransactionInterceptor)
  get(@CurrentPrincipal() principal: Principal) {
    return this.subscriptions.get(tenantOfPrincipal(principal));
  }

  @Payments.MessagePattern(PAYMENTS_RPC.createCheckoutSession)
  @RequirePermission('billing:write', { kinds: ['user'] })
  @IdempotentCommand()
  checkout(
    @Payload() data: PaymentsRequest<'payments.checkout-session.create'>,
    @CurrentPrincipal() principal: Principal,
    @Ctx() ctx: AmqpContext,
  ) {
    return this.subscriptions.startCheckout(billingCallerOf(principal, ctx), data);
  }

  @Payments.MessagePattern(PAYMENTS_RPC.createPortalSession)
  @RequirePermission('billing:write', { kinds: ['user'] })
  @IdempotentCommand()
  portal(
    @Payload() data: PaymentsRequest<'payments.portal-session.create'>,
    @CurrentPrincipal() principal: Principal,
    @Ctx() ctx: AmqpContext,
  ) {
    return this.subscriptions.openPortal(billingCallerOf(principal, ctx), data.returnUrl);
  }

  @Payments.MessagePattern(PAYMENTS_RPC.changePlan)
  @RequirePermission('billing:write', { kinds: ['user'] })
  @IdempotentCommand()
  changePlan(
    @Payload() data: PaymentsRequest<'payments.subscription.change-plan'>,
    @CurrentPrincipal() principal: Principal,
    @Ctx() ctx: AmqpContext,
  ) {
    return this.subscriptions.changePlan(billingCallerOf(principal, ctx), data.plan);
  }

  @Payments.MessagePattern(PAYMENTS_RPC.cancelSubscription)
  @RequirePermission('billing:write', { kinds: ['user'] })
  @IdempotentCommand()
  cancel(@CurrentPrincipal() principal: Principal, @Ctx() ctx: AmqpContext) {
    return this.subscriptions.cancelAtPeriodEnd(billingCallerOf(principal, ctx));
  }
}
