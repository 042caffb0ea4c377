import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { IsNull, type EntityManager } from 'typeorm';
import {
  PLANS,
  ROLE_PERMISSIONS,
  type PageRequest,
  type Permission,
  type PlanCode,
  type Principal,
} from '@platform/contracts';
import { LOGGER } from '@platform/bootstrap';
import {
  NotFoundError,
  PlanLimitReachedError,
  UnauthenticatedError,
  ValidationError,
} from '@platform/errors';
import { TenantDatabase } from '@platform/tenancy';
import { MembershipService } from '../memberships/membership.service';
import { sha256Hex } from '../security/opaque-token';
import { Clock } from '../shared/clock';
import { decodeCursor, keysetCondition, sortKeySql, toPage } from '@platform/persistence';
import type { CurrentUserContext as UserContext } from '@platform/messaging';
import { ApiKeyRevoker } from './api-key-revoker';
import { ApiKeyEntity } from './api-key.entity';
import { generateApiKey, isWellFormedApiKey } from './api-key.format';

/** The role every API key acts with; its scopes (when any) narrow it further at the gateway. */
export const API_KEY_ROLE = 'developer' as const;
const INVALID_KEY = 'Invalid API key';
/** lastUsedAt is a hint for people ("used 3 minutes ago"), so it is written at most once a minute. */
const LAST_USED_RESOLUTION_SECONDS = 60;

interface VerifiedKeyRow {
  id: string;
  organization_id: string;
  scopes: string[];
  expires_at: Date | null;
  plan: PlanCode;
}

/**
 * API keys of the caller's organization, in its tenant transaction. `verify` is the exception: the
 * key is all there is, so its organization is found through the logged system path.
 */
@Injectable()
export class ApiKeyService {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly memberships: MembershipService,
    private readonly clock: Clock,
    private readonly revoker: ApiKeyRevoker,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(
    ctx: UserContext,
    input: { name: string; scopes: string[]; expiresAt?: string },
  ): Promise<{ apiKey: ApiKeyEntity; secret: string }> {
    return this.tenants.runInTenant(ctx.organizationId, async (manager) => {
      await this.memberships.requirePermission(ctx, 'api-keys:write');
      const scopes = [...new Set(input.scopes)].sort();
      assertGrantableScopes(scopes);
      const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
      if (expiresAt && expiresAt.getTime() <= this.clock.now().getTime()) {
        throw new ValidationError([
          { path: 'expiresAt', code: 'in_the_past', message: 'must be in the future' },
        ]);
      }
      const { key, prefix } = generateApiKey();
      await this.assertBelowPlanCap(manager, ctx.organizationId);
      const apiKey = await manager.save(
        manager.create(ApiKeyEntity, {
          organizationId: ctx.organizationId,
          createdBy: ctx.userId,
          name: input.name,
          prefix,
          keyHash: sha256Hex(key),
          scopes,
          expiresAt,
        }),
      );
      return { apiKey, secret: key };
    });
  }

  /** Newest first, one keyset page (see keyset-page.ts). */
  async list(
    ctx: UserContext,
    page: PageRequest,
  ): Promise<{ rows: ApiKeyEntity[]; nextCursor: string | null }> {
    const scope = { list: 'api-keys', owner: ctx.organizationId };
    const after = keysetCondition('created_at', 'id', 'DESC', decodeCursor(scope, page.cursor), 3);
    const rows: (Record<string, unknown> & { sort_us: string })[] = await this.tenants.runInTenant(
      ctx.organizationId,
      async (manager) => {
        await this.memberships.requirePermission(ctx, 'api-keys:read');
        return manager.query(
          `SELECT id, organization_id AS "organizationId", created_by AS "createdBy", name, prefix,
              scopes, expires_at AS "expiresAt", last_used_at AS "lastUsedAt",
              created_at AS "createdAt", revoked_at AS "revokedAt", ${sortKeySql('created_at')}::text AS sort_us
       FROM api_keys WHERE organization_id = $1 ${after.sql}
       ORDER BY created_at DESC, id DESC LIMIT $2`,
          [ctx.organizationId, page.limit + 1, ...after.params],
        );
      },
    );
    const { rows: pageRows, nextCursor } = toPage(rows, page.limit, scope, (row) => ({
      sortUs: row.sort_us,
      id: row.id as string,
    }));
    return {
      rows: pageRows.map(({ sort_us: _sortKey, ...key }) => Object.assign(new ApiKeyEntity(), key)),
      nextCursor,
    };
  }

