import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One guess budget per account for second-factor codes (see SecondFactorGuessBudget). */
export class SecondFactorGuessBudget1764409600000 implements MigrationInterface {
  name = 'SecondFactorGuessBudget1764409600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE second_factor_guesses (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        guesses integer NOT NULL CHECK (guesses >= 0),
        window_started_at timestamptz NOT NULL
      )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS second_factor_guesses`);
  }
}
