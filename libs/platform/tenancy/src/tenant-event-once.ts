import type { EntityManager } from 'typeorm';
import { claimEvent, PoisonMessageError } from '@platform/messaging';
import type { TenantDatabase } from './tenant-database';
import { isUuid } from './tenant-setting';

/**
 * Runs an event's work once per (consumer, event id), inside a transaction of the event's tenant:
 * the processed-events ledger row and the work commit together (`processOnce` of @platform/messaging,
 * but under row-level security, which its plain transaction would not set). An event whose
 * organization is not an id can never succeed: poison, straight to the DLQ.
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
    if (!(await claimEvent(manager, consumer, eventId))) return 'duplicate';
    await work(manager);
    return 'processed';
  });
}
