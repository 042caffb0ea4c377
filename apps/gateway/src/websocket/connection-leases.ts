import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError } from '@platform/errors';
import { REDIS } from '@platform/redis';
import { withTimeout } from '@platform/timeouts';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { DegradedDependencyLog } from '../throttling/degraded-dependency.log';
import { ACQUIRE_LEASE_SCRIPT, RENEW_LEASE_SCRIPT } from './scripts/connection-lease.script';

/** One socket's place in its organization's count. */
export interface ConnectionLease {
  key: string;
  connectionId: string;
}

/**
 * Per-organization connection limits across every gateway replica (Redis sorted set per
 * organization and route, see connection-lease.script.ts). A closed socket removes its lease at
 * once; a live one is renewed every third of WS_CONNECTION_LEASE_SECONDS by its gateway; a gateway
 * that died leaves leases that lapse by themselves — counts never leak for longer than one lease.
 * Redis unavailable: RATE_LIMIT_FAIL_MODE decides (open: admit without a lease; closed: 503).
 */
@Injectable()
export class ConnectionLeases {
  private readonly degradedLog: DegradedDependencyLog;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.degradedLog = new DegradedDependencyLog(logger, 'websocket connection limit');
  }

  get leaseMs(): number {
    return this.config.WS_CONNECTION_LEASE_SECONDS * 1000;
  }

  /** A lease, or null when Redis is down and failing open; throws 429 past the limit. */
  async acquire(
    organizationId: string,
    routeId: string,
    connectionId: string,
    limit: number,
  ): Promise<ConnectionLease | null> {
    const key = `${this.config.GATEWAY_REDIS_KEY_PREFIX}ws:conn:{org:${organizationId}}:${routeId}`;
    let result: [number, number];
    try {
      result = (await withTimeout(
        ACQUIRE_LEASE_SCRIPT.run(this.redis, [key], [connectionId, limit, this.leaseMs]),
        this.config.RATE_LIMIT_REDIS_TIMEOUT_MS,
        'Redis (websocket connection limit)',
      )) as [number, number];
    } catch (error) {
      const open = this.config.RATE_LIMIT_FAIL_MODE === 'open';
      this.degradedLog.failed(
        error,
        open ? 'failing open: connections are not counted' : 'failing closed: connections are refused',
      );
      if (open) return null;
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        'Connections cannot be admitted right now; retry shortly',
        {
          retryAfterSeconds: 1,
        },
      );
    }
    this.degradedLog.recovered();
    if (result[0] !== 1) {
      throw new DomainError(
        'RATE_LIMITED',
        `Your organization already has ${result[1]} open connections on this route (at most ${limit}); close one first`,
        { retryAfterSeconds: 1 },
      );
    }
    return { key, connectionId };
  }

  async renew(leases: readonly ConnectionLease[]): Promise<void> {
    if (leases.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const lease of leases) {
      pipeline.evalsha(RENEW_LEASE_SCRIPT.sha, 1, lease.key, lease.connectionId, this.leaseMs);
    }
    const results = await pipeline.exec().catch((error: unknown) => [[error as Error, null] as const]);
    if (results?.some(([error]) => error && String(error.message).includes('NOSCRIPT'))) {
      // First renewal after a Redis restart lost the script cache: EVAL loads it again.
      for (const lease of leases) {
        await RENEW_LEASE_SCRIPT.run(this.redis, [lease.key], [lease.connectionId, this.leaseMs]).catch(
          () => undefined,
        );
      }
    } else if (results?.some(([error]) => error)) {
      this.logger.warn('websocket connection leases not renewed; they lapse unless the next beat succeeds');
    }
  }

  async release(lease: ConnectionLease | null): Promise<void> {
    if (!lease) return;
    await this.redis
      .zrem(lease.key, lease.connectionId)
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, 'websocket connection lease not released; it lapses by itself'),
      );
  }
}
