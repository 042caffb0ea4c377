import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { EVENT_NAMES, paymentsContract, type ContractEventPayload, type PlanCode } from '@platform/contracts';
import { AmqpContext, claimEvent, contractHandlers } from '@platform/messaging';
import { TenantDatabase } from '@platform/tenancy';
import { OrganizationCodeMails } from '../organization-codes/organization-code-mails';
import { OrganizationCodeService } from '../organization-codes/organization-code.service';
import { OrganizationService } from './organization.service';

const Payments = contractHandlers(paymentsContract);
type Payload<
  E extends
    'payments.subscription.activated' | 'payments.subscription.changed' | 'payments.subscription.cancelled',
> = ContractEventPayload<typeof paymentsContract, E>;

/** The ledger name of this consumer (kept from before the move, so old deliveries stay deduplicated). */
const CONSUMER = 'auth.plan-sync';

/**
 * Keeps the organization's plan (which access tokens, API-key principals and rate limits carry)
 * in step with payments, and on activation issues the organization its code (seed 004) when it has
 * none, emailed to its owners. Each event is handled once per id: the processed-events claim,
 * the plan, the code and its queued emails (OrganizationCodeMails) commit together in the
 * organization's tenant transaction (organization codes are under RLS). Queues are derived: `auth.payments.subscription.<activated|changed|cancelled>`.
 * Registered by OrganizationCodesModule (it needs the code service, which depends on organizations).
 */
@Controller()
export class PlanSyncHandler {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly organizations: OrganizationService,
    private readonly codes: OrganizationCodeService,
    private readonly codeMails: OrganizationCodeMails,
  ) {}

  @Payments.EventPattern(EVENT_NAMES.subscriptionActivated)
  async onSubscriptionActivated(
    @Payload() payload: Payload<'payments.subscription.activated'>,
    @Ctx() ctx: AmqpContext,
  ): Promise<void> {
    const issued = await this.once(payload.organizationId, ctx, async (manager) => {
      await this.organizations.setPlan(manager, payload.organizationId, payload.plan);
      const code = await this.codes.issueOnActivation(manager, payload.organizationId, payload.plan);
      if (!code) return false;
      const owners = await this.ownersOf(manager, payload.organizationId);
      await this.codeMails.queue(manager, {
        organizationId: payload.organizationId,
        organizationName: owners[0]?.name ?? '',
        plan: payload.plan,
        code,
        to: owners.map((owner) => owner.email),
      });
      return true;
    });
    // After the commit: the code exists before anyone is told it.
    if (issued) this.codeMails.sendSoon();
  }

  @Payments.EventPattern(EVENT_NAMES.subscriptionChanged)
  async onSubscriptionChanged(
    @Payload() payload: Payload<'payments.subscription.changed'>,
    @Ctx() ctx: AmqpContext,
  ) {
    await this.setPlan(payload.organizationId, payload.plan, ctx);
  }

  @Payments.EventPattern(EVENT_NAMES.subscriptionCancelled)
  async onSubscriptionCancelled(
    @Payload() payload: Payload<'payments.subscription.cancelled'>,
    @Ctx() ctx: AmqpContext,
  ) {
    await this.setPlan(payload.organizationId, payload.plan, ctx);
  }

  private async setPlan(organizationId: string, plan: PlanCode, ctx: AmqpContext): Promise<void> {
    await this.once(organizationId, ctx, (manager) =>
      this.organizations.setPlan(manager, organizationId, plan),
    );
  }

  /**
   * `work` once per event id, in the organization's tenant transaction: the processed-events claim
   * (what `processOnce` does on its own transaction) is written in the same one, so a redelivery
   * after a crash either finds it committed with the work, or finds neither.
   */
  private once<T>(
    organizationId: string,
    ctx: AmqpContext,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T | null> {
    return this.tenants.runInTenant(organizationId, async (manager) => {
      const claimed = await claimEvent(manager, CONSUMER, ctx.event!.id);
      return claimed ? work(manager) : null;
    });
  }

  private ownersOf(
    manager: EntityManager,
    organizationId: string,
  ): Promise<{ email: string; name: string }[]> {
    return manager.query(
      `SELECT u.email, o.name FROM memberships m
         JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.organization_id
        WHERE m.organization_id = $1 AND m.role = 'owner' ORDER BY m.created_at`,
      [organizationId],
    );
  }
}
