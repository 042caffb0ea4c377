import type { Principal } from '@platform/contracts';
import type { AmqpContext } from '@platform/messaging';
import { tenantOfPrincipal } from '@platform/tenancy';

/** Who asks and with which Idempotency-Key (from the envelope, never from `data`). */
export interface BillingCaller {
  organizationId: string;
  idempotencyKey?: string;
}

/** The caller of a billing command: the principal's organization and the gateway's Idempotency-Key. */
export function billingCallerOf(principal: Principal, ctx: AmqpContext): BillingCaller {
  return { organizationId: tenantOfPrincipal(principal), idempotencyKey: ctx.envelope?.meta.idempotencyKey };
}
