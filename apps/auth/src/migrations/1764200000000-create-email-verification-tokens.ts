import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Single-use links that prove a new account's email address (stored as SHA-256 of the token). */
export class CreateEmailVerificationTokens1764200000000 implements MigrationInterface {
  name = 'CreateEmailVerificationTokens1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE email_verification_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      token_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_email_verification_tokens_hash ON email_verification_tokens (token_hash)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_email_verification_tokens_user ON email_verification_tokens (user_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS email_verification_tokens`);
  }
}
