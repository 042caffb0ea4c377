import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDatabase } from '@platform/tenancy';
import { returnedRows } from '../shared/postgres';
import { AccessTokenDenylist } from './access-token-denylist';

export type RevokeReason =
  | 'logout'
  | 'logout-all'
  | 'reuse-detected'
  | 'password-changed'
  | 'password-reset'
  | 'switched-organization'
  | 'membership-ended'
  /** An unverified account taken over by the address's proven owner (OAuth with a verified email). */
  | 'account-claimed';

export interface RevokeScope {
  /** Only this organization's sessions (a member removed from it). */
  organizationId?: string;
  /** Keep this one (the session that changed the password). */
  exceptSessionId?: string | null;
}

/**
 * Ends sessions: marks them revoked (their refresh tokens stop working) and puts their ids on the
 * denylist (their access tokens stop working at the gateway now, not in 15 minutes).
 */
@Injectable()
export class SessionRevoker {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly denylist: AccessTokenDenylist,
  ) {}

  /**
   * Marks sessions revoked inside the caller's transaction; call `deny` with the ids after commit.
   * In a tenant transaction only that organization's sessions are reachable; a user's sessions in
   * every organization need the caller's system transaction.
   */
  async markUserSessions(
    manager: EntityManager,
    userId: string,
    reason: RevokeReason,
    scope: RevokeScope = {},
  ): Promise<string[]> {
    const result: unknown = await manager.query(
      `UPDATE sessions SET revoked_at = now(), revoke_reason = $2
       WHERE user_id = $1 AND revoked_at IS NULL
         AND ($3::uuid IS NULL OR organization_id = $3)
         AND ($4::uuid IS NULL OR id <> $4)
       RETURNING id`,
      [userId, reason, scope.organizationId ?? null, scope.exceptSessionId ?? null],
    );
    return returnedRows<{ id: string }>(result).map((row) => row.id);
  }

  async markSession(manager: EntityManager, sessionId: string, reason: RevokeReason): Promise<boolean> {
    const result = await manager.query(
      `UPDATE sessions SET revoked_at = now(), revoke_reason = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
      [sessionId, reason],
    );
    return returnedRows(result).length > 0;
  }

  deny(sessionIds: readonly string[]): Promise<void> {
    return this.denylist.denySessions(sessionIds);
  }

  /**
   * Revokes and denylists in one go (its own transaction): in one organization's tenant transaction
   * when the scope names it, else across the user's organizations through the system path (a user's
   * sessions span tenants: logout-all).
   */
  async revokeUserSessions(userId: string, reason: RevokeReason, scope: RevokeScope = {}): Promise<number> {
    const mark = (manager: EntityManager) => this.markUserSessions(manager, userId, reason, scope);
    const ids = scope.organizationId
      ? await this.tenants.runInTenant(scope.organizationId, mark)
      : await this.tenants.runAsSystem(`auth.sessions.revoke-user.${reason}`, mark);
    await this.deny(ids);
    return ids.length;
  }
}
