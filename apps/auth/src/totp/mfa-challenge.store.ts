import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { REDIS } from '@platform/redis';
import type { AuthEnv } from '../config/auth-env.schema';
import { randomToken, sha256Hex } from '../security/opaque-token';

export interface MfaChallenge {
  userId: string;
  organizationId: string;
}

export const MFA_MAX_ATTEMPTS = 5;

/**
 * Counts an attempt and returns the challenge, atomically; past the limit the challenge is gone
 * (a guessed 6-digit code gets 5 tries per password entry, not a million).
 */
const ATTEMPT_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if attempts > tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) return nil end
return redis.call('HMGET', KEYS[1], 'userId', 'organizationId')
`;

/** The half-finished login between a correct password and the second factor, in Redis with a TTL. */
@Injectable()
export class MfaChallengeStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
  ) {}

  private key(token: string): string {
    return `auth:mfa:${sha256Hex(token)}`;
  }

  async create(challenge: MfaChallenge): Promise<string> {
    const token = randomToken(32);
    const key = this.key(token);
    await this.redis
      .multi()
      .hset(key, { userId: challenge.userId, organizationId: challenge.organizationId, attempts: 0 })
      .expire(key, this.config.MFA_CHALLENGE_TTL_SECONDS)
      .exec();
    return token;
  }

  async attempt(token: string): Promise<MfaChallenge | null> {
    const result = (await this.redis.eval(ATTEMPT_SCRIPT, 1, this.key(token), MFA_MAX_ATTEMPTS)) as
      [string | null, string | null] | null;
    if (!result?.[0] || !result[1]) return null;
    return { userId: result[0], organizationId: result[1] };
  }

  /** True for exactly one caller: two concurrent correct answers open one session, not two. */
  async consume(token: string): Promise<boolean> {
    return (await this.redis.del(this.key(token))) === 1;
  }
}
