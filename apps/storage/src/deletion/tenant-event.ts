import type { EntityManager } from 'typeorm';
import { PoisonMessageError } from '@platform/messaging';
import { isUuid, type TenantDatabase } from '@platform/tenancy';

/**
 * Runs an event's work once per (consumer, event id), inside a transaction of the event's tenant:
 * the processed-events ledger row and the work commit together, under row-level security (the
 * same helper as recordings' `processTenantEventOnce`; a shared one belongs in @platform/tenancy
 * once a third service needs it). An event whose organization is not an id is poison.
 */
export async function processTenantEventOnce(
  tenants: TenantDatabase,
  consumer: string,
  eventId: string,
  organizationId: string,
  work: (manager: EntityManager) => Promise<void>,
): Promise<'processed' | 'duplicate'> {
  if (!isUuid(organizationId))
    throw new PoisonMessageError(`organizationId "${organizationId}" is not a uuid`);
  return tenants.runInTenant(organizationId, async (manager) => {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, eventId],
    );
    if (inserted.length === 0) return 'duplicate';
    await work(manager);
    return 'processed';
  });
}
