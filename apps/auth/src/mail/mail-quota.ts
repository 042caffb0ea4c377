import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { REDIS } from '@platform/redis';
import type { AuthEnv } from '../config/auth-env.schema';
import { sha256Hex } from '../security/opaque-token';

/** Kinds of mail counted separately per recipient: a flood of one kind does not block another. */
export type MailKind = 'password-reset' | 'email-verification' | 'already-registered';

export type QuotaDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Fixed window, atomic: count this send and return the count and the seconds left in the window. */
const CONSUME_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

/**
 * How much mail the platform may send, counted in Redis so every replica shares the budget: per
 * recipient and kind (a mailbox is not flooded, whoever asks) and per organization for invitations
 * (a tenant cannot use the platform as a mail cannon). Losing the counters only resets the windows.
 */
@Injectable()
export class MailQuota {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
  ) {}

  /** Counts one mail of `kind` to `recipient`; the address is hashed so Redis holds no addresses. */
  toRecipient(kind: MailKind, recipient: string): Promise<QuotaDecision> {
    return this.consume(
      `auth:mail-quota:recipient:${kind}:${sha256Hex(recipient.trim().toLowerCase())}`,
      this.config.MAIL_PER_RECIPIENT_LIMIT,
      this.config.MAIL_PER_RECIPIENT_WINDOW_SECONDS,
    );
  }

  /**
   * Counts one invitation mail from `organizationId` to `recipient`. Counted per organization and
   * recipient, not per recipient alone: a shared count would let one tenant see (by a 429) that
   * another tenant invited that address, and let it block that address's invitations.
   */
  invitationTo(organizationId: string, recipient: string): Promise<QuotaDecision> {
    return this.consume(
      `auth:mail-quota:invitation:${organizationId}:${sha256Hex(recipient.trim().toLowerCase())}`,
      this.config.MAIL_PER_RECIPIENT_LIMIT,
      this.config.MAIL_PER_RECIPIENT_WINDOW_SECONDS,
    );
  }

  /** Counts one invitation mail sent on behalf of `organizationId`. */
  invitationFrom(organizationId: string): Promise<QuotaDecision> {
    return this.consume(
      `auth:mail-quota:organization-invitations:${organizationId}`,
      this.config.INVITATION_MAILS_PER_ORGANIZATION_LIMIT,
      this.config.INVITATION_MAILS_PER_ORGANIZATION_WINDOW_SECONDS,
    );
  }

  private async consume(key: string, limit: number, windowSeconds: number): Promise<QuotaDecision> {
    const [count, ttl] = (await this.redis.eval(CONSUME_SCRIPT, 1, key, windowSeconds)) as [number, number];
    return count <= limit ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, ttl) };
  }
}
