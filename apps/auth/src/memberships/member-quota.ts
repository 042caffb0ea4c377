import type { EntityManager } from 'typeorm';
import { PLANS, type PlanCode } from '@platform/contracts';
import { NotFoundError, PlanLimitReachedError } from '@platform/errors';

/**
 * The plan's cap on members (PLANS[plan].maxUsers), in the caller's transaction. The organization
 * row is locked first, so two invitations (or acceptances) of one organization decide one after the
 * other and cannot both take the last seat. The plan is auth's own column (kept in step with payments
 * by the plan-sync consumer), as for the API-key cap: the token's copy may be minutes old.
 */
export async function assertRoomForMember(
  manager: EntityManager,
  organizationId: string,
  seats: { countOpenInvitations: boolean; exceptEmail?: string; now: Date },
): Promise<void> {
  const [organization] = (await manager.query(`SELECT plan FROM organizations WHERE id = $1 FOR UPDATE`, [
    organizationId,
  ])) as { plan: PlanCode }[];
  if (!organization) throw new NotFoundError('Organization', organizationId);
  const [row] = (await manager.query(
    `SELECT (SELECT count(*) FROM memberships WHERE organization_id = $1)::int
          + CASE WHEN $2 THEN (SELECT count(*) FROM invitations
              WHERE organization_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $3
                AND ($4::text IS NULL OR lower(email) <> lower($4::text)))::int ELSE 0 END AS usage`,
    [organizationId, seats.countOpenInvitations, seats.now, seats.exceptEmail ?? null],
  )) as { usage: number }[];
  const max = PLANS[organization.plan].maxUsers;
  const usage = row?.usage ?? 0;
  if (usage >= max) {
    throw new PlanLimitReachedError(
      { name: 'members', plan: organization.plan, max, usage },
      `The ${organization.plan} plan allows ${max} member${max === 1 ? '' : 's'} (open invitations included); remove one or upgrade the plan`,
    );
  }
}
