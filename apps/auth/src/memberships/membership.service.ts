import { Injectable } from '@nestjs/common';
import {
  EVENT_NAMES,
  roleHasPermission,
  type PageRequest,
  type Permission,
  type Role,
} from '@platform/contracts';
import { ConflictError, ForbiddenError, NotFoundError } from '@platform/errors';
import { TenantDatabase } from '@platform/tenancy';
import { ApiKeyRevoker } from '../api-keys/api-key-revoker';
import { OutboxWriter, type CurrentUserContext as UserContext } from '@platform/messaging';
import { SessionRevoker } from '../sessions/session-revoker';
import { MembershipEntity } from './membership.entity';
import { MembershipRepository, type MemberRow } from './membership.repository';
import { canChangeRole, canRemove, type RoleDecision } from './role-policy';

const LAST_OWNER = 'An organization must keep at least one owner';

/**
 * Members of the caller's organization. The caller's role is read from the database, not from the
 * token: a role changed or a member removed in the last 15 minutes must not keep its old powers.
 * Every use case runs in the tenant transaction of the caller's organization (from the principal);
 * called inside one already (another service's use case), it joins it.
 */
@Injectable()
export class MembershipService {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly memberships: MembershipRepository,
    private readonly revoker: SessionRevoker,
    private readonly apiKeyRevoker: ApiKeyRevoker,
    private readonly outbox: OutboxWriter,
  ) {}

  /** The caller's current membership of the organization in their token. */
  async requireMembership(ctx: Pick<UserContext, 'organizationId' | 'userId'>): Promise<MembershipEntity> {
    const membership = await this.tenants.runInTenant(ctx.organizationId, (manager) =>
      this.memberships.find(ctx.organizationId, ctx.userId, manager),
    );
    if (!membership) throw new ForbiddenError('You are not a member of this organization');
    return membership;
  }

  /**
   * The gateway already checked the permission against the token's role; this re-checks it against
   * the current role, which may have changed since the token was minted.
   */
  async requirePermission(
    ctx: Pick<UserContext, 'organizationId' | 'userId'>,
    permission: Permission,
  ): Promise<MembershipEntity> {
    const membership = await this.requireMembership(ctx);
    if (!roleHasPermission(membership.role, permission)) {
      throw new ForbiddenError(`Your role (${membership.role}) does not allow ${permission}`);
    }
    return membership;
  }

  async list(ctx: UserContext, page: PageRequest): Promise<{ rows: MemberRow[]; nextCursor: string | null }> {
    return this.tenants.runInTenant(ctx.organizationId, async (manager) => {
      await this.requirePermission(ctx, 'members:read');
      return this.memberships.listMembers(ctx.organizationId, page, manager);
    });
  }

  async changeRole(ctx: UserContext, targetUserId: string, role: Role): Promise<MemberRow> {
    return this.tenants.runInTenant(ctx.organizationId, async (manager) => {
      await this.memberships.lockOrganization(manager, ctx.organizationId);
      const actor = await this.memberships.find(ctx.organizationId, ctx.userId, manager);
      if (!actor) throw new ForbiddenError('You are not a member of this organization');
      const target = await this.memberships.find(ctx.organizationId, targetUserId, manager);
      if (!target) throw new NotFoundError('Member', targetUserId);
      assertAllowed(canChangeRole(actor.role, target.role, role));
      if (target.role === 'owner' && role !== 'owner') {
        if ((await this.memberships.countOwners(manager, ctx.organizationId)) <= 1) {
          throw new ConflictError(LAST_OWNER);
        }
      }
      if (target.role !== role) {
        await manager.update(
          MembershipEntity,
          { organizationId: ctx.organizationId, userId: targetUserId },
          { role },
        );
      }
      return (await this.memberships.findMember(ctx.organizationId, targetUserId, manager))!;
    });
  }

  /**
   * Removes a member (or the caller leaves). Their sessions in this organization and the API keys they
   * created in it end in the same transaction: a key must not outlive the membership that made it
   * (keys act with their own role, so nothing else would stop a removed member's key).
   */
  async remove(ctx: UserContext, targetUserId: string): Promise<void> {
    const revoked = await this.tenants.runInTenant(ctx.organizationId, async (manager) => {
      await this.memberships.lockOrganization(manager, ctx.organizationId);
      const actor = await this.memberships.find(ctx.organizationId, ctx.userId, manager);
      if (!actor) throw new ForbiddenError('You are not a member of this organization');
      const target = await this.memberships.find(ctx.organizationId, targetUserId, manager);
      if (!target) throw new NotFoundError('Member', targetUserId);
      assertAllowed(canRemove(actor.role, target.role, targetUserId === ctx.userId));
      if (target.role === 'owner' && (await this.memberships.countOwners(manager, ctx.organizationId)) <= 1) {
        throw new ConflictError(LAST_OWNER);
      }
      await manager.delete(MembershipEntity, { organizationId: ctx.organizationId, userId: targetUserId });
      // Metering counts members from joined/removed, so the event commits with the deletion.
      await this.outbox.addEvent(manager, EVENT_NAMES.memberRemoved, {
        organizationId: ctx.organizationId,
        userId: targetUserId,
      });
      // Their sessions in this organization end now; their other organizations are untouched.
      const sessions = await this.revoker.markUserSessions(manager, targetUserId, 'membership-ended', {
        organizationId: ctx.organizationId,
      });
      const apiKeys = await this.apiKeyRevoker.markMemberKeys(manager, ctx.organizationId, targetUserId);
      return { sessions, apiKeys };
    });
    await Promise.all([this.revoker.deny(revoked.sessions), this.apiKeyRevoker.deny(revoked.apiKeys)]);
  }
}

function assertAllowed(decision: RoleDecision): void {
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
}
