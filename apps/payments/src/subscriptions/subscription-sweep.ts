import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import type { TenantDatabase } from '@platform/tenancy';
import type { BillingNotices, PendingNotice } from '../mail/billing-notices';
import { SubscriptionEntity } from './subscription.entity';

/** Subscriptions handled per pass at most; the next pass takes the rest. */
const BATCH = 100;

export interface SubscriptionSweep {
  /** The system-work reason of the cross-organization scan (logged, see runAsSystem). */
  scan: string;
  /** Which subscriptions are due (SQL on alias `s`), and the column that orders them, oldest first. */
  where: string;
  parameters: Record<string, unknown>;
  orderBy: string;
  /** Decides one organization, its subscription row to be locked and re-checked by `decide`. */
  decide: (manager: EntityManager, organizationId: string) => Promise<PendingNotice[]>;
  /** The mail-key cause of the notices decided in this pass (one per pass: `<job>:<now>`). */
  cause: string;
  /** Logged when one organization fails; the next pass tries it again. */
  failure: string;
  /** Which organizations the pass answers: every one decided, or those that got a notice. */
  report: 'decided' | 'noticed';
}

/**
 * The shape of payments' periodic jobs (dunning, AZUL's monthly charges, the end of prepaid months):
 * a scan across organizations as system, then each organization in its own tenant transaction where
 * the decision and its notices commit together, a failure of one never stopping the others.
 */
export async function sweepSubscriptions(
  deps: { tenants: TenantDatabase; notices: BillingNotices; logger: Logger },
  sweep: SubscriptionSweep,
): Promise<string[]> {
  const due = await deps.tenants.runAsSystem(sweep.scan, (manager) =>
    manager
      .createQueryBuilder(SubscriptionEntity, 's')
      .select('s.organizationId', 'organizationId')
      .where(sweep.where, sweep.parameters)
      .orderBy(sweep.orderBy)
      .limit(BATCH)
      .getRawMany<{ organizationId: string }>(),
  );
  const reported: string[] = [];
  for (const { organizationId } of due) {
    try {
      const notices = await deps.tenants.runInTenant(organizationId, async (manager) => {
        const decided = await sweep.decide(manager, organizationId);
        await deps.notices.queue(manager, organizationId, sweep.cause, decided);
        return decided;
      });
      if (sweep.report === 'decided' || notices.length > 0) reported.push(organizationId);
    } catch (error) {
      deps.logger.error({ err: error, organizationId }, sweep.failure);
    }
  }
  return reported;
}
