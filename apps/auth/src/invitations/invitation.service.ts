import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { IsNull } from 'typeorm';
import type { PageRequest, Role } from '@platform/contracts';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { ConflictError, DomainError, ForbiddenError, NotFoundError } from '@platform/errors';
import { TenantDatabase } from '@platform/tenancy';
import type { AuthEnv } from '../config/auth-env.schema';
import { MailQuota, type QuotaDecision } from '../mail/mail-quota';
import { MailTemplates } from '../mail/mail-templates';
import { Mailer } from '@platform/mail';
import { MembershipRepository } from '../memberships/membership.repository';
import { assertRoomForMember } from '../memberships/member-quota';
import { MembershipService } from '../memberships/membership.service';
import { canInvite } from '../memberships/role-policy';
import { OrganizationEntity } from '../organizations/organization.entity';
import { OrganizationService } from '../organizations/organization.service';
import { randomToken, sha256Hex } from '../security/opaque-token';
import { Clock } from '../shared/clock';
import { decodeCursor, keysetCondition, sortKeySql, toPage } from '@platform/persistence';
import { isUniqueViolation, returnedRows } from '../shared/postgres';
import type { CurrentUserContext as UserContext } from '@platform/messaging';
import { UserService } from '../users/user.service';
import { InvitationEntity } from './invitation.entity';

const INVALID_INVITATION = 'The invitation is invalid, expired or already used';

function refuseOverBudget(decision: QuotaDecision, message: string): void {
  if (!decision.allowed) {
    throw new DomainError('RATE_LIMITED', message, { retryAfterSeconds: decision.retryAfterSeconds });
  }
}

/**
 * Invitations by emailed token. Every query runs in the tenant transaction of the caller's
 * organization, except accepting: the invitee joins ANOTHER organization, named by the token.
 */
@Injectable()
export class InvitationService {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly memberships: MembershipRepository,
    private readonly membershipService: MembershipService,
    private readonly organizations: OrganizationService,
    private readonly users: UserService,
    private readonly mailer: Mailer,
    private readonly templates: MailTemplates,
    private readonly quota: MailQuota,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Inviting an email again replaces its open invitation (new token, new expiry). The platform mails
   * a stranger on the inviter's behalf, so the inviter must have proven their own address, and the
   * organization and the recipient each have a mail budget (429 past it, nothing created or sent).
   */
  async invite(ctx: UserContext, email: string, role: Role): Promise<InvitationEntity> {
    // The gateway route's permission, against the current role; canInvite then limits which roles.
    const actor = await this.membershipService.requirePermission(ctx, 'members:invite');
    if (!(await this.users.requireById(ctx.userId)).emailVerified) {
      throw new DomainError('EMAIL_NOT_VERIFIED', 'Verify your email address before inviting anyone');
    }
    const decision = canInvite(actor.role, role);
    if (!decision.allowed) throw new ForbiddenError(decision.reason);
    const invitee = await this.users.findByEmail(email);
    const alreadyMember =
      invitee &&
      (await this.tenants.runInTenant(ctx.organizationId, (manager) =>
        this.memberships.find(ctx.organizationId, invitee.id, manager),
      ));
    if (alreadyMember) {
      throw new ConflictError('This person is already a member');
    }
    refuseOverBudget(
      await this.quota.invitationFrom(ctx.organizationId),
      'This organization has sent too many invitations; try again later',
    );
    refuseOverBudget(
      await this.quota.invitationTo(ctx.organizationId, email),
      'This organization has invited this address too often; try again later',
    );
    const organization = (await this.organizations.findById(ctx.organizationId))!;
    const token = randomToken(32);
    const invitation = await this.tenants.runInTenant(ctx.organizationId, async (manager) => {
      // Members and open invitations share the plan's seats (a re-invitation replaces its own).
      await assertRoomForMember(manager, ctx.organizationId, {
        countOpenInvitations: true,
        exceptEmail: email,
        now: this.clock.now(),
      });
      await manager.update(
        InvitationEntity,
        { organizationId: ctx.organizationId, email, acceptedAt: IsNull(), revokedAt: IsNull() },
        { revokedAt: this.clock.now() },
      );
      try {
        return await manager.save(
          manager.create(InvitationEntity, {
            organizationId: ctx.organizationId,
            email,
            role,
            tokenHash: sha256Hex(token),
            invitedBy: ctx.userId,
            expiresAt: this.clock.in(this.config.INVITATION_TTL_SECONDS),
          }),
        );
      } catch (error) {
        if (isUniqueViolation(error, 'uq_invitations_open')) {
          throw new ConflictError('This email is being invited right now; try again');
        }
        throw error;
      }
    });
    // The command runs under @IdempotentCommand(), whose transaction the runInTenant above joined:
    // the email goes out before that transaction commits. Deliberately: the stored Idempotency-Key
    // answer then exists only if the email went out (a failed send throws, everything rolls back and
    // a retry with the same key runs again), a replay never reaches this line (no second email), and
    // a concurrent retry meets the key's lock (409) rather than mailing too.
    await this.deliver(invitation, token, organization);
    return invitation;
  }

