import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { REFRESH_TOKEN_TTL_SECONDS, type TokenPair } from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError, NotFoundError, UnauthenticatedError } from '@platform/errors';
import { TenantDatabase } from '@platform/tenancy';
import type { AuthEnv } from '../config/auth-env.schema';
import { MembershipRepository, type MembershipWithPlan } from '../memberships/membership.repository';
import { Clock } from '../shared/clock';
import type { CurrentUserContext as UserContext } from '@platform/messaging';
import { UserService } from '../users/user.service';
import { AccessTokenDenylist } from './access-token-denylist';
import { AccessTokenIssuer } from './access-token.issuer';
import { RefreshTokenCodec } from './refresh-token.codec';
import { RefreshTokenEntity } from './refresh-token.entity';
import { SessionRevoker } from './session-revoker';
import { SessionEntity } from './session.entity';

const INVALID_REFRESH = 'The refresh token is invalid or expired';

type RefreshOutcome =
  | { kind: 'rotated'; session: SessionEntity; refreshToken: string; membership: MembershipWithPlan }
  | { kind: 'invalid' }
  | { kind: 'revoked'; sessionId: string; reason: string };

/**
 * Sessions and their tokens. A session is one refresh-token family in one organization; every
 * refresh spends the presented token and mints its successor. Presenting a spent token again is
 * either a client retry (within REFRESH_REUSE_GRACE_SECONDS, 10 s: the same successor comes back) or a
 * stolen token being replayed (after it: the whole family is revoked).
 * Sessions are tenant rows: each is opened and ended in its organization's tenant transaction; a
 * refresh, where the presented token is the only thing known, finds its session through the system path.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly memberships: MembershipRepository,
    private readonly users: UserService,
    private readonly issuer: AccessTokenIssuer,
    private readonly codec: RefreshTokenCodec,
    private readonly revoker: SessionRevoker,
    private readonly denylist: AccessTokenDenylist,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
  ) {}

  /**
   * Opens a session for a member of `organizationId`: inside `manager`'s transaction when given (the
   * caller's system transaction, or a tenant one of that organization), else in that organization's
   * tenant transaction. Callers pass an organization already checked or chosen for this user; the
   * membership is checked again here.
   */
  async start(userId: string, organizationId: string, manager?: EntityManager): Promise<TokenPair> {
    if (!manager) {
      return this.tenants.runInTenant(organizationId, (tx) => this.start(userId, organizationId, tx));
    }
    const membership = await this.memberships.findWithPlan(organizationId, userId, manager);
    if (!membership) throw new NotFoundError('Organization', organizationId);
    const session = await manager.save(manager.create(SessionEntity, { userId, organizationId }));
    const refreshToken = this.codec.fresh();
    await this.insertRefreshToken(manager, session.id, refreshToken);
    await this.users.rememberOrganization(userId, organizationId, manager);
    return this.pair(session, membership, refreshToken);
  }

  async refresh(presented: string): Promise<TokenPair> {
    // The presented token is all the caller has: its session's organization is not known yet.
    const outcome = await this.tenants.runAsSystem('auth.session.refresh', (manager) =>
      this.rotate(manager, presented),
    );
    switch (outcome.kind) {
      case 'rotated':
        return this.pair(outcome.session, outcome.membership, outcome.refreshToken);
      case 'revoked':
        await this.revoker.deny([outcome.sessionId]);
        throw new UnauthenticatedError(outcome.reason);
      case 'invalid':
        throw new UnauthenticatedError(INVALID_REFRESH);
    }
  }

  /** Ends the caller's session: its refresh family and, via the denylist, its access tokens. */
  async logout(ctx: UserContext): Promise<void> {
    if (!ctx.sessionId) throw new DomainError('BAD_REQUEST', 'Logout needs an access token of a session');
    const sessionId = ctx.sessionId;
    await this.tenants.runInTenant(ctx.organizationId, (manager) =>
      manager.query(
        `UPDATE sessions SET revoked_at = now(), revoke_reason = 'logout'
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`,
        [sessionId, ctx.userId],
      ),
    );
    await Promise.all([
      ctx.tokenId ? this.denylist.denyToken(ctx.tokenId) : undefined,
      this.denylist.denySessions([ctx.sessionId]),
    ]);
  }

  /** Ends every session of the caller, in every organization. */
  async logoutAll(ctx: UserContext): Promise<number> {
    const count = await this.revoker.revokeUserSessions(ctx.userId, 'logout-all');
    if (ctx.tokenId) await this.denylist.denyToken(ctx.tokenId);
    return count;
  }

  /**
   * A new session in another organization of the caller; the current one ends. Each write happens
   * in its own organization's tenant transaction: the new session in the target organization (the
   * membership check is the authorization), then the current session in the principal's.
   */
  async switchOrganization(ctx: UserContext, organizationId: string): Promise<TokenPair> {
    const pair = await this.start(ctx.userId, organizationId);
    const current = ctx.sessionId;
    const ended =
      current &&
      (await this.tenants.runInTenant(ctx.organizationId, (manager) =>
        this.revoker.markSession(manager, current, 'switched-organization'),
      ));
    if (ended && current) await this.revoker.deny([current]);
    return pair;
  }

  private async rotate(manager: EntityManager, presented: string): Promise<RefreshOutcome> {
    // Row locks serialize concurrent refreshes of one token: the second sees the first's result.
    const token = await manager.findOne(RefreshTokenEntity, {
      where: { tokenHash: this.codec.hash(presented) },
      lock: { mode: 'pessimistic_write' },
    });
    if (!token) return { kind: 'invalid' };
    const session = await manager.findOne(SessionEntity, {
      where: { id: token.sessionId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!session || session.revokedAt) return { kind: 'invalid' };
    const now = this.clock.now();

    if (token.usedAt) {
      const successor = await this.graceSuccessor(manager, token, presented, now);
      if (!successor) {
        await this.revoker.markSession(manager, session.id, 'reuse-detected');
        return {
          kind: 'revoked',
          sessionId: session.id,
          reason: 'This refresh token was already used; the session has been revoked',
        };
      }
      return this.withMembership(manager, session, successor);
    }
    if (token.expiresAt.getTime() <= now.getTime()) return { kind: 'invalid' };

    const successor = this.codec.successorOf(presented);
    const successorId = await this.insertRefreshToken(manager, session.id, successor);
    await manager.update(RefreshTokenEntity, { id: token.id }, { usedAt: now, successorId });
    await manager.update(SessionEntity, { id: session.id }, { lastRefreshedAt: now });
    return this.withMembership(manager, session, successor);
  }

  /** The successor for a retry within the grace window, if it has not been used itself. */
  private async graceSuccessor(
    manager: EntityManager,
    token: RefreshTokenEntity,
    presented: string,
    now: Date,
  ): Promise<string | undefined> {
    const withinGrace =
      now.getTime() - token.usedAt!.getTime() <= this.config.REFRESH_REUSE_GRACE_SECONDS * 1000;
    if (!withinGrace || !token.successorId) return undefined;
    const successor = await manager.findOneBy(RefreshTokenEntity, { id: token.successorId });
    const secret = this.codec.successorOf(presented);
    if (!successor || successor.usedAt || successor.tokenHash !== this.codec.hash(secret)) return undefined;
    return secret;
  }

  /** Role and plan are re-read on every refresh: a removed member's session ends here. */
  private async withMembership(
    manager: EntityManager,
    session: SessionEntity,
    refreshToken: string,
  ): Promise<RefreshOutcome> {
    const membership = await this.memberships.findWithPlan(session.organizationId, session.userId, manager);
    if (!membership) {
      await this.revoker.markSession(manager, session.id, 'membership-ended');
      return {
        kind: 'revoked',
        sessionId: session.id,
        reason: 'You are no longer a member of this organization',
      };
    }
    return { kind: 'rotated', session, refreshToken, membership };
  }

  private async insertRefreshToken(
    manager: EntityManager,
    sessionId: string,
    token: string,
  ): Promise<string> {
    const row = await manager.save(
      manager.create(RefreshTokenEntity, {
        sessionId,
        tokenHash: this.codec.hash(token),
        expiresAt: this.clock.in(REFRESH_TOKEN_TTL_SECONDS),
      }),
    );
    return row.id;
  }

  private async pair(
    session: SessionEntity,
    membership: MembershipWithPlan,
    refreshToken: string,
  ): Promise<TokenPair> {
    const { token } = await this.issuer.issue({
      userId: session.userId,
      organizationId: session.organizationId,
      role: membership.role,
      plan: membership.plan,
      sessionId: session.id,
    });
    return {
      accessToken: token,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.config.JWT_ACCESS_TTL_SECONDS,
    };
  }
}
