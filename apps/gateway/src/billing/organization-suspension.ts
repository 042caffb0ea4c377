import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import type { Principal } from '@platform/contracts';
import { DomainError } from '@platform/errors';
import { REDIS } from '@platform/redis';
import { withTimeout } from '@platform/timeouts';
import type { GatewayEnv } from '../config/gateway-env.schema';

/**
 * Paths a suspended organization keeps: signing in and account management (`/v1/auth/*`), reading its
 * organizations (to see and switch), and billing (`/v1/payments/*`) — so it can pay and reopen.
 */
function stillOpenWhileSuspended(method: string, path: string): boolean {
  if (path.startsWith('/v1/auth/') || path.startsWith('/v1/payments/')) return true;
  return method === 'GET' && (path === '/v1/orgs' || path.startsWith('/v1/orgs/'));
}

/** Newer-wins write: an event older than the state already stored is ignored (redelivery, reordering). */
const SET_IF_NEWER = `
local at = tonumber(redis.call('HGET', KEYS[1], 'at') or '0')
if tonumber(ARGV[2]) < at then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'at', ARGV[2])
return 1`;

export type BillingState = 'suspended' | 'open';

/**
 * The organization's billing state as payments announces it (`payments.subscription.suspended` /
 * `...reactivated` / `...cancelled`), kept in Redis per organization (shared by every gateway
 * replica), and THE check of the route pipeline: a suspended organization gets 402 problem+json
 * ORGANIZATION_SUSPENDED everywhere but auth, organization reads and billing. When Redis cannot
 * answer in RATE_LIMIT_REDIS_TIMEOUT_MS, the request goes through (billing enforcement must not take
 * the API down; logged).
 */
@Injectable()
export class OrganizationSuspension {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private key(organizationId: string): string {
    return `${this.config.GATEWAY_REDIS_KEY_PREFIX}billing:org:${organizationId}`;
  }

  /** Records a transition that happened at `at`; answers false when a newer one is already stored. */
  async record(organizationId: string, state: BillingState, at: Date): Promise<boolean> {
    const applied = await this.redis.eval(
      SET_IF_NEWER,
      1,
      this.key(organizationId),
      state,
      String(at.getTime()),
    );
    return applied === 1;
  }

  /** Bounded like the gateway's other Redis reads: a slow Redis never holds a request. */
  async isSuspended(organizationId: string): Promise<boolean> {
    const state = await withTimeout(
      this.redis.hget(this.key(organizationId), 'state'),
      this.config.RATE_LIMIT_REDIS_TIMEOUT_MS,
      'Redis (billing state)',
    );
    return state === 'suspended';
  }

  /** The pipeline's call: throws 402 ORGANIZATION_SUSPENDED for a suspended caller's organization. */
  async assertOpen(method: string, path: string, principal: Principal | null): Promise<void> {
    const organizationId = principal?.organizationId;
    if (!organizationId || stillOpenWhileSuspended(method, path)) return;
    let suspended: boolean;
    try {
      suspended = await this.isSuspended(organizationId);
    } catch (error) {
      this.logger.warn({ err: error }, 'suspension state unavailable (Redis); request allowed');
      return;
    }
    if (suspended) {
      throw new DomainError(
        'ORGANIZATION_SUSPENDED',
        'The organization is suspended for non-payment; pay the open invoice in billing to reopen it',
      );
    }
  }
}
