import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { denylistKeys, type PlanCode } from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { CurrentUserContext as UserContext } from '@platform/messaging';
import { REDIS } from '@platform/redis';
import { TenantDatabase } from '@platform/tenancy';
import type { AuthEnv } from '../config/auth-env.schema';
import { MembershipService } from '../memberships/membership.service';
import { Clock } from '../shared/clock';
import { OrganizationCodeService } from './organization-code.service';

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
    private readonly codes: OrganizationCodeService,
    private readonly clock: Clock,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
  ) {}

  async rotate(ctx: UserContext): Promise<{ code: string; plan: PlanCode; issuedAt: string }> {
    const issuedAt = this.clock.now().toISOString();
    const { code, plan, replaced } = await this.tenants.runInTenant(ctx.organizationId, async (manager) => {
      await this.memberships.requirePermission(ctx, 'org:update');
      return this.codes.replace(manager, ctx.organizationId);
    });
    await this.deny(replaced);
    return { code, plan, issuedAt };
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
