import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { EntityManager } from 'typeorm';
import { EVENT_NAMES, denylistKeys } from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { OutboxWriter } from '@platform/messaging';
import { REDIS } from '@platform/redis';
import type { AuthEnv } from '../config/auth-env.schema';
import { returnedRows } from '../shared/postgres';

/**
 * Ends API keys: marks them revoked in the database (auth's verify refuses them), announces each with
 * `auth.api-key.revoked` through the outbox (in the same transaction: the event exists iff the
 * revocation does; every gateway replica drops the key from its caches on it), and writes a
 * revocation marker per key in Redis (keys from the contract), which every gateway replica checks on a
 * credential-cache hit — so a cached key stops working at once, whichever path revoked it, even while
 * a gateway is cut off from the broker.
 */
@Injectable()
export class ApiKeyRevoker {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Inside the revoking transaction: one `auth.api-key.revoked` per key. */
  async announce(
    manager: EntityManager,
    organizationId: string,
    apiKeyIds: readonly string[],
    reason: 'revoked' | 'membership-ended',
  ): Promise<void> {
    for (const apiKeyId of apiKeyIds) {
      await this.outbox.addEvent(manager, EVENT_NAMES.apiKeyRevoked, { organizationId, apiKeyId, reason });
    }
  }

  /**
   * Inside the caller's transaction: revokes the keys `userId` created in `organizationId` (the member
   * was removed or left; their keys must not outlive their membership). Call `deny` after commit.
   */
  async markMemberKeys(manager: EntityManager, organizationId: string, userId: string): Promise<string[]> {
    const result: unknown = await manager.query(
      `UPDATE api_keys SET revoked_at = now()
       WHERE organization_id = $1 AND created_by = $2 AND revoked_at IS NULL
       RETURNING id`,
      [organizationId, userId],
    );
    const ids = returnedRows<{ id: string }>(result).map((row) => row.id);
    await this.announce(manager, organizationId, ids, 'membership-ended');
    return ids;
  }

  async deny(apiKeyIds: readonly string[]): Promise<void> {
    if (apiKeyIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of apiKeyIds) {
      pipeline.set(denylistKeys.apiKey(id), '1', 'EX', this.config.API_KEY_REVOCATION_MARKER_TTL_SECONDS);
    }
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }
}
