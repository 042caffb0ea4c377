import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which prepaid month's end (Mercado Pago) the renewal reminder was sent for: once per month,
 * whatever the number of passes or replicas.
 */
export class PrepaidRenewalReminder1796900000000 implements MigrationInterface {
  name = 'PrepaidRenewalReminder1796900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE subscriptions ADD COLUMN prepaid_reminded_for timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE subscriptions DROP COLUMN prepaid_reminded_for`);
  }
}
