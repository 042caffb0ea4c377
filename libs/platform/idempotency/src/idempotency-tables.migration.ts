import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@platform/tenancy';

/**
 * The idempotency ledgers; every service with command handlers includes this migration.
 *
 * - `idempotency_keys`: one row per (organization, principal, Idempotency-Key): the request's hash
 *   and the response, kept 24 h. Tenant-owned, so under forced RLS like every other tenant table.
 * - `processed_commands`: one row per AMQP message id of a command that committed, with its
 *   response, so a redelivery after a crash that followed the commit answers instead of re-running.
 *   Not tenant-owned: tenant-less commands (registration, login) need it too, and the key is the
 *   broker message id our RpcClient generates, which no client chooses.
 */
export class CreateIdempotencyTables1764050000000 implements MigrationInterface {
  name = 'CreateIdempotencyTables1764050000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        organization_id uuid NOT NULL,
        principal_key text NOT NULL,
        idempotency_key text NOT NULL,
        command text NOT NULL,
        request_hash text NOT NULL,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (organization_id, principal_key, idempotency_key)
      )`);
    await queryRunner.query(`CREATE INDEX idx_idempotency_keys_expires ON idempotency_keys (expires_at)`);
    await enableTenantRls(queryRunner, 'idempotency_keys');
    await queryRunner.query(`
      CREATE TABLE processed_commands (
        message_id text PRIMARY KEY,
        command text NOT NULL,
        response jsonb,
        processed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_processed_commands_processed_at ON processed_commands (processed_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE processed_commands`);
    await disableTenantRls(queryRunner, 'idempotency_keys');
    await queryRunner.query(`DROP TABLE idempotency_keys`);
  }
}
