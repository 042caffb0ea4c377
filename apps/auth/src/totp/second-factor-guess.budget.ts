import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError } from '@platform/errors';
import type { AuthEnv } from '../config/auth-env.schema';
import { Clock } from '../shared/clock';
import { returnedRows } from '../shared/postgres';

/**
 * One budget of second-factor guesses per account, shared by sign-in (TOTP and recovery codes, over
 * every challenge a correct password opens), enrolment and disabling: SECOND_FACTOR_MAX_FAILURES
 * wrong guesses per SECOND_FACTOR_WINDOW_SECONDS, then every guess is refused (429) until the window
 * ends. A 6-digit code with ±1 step of drift has 3 winning values in a million, so the budget is what
 * keeps guessing hopeless: 5 per 15 min is ~480 a day (odds ~0.14 % a day) where a per-challenge
 * limit allowed thousands.
 *
 * A guess is counted when it starts, in one conditional upsert (row-locked), so concurrent guesses
 * cannot slip past the limit; a correct guess is given back — the budget counts failures. Kept in
 * PostgreSQL beside the TOTP step, on the auth Clock.
 */
@Injectable()
export class SecondFactorGuessBudget {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
  ) {}

  /**
   * Runs `check` (is the code right?) as one guess of the account's budget; throws RATE_LIMITED
   * without running it when the budget is spent. A check that throws got no verdict: given back.
   */
  async judge(userId: string, check: () => Promise<boolean>): Promise<boolean> {
    await this.reserve(userId);
    let right: boolean;
    try {
      right = await check();
    } catch (error) {
      await this.giveBack(userId);
      throw error;
    }
    if (right) await this.giveBack(userId);
    return right;
  }

  private async reserve(userId: string): Promise<void> {
    const now = this.clock.now();
    const windowStart = new Date(now.getTime() - this.config.SECOND_FACTOR_WINDOW_SECONDS * 1000);
    // A window that has ended starts over with this guess; inside one, a guess is counted only below the limit.
    const counted = returnedRows<{ guesses: number }>(
      await this.dataSource.query(
        `INSERT INTO second_factor_guesses AS g (user_id, guesses, window_started_at) VALUES ($1, 1, $2)
         ON CONFLICT (user_id) DO UPDATE SET
           guesses = CASE WHEN g.window_started_at <= $3 THEN 1 ELSE g.guesses + 1 END,
           window_started_at = CASE WHEN g.window_started_at <= $3 THEN $2 ELSE g.window_started_at END
         WHERE g.window_started_at <= $3 OR g.guesses < $4
         RETURNING guesses`,
        [userId, now, windowStart, this.config.SECOND_FACTOR_MAX_FAILURES],
      ),
    );
    if (counted.length === 1) return;
    const [spent] = (await this.dataSource.query(
      `SELECT window_started_at FROM second_factor_guesses WHERE user_id = $1`,
      [userId],
    )) as { window_started_at: Date }[];
    const endsAt =
      (spent?.window_started_at.getTime() ?? now.getTime()) + this.config.SECOND_FACTOR_WINDOW_SECONDS * 1000;
    throw new DomainError('RATE_LIMITED', 'Too many wrong codes for this account; try again later', {
      retryAfterSeconds: Math.max(1, Math.ceil((endsAt - now.getTime()) / 1000)),
    });
  }

  private async giveBack(userId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE second_factor_guesses SET guesses = guesses - 1 WHERE user_id = $1 AND guesses > 0`,
      [userId],
    );
  }
}
