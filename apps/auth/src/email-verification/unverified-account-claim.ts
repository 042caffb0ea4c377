import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SessionRevoker } from '../sessions/session-revoker';

/**
 * Account pre-hijacking defence. Anyone can register an address they do not own; until the address is
 * verified, nothing proves the password, sessions, second factor or API keys on that account belong to
 * the mailbox's owner. When the owner proves the mailbox another way than the account's own
 * verification link — a provider-verified OAuth login, or a password reset — they take the account,
 * and everything the registrant set up goes: the password, the second factor, the API keys the user
 * created, and every session. (The verification link itself cannot do this: following it is also how
 * the legitimate registrant finishes signing up.)
 */
@Injectable()
export class UnverifiedAccountClaim {
  constructor(private readonly revoker: SessionRevoker) {}

  /** Inside the linking transaction; returns the ended session ids for `SessionRevoker.deny` after commit. */
  async clear(manager: EntityManager, userId: string): Promise<string[]> {
    await manager.query(
      `UPDATE users SET password_hash = NULL, totp_enabled = false, totp_secret_encrypted = NULL,
         totp_last_step = NULL
       WHERE id = $1`,
      [userId],
    );
    await manager.query(`DELETE FROM totp_recovery_codes WHERE user_id = $1`, [userId]);
    await manager.query(
      `UPDATE api_keys SET revoked_at = now() WHERE created_by = $1 AND revoked_at IS NULL`,
      [userId],
    );
    return this.revoker.markUserSessions(manager, userId, 'account-claimed');
  }

  deny(sessionIds: readonly string[]): Promise<void> {
    return this.revoker.deny(sessionIds);
  }
}
