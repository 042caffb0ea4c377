import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { principalSchema, type Principal } from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError, UnauthenticatedError } from '@platform/errors';
import { REDIS } from '@platform/redis';
import { withTimeout } from '@platform/timeouts';
import type { GatewayEnv } from '../config/gateway-env.schema';

/** 32 random bytes, base64url: anything else is not a ticket we issued. */
const TICKET = /^[A-Za-z0-9_-]{43}$/;
const INVALID = 'The ticket is invalid, already used or expired';

interface StoredTicket {
  principal: unknown;
  routeId: string;
  path: string;
  /** When the credential the ticket was issued to expires (ms since the epoch), if it does. */
  credentialExpiresAtMs?: number;
  /** That credential's revocation marker (an organization code's), if it has one. */
  revocationMarker?: string;
}

/** The credential a ticket stands for: until when it is valid, and how its revocation shows. */
export interface TicketCredential {
  credentialExpiresAtMs?: number;
  revocationMarker?: string;
}

/** A consumed ticket: who it was issued to, and that credential's expiry and revocation marker. */
export interface RedeemedTicket extends TicketCredential {
  principal: Principal;
}

/**
 * Single-use WebSocket tickets (for browsers, which cannot set `Authorization` on a socket and may
 * not want the token in a subprotocol). A ticket is issued to an authenticated caller for one route
 * and one path, lives WS_TICKET_TTL_SECONDS in Redis (shared by every replica) under the SHA-256 of
 * the ticket, and is consumed with GETDEL: two upgrades racing with one ticket get it once.
 */
@Injectable()
export class WebSocketTickets {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  async issue(
    principal: Principal,
    routeId: string,
    path: string,
    credential: TicketCredential = {},
  ): Promise<{ ticket: string; expiresInSeconds: number }> {
    const ticket = randomBytes(32).toString('base64url');
    const stored: StoredTicket = { principal, routeId, path, ...credential };
    await this.withBudget(
      this.redis.set(this.key(ticket), JSON.stringify(stored), 'EX', this.config.WS_TICKET_TTL_SECONDS),
    ).catch(() => {
      throw new DomainError('SERVICE_UNAVAILABLE', 'Tickets cannot be issued right now; retry shortly', {
        retryAfterSeconds: 1,
      });
    });
    return { ticket, expiresInSeconds: this.config.WS_TICKET_TTL_SECONDS };
  }

  /** Whom the ticket was issued to; the ticket is gone afterwards, whatever the outcome. */
  async consume(ticket: string, routeId: string, path: string): Promise<RedeemedTicket> {
    if (!TICKET.test(ticket)) throw new UnauthenticatedError(INVALID);
    let raw: string | null;
    try {
      raw = await this.withBudget(this.redis.getdel(this.key(ticket)));
    } catch {
      throw new DomainError('SERVICE_UNAVAILABLE', 'Tickets cannot be checked right now; retry shortly', {
        retryAfterSeconds: 1,
      });
    }
    if (raw === null) throw new UnauthenticatedError(INVALID);
    const stored = JSON.parse(raw) as StoredTicket;
    if (stored.routeId !== routeId || stored.path !== path) {
      throw new UnauthenticatedError('The ticket was issued for another WebSocket route or path');
    }
    const principal = principalSchema.safeParse(stored.principal);
    if (!principal.success) throw new UnauthenticatedError(INVALID);
    const redeemed: RedeemedTicket = { principal: principal.data };
    if (typeof stored.credentialExpiresAtMs === 'number')
      redeemed.credentialExpiresAtMs = stored.credentialExpiresAtMs;
    if (typeof stored.revocationMarker === 'string') redeemed.revocationMarker = stored.revocationMarker;
    return redeemed;
  }

  private key(ticket: string): string {
    const digest = createHash('sha256').update(ticket).digest('base64url');
    return `${this.config.GATEWAY_REDIS_KEY_PREFIX}ws-ticket:${digest}`;
  }

  private withBudget<T>(promise: Promise<T>): Promise<T> {
    return withTimeout(promise, this.config.RATE_LIMIT_REDIS_TIMEOUT_MS, 'Redis (websocket tickets)');
  }
}
