import { Inject, Injectable } from '@nestjs/common';
import { authenticator } from 'otplib';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { ConflictError, DomainError, ValidationError } from '@platform/errors';
import type { AuthEnv } from '../config/auth-env.schema';
import { HUMAN_ALPHABET, randomString, sha256Hex } from '../security/opaque-token';
import { SecretBox } from '../security/secret-box';
import { Clock } from '../shared/clock';
import { returnedRows } from '../shared/postgres';
import { UserEntity } from '../users/user.entity';
import { UserService } from '../users/user.service';
import { RecoveryCodeEntity } from './recovery-code.entity';
import { SecondFactorGuessBudget } from './second-factor-guess.budget';

const RECOVERY_CODE_COUNT = 10;
const STEP_SECONDS = 30;
/**
 * A wrong code from a signed-in user (enrolment, disabling) is a 400 on the `code` field, not a 401:
 * their session is fine, and a 401 would make clients refresh and retry for nothing.
 */
const invalidCode = () =>
  new ValidationError([{ path: 'code', code: 'invalid_code', message: 'The code is invalid' }]);

/**
 * RFC 6238 TOTP (SHA-1, 6 digits, 30 s, ±1 step of drift) with otplib. The secret is sealed at
 * rest. Every accepted code — the one confirming enrolment too — is remembered by its time step, and
 * only a later step is accepted next (RFC 6238 §5.2: a code is good once). Every guess, of a code or
 * a recovery code, draws from the account's SecondFactorGuessBudget.
 */
@Injectable()
export class TotpService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserService,
    private readonly secretBox: SecretBox,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
    private readonly guesses: SecondFactorGuessBudget,
  ) {}

  /** Starts (or restarts) enrolment: a new secret, not active until verified. */
  async enroll(userId: string): Promise<{ otpauthUri: string; secret: string }> {
    const user = await this.users.requireById(userId);
    if (user.totpEnabled) throw new ConflictError('Two-factor authentication is already on');
    const secret = authenticator.generateSecret(20);
    await this.dataSource.manager.update(
      UserEntity,
      { id: userId },
      { totpSecretEncrypted: this.secretBox.seal(secret, this.context(userId)), totpLastStep: null },
    );
    return { otpauthUri: authenticator.keyuri(user.email, this.config.TOTP_ISSUER, secret), secret };
  }

  /** Confirms enrolment with a first code; turns TOTP on and hands out the recovery codes once. */
  async confirmEnrollment(userId: string, code: string): Promise<string[]> {
    const user = await this.users.requireById(userId);
    if (user.totpEnabled) throw new ConflictError('Two-factor authentication is already on');
    if (!user.totpSecretEncrypted) {
      throw new DomainError('BAD_REQUEST', 'Start enrolment first (auth.totp.enroll)');
    }
    const step = this.stepOf(user, code);
    if (!(await this.guesses.judge(userId, async () => step !== null)) || step === null) throw invalidCode();
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => this.newRecoveryCode());
    await this.dataSource.transaction(async (manager) => {
      // The confirming code is spent like any other: its step becomes the last one used.
      const enabled = await manager.query(
        `UPDATE users SET totp_enabled = true, totp_last_step = $2
         WHERE id = $1 AND NOT totp_enabled AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
        [userId, step],
      );
      if (returnedRows(enabled).length !== 1)
        throw new ConflictError('Two-factor authentication is already on');
      await manager.delete(RecoveryCodeEntity, { userId });
      await manager.insert(
        RecoveryCodeEntity,
        codes.map((c) => ({ userId, codeHash: sha256Hex(normalizeRecoveryCode(c)) })),
      );
    });
    return codes;
  }

  async disable(userId: string, code: string): Promise<void> {
    const user = await this.users.requireById(userId);
    if (!user.totpEnabled) throw new DomainError('BAD_REQUEST', 'Two-factor authentication is not on');
    if (!(await this.guesses.judge(userId, () => this.acceptCode(user, code)))) throw invalidCode();
    await this.dataSource.transaction(async (manager) => {
      await manager.update(
        UserEntity,
        { id: userId },
        { totpEnabled: false, totpSecretEncrypted: null, totpLastStep: null },
      );
      await manager.delete(RecoveryCodeEntity, { userId });
    });
  }

  /** A sign-in's second factor: a current code (once) or an unused recovery code (once). */
  async verifySecondFactor(
    user: UserEntity,
    input: { code?: string; recoveryCode?: string },
  ): Promise<boolean> {
    if (!user.totpEnabled) return false;
    const { code, recoveryCode } = input;
    if (code) return this.guesses.judge(user.id, () => this.acceptCode(user, code));
    if (recoveryCode) return this.guesses.judge(user.id, () => this.useRecoveryCode(user.id, recoveryCode));
    return false;
  }

  private async acceptCode(user: UserEntity, code: string): Promise<boolean> {
    const step = this.stepOf(user, code);
    if (step === null) return false;
    // Conditional update = the replay check and the bookkeeping in one atomic statement.
    const updated = await this.dataSource.query(
      `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)
       RETURNING id`,
      [user.id, step],
    );
    return returnedRows(updated).length === 1;
  }

  private async useRecoveryCode(userId: string, code: string): Promise<boolean> {
    const updated = await this.dataSource.query(
      `UPDATE totp_recovery_codes SET used_at = now()
       WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id`,
      [userId, sha256Hex(normalizeRecoveryCode(code))],
    );
    return returnedRows(updated).length === 1;
  }

  /** The time step the code belongs to (±1 step of drift), or null when it is wrong. */
  private stepOf(user: UserEntity, code: string): number | null {
    if (!user.totpSecretEncrypted) return null;
    const secret = this.secretBox.open(user.totpSecretEncrypted, this.context(user.id));
    const now = this.clock.now().getTime();
    const delta = authenticator.clone({ window: 1, epoch: now }).checkDelta(code, secret);
    return delta === null ? null : Math.floor(now / 1000 / STEP_SECONDS) + delta;
  }

  private newRecoveryCode(): string {
    const raw = randomString(10, HUMAN_ALPHABET);
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  }

  private context(userId: string): string {
    return `totp:${userId}`;
  }
}

/** Case, spaces and dashes do not matter when typing a recovery code. */
export function normalizeRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}