  async revoke(ctx: UserContext, apiKeyId: string): Promise<void> {
    await this.tenants.runInTenant(ctx.organizationId, async (manager) => {
      await this.memberships.requirePermission(ctx, 'api-keys:write');
      const result = await manager.update(
        ApiKeyEntity,
        { id: apiKeyId, organizationId: ctx.organizationId, revokedAt: IsNull() },
        { revokedAt: this.clock.now() },
      );
      if (result.affected) {
        await this.revoker.announce(manager, ctx.organizationId, [apiKeyId], 'revoked');
      } else {
        // Already revoked keys of this organization answer as revoked (idempotent); others do not exist.
        const existing = await manager.findOneBy(ApiKeyEntity, {
          id: apiKeyId,
          organizationId: ctx.organizationId,
        });
        if (!existing) throw new NotFoundError('API key', apiKeyId);
      }
    });
    // After commit; also when it was already revoked: a retry after a failed marker write still writes it.
    await this.revoker.deny([apiKeyId]);
  }

  /**
   * The plan's cap on active keys (not revoked, not yet expired). The organization row is locked
   * first, so concurrent creations count one after another and cannot overshoot together.
   */
  private async assertBelowPlanCap(manager: EntityManager, organizationId: string): Promise<void> {
    const [organization] = (await manager.query(`SELECT plan FROM organizations WHERE id = $1 FOR UPDATE`, [
      organizationId,
    ])) as { plan: PlanCode }[];
    if (!organization) throw new NotFoundError('Organization', organizationId);
    const [row] = (await manager.query(
      `SELECT count(*)::int AS usage FROM api_keys
       WHERE organization_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
      [organizationId, this.clock.now()],
    )) as { usage: number }[];
    const max = PLANS[organization.plan].maxApiKeys;
    const usage = row?.usage ?? 0;
    if (usage >= max) {
      throw new PlanLimitReachedError(
        { name: 'apiKeys', plan: organization.plan, max, usage },
        `The ${organization.plan} plan allows ${max} active API keys; revoke one or upgrade the plan`,
      );
    }
  }

  /**
   * The gateway's `x-api-key` check: one indexed lookup joined with the organization's plan. The
   * key's expiry goes back too, so the gateway never caches the key past it. The caller has no
   * principal yet (the key is what tells the tenant), hence the system path, for this one lookup.
   */
  async verify(key: string): Promise<{ principal: Principal; expiresAt: Date | null }> {
    if (!isWellFormedApiKey(key)) throw new UnauthenticatedError(INVALID_KEY);
    const rows: VerifiedKeyRow[] = await this.tenants.runAsSystem('auth.api-key.verify', (manager) =>
      manager.query(
        `SELECT k.id, k.organization_id, k.scopes, k.expires_at, o.plan
         FROM api_keys k JOIN organizations o ON o.id = k.organization_id
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
        [sha256Hex(key)],
      ),
    );
    const row = rows[0];
    if (!row || (row.expires_at && row.expires_at.getTime() <= this.clock.now().getTime())) {
      throw new UnauthenticatedError(INVALID_KEY);
    }
    this.touch(row.organization_id, row.id);
    const principal: Principal = {
      kind: 'api-key',
      userId: null,
      organizationId: row.organization_id,
      roles: [API_KEY_ROLE],
      scopes: row.scopes,
      apiKeyId: row.id,
      plan: row.plan,
    };
    return { principal, expiresAt: row.expires_at };
  }

  /**
   * Off the reply path and throttled in SQL: a hot key costs one cheap no-op UPDATE a minute. The
   * tenant is known by now (the verified key's), so this write needs no system path.
   */
  private touch(organizationId: string, apiKeyId: string): void {
    this.tenants
      .runInTenant(organizationId, (manager) =>
        manager.query(
          `UPDATE api_keys SET last_used_at = now()
           WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))`,
          [apiKeyId, LAST_USED_RESOLUTION_SECONDS],
        ),
      )
      .catch((error: unknown) =>
        this.logger.warn({ err: error, apiKeyId }, 'api key lastUsedAt not updated'),
      );
  }
}

/** A scope must be a permission the API-key role has; anything else could never be used. */
function assertGrantableScopes(scopes: string[]): void {
  const grantable = ROLE_PERMISSIONS[API_KEY_ROLE];
  const issues = scopes
    .map((scope, index) => ({ scope, index }))
    .filter(({ scope }) => !grantable.has(scope as Permission))
    .map(({ scope, index }) => ({
      path: `scopes.${index}`,
      code: 'invalid_scope',
      message: `"${scope}" is not a permission an API key can hold`,
    }));
  if (issues.length > 0) throw new ValidationError(issues);
}