  /**
   * Open invitations, newest first, one keyset page (see keyset-page.ts). The same permission as the
   * gateway route (`members:invite`), checked against the current role.
   */
  async listOpen(
    ctx: UserContext,
    page: PageRequest,
  ): Promise<{ rows: InvitationEntity[]; nextCursor: string | null }> {
    const scope = { list: 'invitations', owner: ctx.organizationId };
    const after = keysetCondition('created_at', 'id', 'DESC', decodeCursor(scope, page.cursor), 4);
    const rows: (Record<string, unknown> & { sort_us: string })[] = await this.tenants.runInTenant(
      ctx.organizationId,
      async (manager) => {
        await this.membershipService.requirePermission(ctx, 'members:invite');
        return manager.query(
          `SELECT id, organization_id AS "organizationId", email, role, invited_by AS "invitedBy",
              expires_at AS "expiresAt", created_at AS "createdAt", ${sortKeySql('created_at')}::text AS sort_us
       FROM invitations
       WHERE organization_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2
         ${after.sql}
       ORDER BY created_at DESC, id DESC LIMIT $3`,
          [ctx.organizationId, this.clock.now(), page.limit + 1, ...after.params],
        );
      },
    );
    const result = toPage(rows, page.limit, scope, (row) => ({ sortUs: row.sort_us, id: row.id as string }));
    return {
      rows: result.rows.map(({ sort_us: _sortKey, ...invitation }) =>
        Object.assign(new InvitationEntity(), invitation),
      ),
      nextCursor: result.nextCursor,
    };
  }

  async revoke(ctx: UserContext, invitationId: string): Promise<void> {
    await this.tenants.runInTenant(ctx.organizationId, async (manager) => {
      const actor = await this.membershipService.requirePermission(ctx, 'members:invite');
      // Scoped by organization (and by RLS): another tenant's invitation id is simply not found.
      const invitation = await manager.findOneBy(InvitationEntity, {
        id: invitationId,
        organizationId: ctx.organizationId,
        acceptedAt: IsNull(),
        revokedAt: IsNull(),
      });
      if (!invitation) throw new NotFoundError('Invitation', invitationId);
      const decision = canInvite(actor.role, invitation.role);
      if (!decision.allowed) throw new ForbiddenError(decision.reason);
      await manager.update(InvitationEntity, { id: invitation.id }, { revokedAt: this.clock.now() });
    });
  }

  /**
   * The signed-in user whose email the invitation was sent to joins the organization. That
   * organization is the token's, not the principal's (the invitee is not a member yet), so the
   * lookup and the join run through the system path.
   */
  async accept(ctx: UserContext, token: string) {
    const user = await this.users.requireById(ctx.userId);
    return this.tenants.runAsSystem('auth.invitation.accept', async (manager) => {
      const invitation = await manager.findOne(InvitationEntity, {
        where: { tokenHash: sha256Hex(token), acceptedAt: IsNull(), revokedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      if (!invitation || invitation.expiresAt.getTime() <= this.clock.now().getTime()) {
        throw new DomainError('BAD_REQUEST', INVALID_INVITATION);
      }
      if (invitation.email.toLowerCase() !== user.email.toLowerCase()) {
        throw new ForbiddenError('This invitation was sent to another email address');
      }
      if (await this.memberships.find(invitation.organizationId, user.id, manager)) {
        throw new ConflictError('You are already a member of this organization');
      }
      // The plan may have shrunk since the invitation went out (a downgrade): members alone count here.
      await assertRoomForMember(manager, invitation.organizationId, {
        countOpenInvitations: false,
        now: this.clock.now(),
      });
      await this.memberships.insert(manager, invitation.organizationId, user.id, invitation.role);
      const claimed = await manager.query(
        `UPDATE invitations SET accepted_at = now(), accepted_by = $2 WHERE id = $1 AND accepted_at IS NULL RETURNING id`,
        [invitation.id, user.id],
      );
      if (returnedRows(claimed).length !== 1) throw new DomainError('BAD_REQUEST', INVALID_INVITATION);
      // The token reached that mailbox: the address is proven.
      await this.users.markEmailVerified(manager, user.id);
      await this.organizations.announceMember(manager, invitation.organizationId, user.id, invitation.role);
      const organization = (await manager.findOneBy(OrganizationEntity, { id: invitation.organizationId }))!;
      const membership = (await this.memberships.find(invitation.organizationId, user.id, manager))!;
      return { organization, role: invitation.role, joinedAt: membership.createdAt };
    });
  }

  /**
   * The invitation only exists if its email could be sent: on failure it is revoked and the caller
   * gets 503, so an inviter never believes an email went out when it did not. (Inside the command's
   * transaction the 503 rolls the invitation back altogether; the revoke covers a caller without one.)
   */
  private async deliver(
    invitation: InvitationEntity,
    token: string,
    organization: OrganizationEntity,
  ): Promise<void> {
    try {
      await this.mailer.send(
        this.templates.invitation(invitation.email, token, organization.name, invitation.role),
      );
    } catch (error) {
      this.logger.error({ err: error, invitationId: invitation.id }, 'invitation email failed');
      await this.tenants.runInTenant(invitation.organizationId, (manager) =>
        manager.update(InvitationEntity, { id: invitation.id }, { revokedAt: this.clock.now() }),
      );
      throw new DomainError('SERVICE_UNAVAILABLE', 'The invitation email could not be sent; try again later');
    }
  }
}
