import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';

/**
 * One account's wrong second-factor guesses in the current window (TOTP codes at sign-in, enrolment
 * and disabling, and recovery codes): one budget per account, whatever challenge or session guesses.
 */
@Check('second_factor_guesses_guesses_check', `guesses >= 0`)
@Entity({ name: 'second_factor_guesses' })
export class SecondFactorGuessEntity {
  @ForeignKey(() => UserEntity, { name: 'second_factor_guesses_user_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn('uuid')
  userId!: string;

  /** Guesses counted in the window (counted when they start; a correct one is given back). */
  @Column('integer')
  guesses!: number;

  @Column('timestamptz')
  windowStartedAt!: Date;
}
