import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { denylistKeys, organizationCodeFingerprint, type PlanCode } from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { ConflictError } from '@platform/errors';
import type { CurrentUserContext as UserContext } from '@platform/messaging';
import { REDIS } from '@platform/redis';
import { TenantDatabase } from '@platform/tenancy';
import type { AuthEnv } from '../config/auth-env.schema';
import { MembershipService } from '../memberships/membership.service';
import { HUMAN_ALPHABET, randomString } from '../security/opaque-token';
import { Clock } from '../shared/clock';
import { OrganizationCodeEntity } from './organization-code.entity';
import { CODE_LENGTH } from './organization-code.service';

/**
 * Replaces an organization's code (lost — its email never arrived — or leaked). An owner or admin
 * (`org:update`, a signed-in user: never the code itself nor an API key) gets a new code, shown this
 * once; the old one is revoked in the same transaction (auth's resolution refuses it) and, after the
 * commit, marked in Redis by its fingerprint, which every gateway replica checks when it finds the
 * code in its credential cache: the old code stops working at once everywhere.
 */
@Injectable()
export class OrganizationCodeRotation {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly memberships: MembershipService,
    private readonly clock: Clock,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
  ) {}

  async rotate(ctx: UserContext): Promise<{ code: string; plan: PlanCode; issuedAt: string }> {
    const now = this.clock.now();
    const { code, plan, replaced } = await this.tenants.runInTenant(ctx.organizationId, async (manager) => {
      await this.memberships.requirePermission(ctx, 'org:update');
      const [organization] = (await manager.query(`SELECT plan FROM organizations WHERE id = $1 FOR UPDATE`, [
        ctx.organizationId,
      ])) as { plan: PlanCode }[];
      const live: { id: string; code_hash: string }[] = await manager.query(
        `SELECT id, code_hash FROM organization_codes
          WHERE organization_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
        [ctx.organizationId, now],
      );
      if (!organization || live.length === 0) {
        throw new ConflictError('The organization has no organization code: one is issued when it pays');
      }
      await manager.query(`UPDATE organization_codes SET revoked_at = $2 WHERE id = ANY($1::uuid[])`, [
        live.map((row) => row.id),
        now,
      ]);
      // ~10^14 codes: a collision fails the transaction (unique hash); the caller retries.
      const fresh = randomString(CODE_LENGTH, HUMAN_ALPHABET);
      await manager.insert(OrganizationCodeEntity, {
        codeHash: organizationCodeFingerprint(fresh),
        plan: organization.plan,
        organizationId: ctx.organizationId,
      });
      return { code: fresh, plan: organization.plan, replaced: live.map((row) => row.code_hash) };
    });
    await this.deny(replaced);
    return { code, plan, issuedAt: now.toISOString() };
  }

  /** The revocation markers; they outlive every gateway's cache entry of the old code. */
  private async deny(fingerprints: readonly string[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const fingerprint of fingerprints) {
      pipeline.set(
        denylistKeys.organizationCode(fingerprint),
        '1',
        'EX',
        this.config.API_KEY_REVOCATION_MARKER_TTL_SECONDS,
      );
    }
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }
}
