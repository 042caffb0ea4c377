import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { organizationCodeFingerprint, type PlanCode, type Principal } from '@platform/contracts';
import { ConflictError, DomainError, NotFoundError, UnauthenticatedError } from '@platform/errors';
import { TenantDatabase } from '@platform/tenancy';
import { MembershipRepository } from '../memberships/membership.repository';
import type { OrganizationEntity } from '../organizations/organization.entity';
import { OrganizationService } from '../organizations/organization.service';
import { HUMAN_ALPHABET, randomString } from '../security/opaque-token';
import { Clock } from '../shared/clock';
import { isUniqueViolation } from '../shared/postgres';
import { OrganizationCodeEntity } from './organization-code.entity';

/** Seed 004: "código único de 10 caracteres (ej: ABC123XYZ9)"; drawn without look-alike characters. */
const CODE_LENGTH = 10;
/** The role of a request authenticated by an organization code alone (seed 004: reads need no user). */
export const CODE_ONLY_ROLE = 'viewer' as const;
const INVALID_CODE = 'The organization code is invalid';

/**
 * Organization codes are tenant rows (their organization's), but every flow here starts from the
 * code alone — the code names the tenant, or none yet (not redeemed) — so each runs through the
 * system path with its own reason.
 */
@Injectable()
export class OrganizationCodeService {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly organizations: OrganizationService,
    private readonly memberships: MembershipRepository,
    private readonly clock: Clock,
  ) {}

  async validate(code: string): Promise<{ valid: boolean; plan?: PlanCode; redeemed?: boolean }> {
    const row = await this.tenants.runAsSystem('auth.organization-code.validate', (manager) =>
      this.find(code, manager),
    );
    if (!row || !this.isLive(row)) return { valid: false };
    return { valid: true, plan: row.plan, redeemed: row.organizationId !== null };
  }

  /** Creates an organization on the code's plan with the caller as owner; a code does this once. */
  async redeem(userId: string, code: string, organizationName: string): Promise<OrganizationEntity> {
    return this.tenants.runAsSystem('auth.organization-code.redeem', async (manager) => {
      const row = await this.find(code, manager, true);
      if (!row || !this.isLive(row)) throw new DomainError('BAD_REQUEST', INVALID_CODE);
      if (row.organizationId) throw new ConflictError('This organization code has already been used');
      await this.organizations.assertMayOwnAnother(manager, userId);
      const organization = await this.organizations.createWithOwner(manager, {
        name: organizationName,
        ownerUserId: userId,
        plan: row.plan,
      });
      await manager.update(
        OrganizationCodeEntity,
        { id: row.id },
        { organizationId: organization.id, redeemedAt: this.clock.now(), redeemedBy: userId },
      );
      return organization;
    });
  }

  /**
   * The gateway's `x-organization-code` (+ optional `x-user-id`) check. A code is an organization
   * credential: it acts in its own organization only, always with CODE_ONLY_ROLE and never as a user
   * (`userId` stays null, so nothing that needs a signed-in user accepts it). `x-user-id` must name a
   * member of that same organization and only attributes the request to them (`attributedUserId`);
   * it never lends the code that member's role.
   */
  async resolve(
    code: string,
    attributedUserId?: string,
  ): Promise<{ principal: Principal; expiresAt: Date | null }> {
    const row = await this.tenants.runAsSystem('auth.organization-code.resolve', async (manager) => {
      const rows: { organization_id: string; plan: PlanCode; expires_at: Date | null }[] =
        await manager.query(
          `SELECT c.organization_id, o.plan, c.expires_at
         FROM organization_codes c JOIN organizations o ON o.id = c.organization_id
         WHERE c.code_hash = $1 AND c.revoked_at IS NULL`,
          [organizationCodeFingerprint(code)],
        );
      const found = rows[0];
      if (!found || (found.expires_at && found.expires_at.getTime() <= this.clock.now().getTime())) {
        throw new UnauthenticatedError(INVALID_CODE);
      }
      if (
        attributedUserId &&
        !(await this.memberships.find(found.organization_id, attributedUserId, manager))
      ) {
        throw new UnauthenticatedError('The user is not a member of this organization');
      }
      return found;
    });
    const principal: Principal = {
      kind: 'organization-code',
      userId: null,
      organizationId: row.organization_id,
      roles: [CODE_ONLY_ROLE],
      scopes: [],
      apiKeyId: null,
      attributedUserId: attributedUserId ?? null,
      plan: row.plan,
    };
    // The expiry goes back so the gateway never caches the code past it.
    return { principal, expiresAt: row.expires_at };
  }

  /** Internal (payments): a new code on `plan`, bound to an organization or to be redeemed. */
  async issue(plan: PlanCode, organizationId?: string): Promise<string> {
    if (organizationId && !(await this.organizations.findById(organizationId))) {
      throw new NotFoundError('Organization', organizationId);
    }
    for (;;) {
      const code = randomString(CODE_LENGTH, HUMAN_ALPHABET);
      try {
        // A code not bound to an organization yet has no tenant: only the system path can write it.
        await this.tenants.runAsSystem('auth.organization-code.issue', (manager) =>
          manager.insert(OrganizationCodeEntity, {
            codeHash: organizationCodeFingerprint(code),
            plan,
            organizationId: organizationId ?? null,
          }),
        );
        return code;
      } catch (error) {
        // ~10^14 codes: a collision is astronomically rare, but a retry costs nothing.
        if (!isUniqueViolation(error, 'uq_organization_codes_hash')) throw error;
      }
    }
  }

  /**
   * Payments activated the organization's subscription (seed 004: "código único … al pagar"): a code
   * bound to it, unless it already holds a live one — so a repeated or second activation issues none.
   * Runs in the caller's tenant transaction of that organization; the organization row is locked so
   * two activations handled at once cannot both find "none". Answers the clear code (to be shown once,
   * to the owners) or null when none was issued.
   */
  async issueOnActivation(
    manager: EntityManager,
    organizationId: string,
    plan: PlanCode,
  ): Promise<string | null> {
    await this.lockOrganization(manager, organizationId);
    if ((await this.liveCodesOf(manager, organizationId)).length > 0) return null;
    // ~10^14 codes: a collision fails the transaction and the event is redelivered with a new draw.
    return this.insertBound(manager, organizationId, plan);
  }

  /**
   * Replaces the organization's live code(s) by a new one on its current plan, in the caller's tenant
   * transaction (the organization row locked, as on activation). Answers the clear new code and the
   * fingerprints of the codes it revoked; 409 when the organization holds none (it never paid).
   */
  async replace(
    manager: EntityManager,
    organizationId: string,
  ): Promise<{ code: string; plan: PlanCode; replaced: string[] }> {
    const { plan } = await this.lockOrganization(manager, organizationId);
    const live = await this.liveCodesOf(manager, organizationId);
    if (live.length === 0) {
      throw new ConflictError('The organization has no organization code: one is issued when it pays');
    }
    await manager.update(
      OrganizationCodeEntity,
      live.map((row) => row.id),
      { revokedAt: this.clock.now() },
    );
    // ~10^14 codes: a collision fails the transaction (unique hash); the caller retries.
    const code = await this.insertBound(manager, organizationId, plan);
    return { code, plan, replaced: live.map((row) => row.codeHash) };
  }

  /** The organization row, locked: its code decisions (activation, replacement) run one at a time. */
  private async lockOrganization(
    manager: EntityManager,
    organizationId: string,
  ): Promise<{ plan: PlanCode }> {
    const [organization] = (await manager.query(`SELECT plan FROM organizations WHERE id = $1 FOR UPDATE`, [
      organizationId,
    ])) as { plan: PlanCode }[];
    if (!organization) throw new NotFoundError('Organization', organizationId);
    return organization;
  }

  /** The organization's codes neither revoked nor expired. */
  private liveCodesOf(manager: EntityManager, organizationId: string) {
    return manager
      .createQueryBuilder(OrganizationCodeEntity, 'c')
      .select(['c.id', 'c.codeHash'])
      .where('c.organization_id = :organizationId AND c.revoked_at IS NULL', { organizationId })
      .andWhere('(c.expires_at IS NULL OR c.expires_at > :now)', { now: this.clock.now() })
      .getMany();
  }

  /** A new code bound to the organization: stored as its fingerprint, answered in clear once. */
  private async insertBound(manager: EntityManager, organizationId: string, plan: PlanCode): Promise<string> {
    const code = randomString(CODE_LENGTH, HUMAN_ALPHABET);
    await manager.insert(OrganizationCodeEntity, {
      codeHash: organizationCodeFingerprint(code),
      plan,
      organizationId,
    });
    return code;
  }

  private find(code: string, manager: EntityManager, lock = false) {
    return manager.findOne(OrganizationCodeEntity, {
      where: { codeHash: organizationCodeFingerprint(code) },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  private isLive(row: OrganizationCodeEntity): boolean {
    return !row.revokedAt && (!row.expiresAt || row.expiresAt.getTime() > this.clock.now().getTime());
  }
}
