import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One account's wrong second-factor guesses in the current window (TOTP codes at sign-in, enrolment
 * and disabling, and recovery codes): one budget per account, whatever challenge or session guesses.
 */
@Entity({ name: 'second_factor_guesses' })
export class SecondFactorGuessEntity {
  @PrimaryColumn('uuid')
  userId!: string;

  /** Guesses counted in the window (counted when they start; a correct one is given back). */
  @Column('integer')
  guesses!: number;

  @Column('timestamptz')
  windowStartedAt!: Date;
}
