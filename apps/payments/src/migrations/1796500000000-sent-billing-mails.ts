import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@platform/tenancy';

/**
 * Durable billing emails: the ledger of notices already sent, keyed by (organization, mail key), so
 * a notice delivered twice by the outbox or the broker is mailed once. Tenant-owned (forced RLS).
 */
export class SentBillingMails1796500000000 implements MigrationInterface {
  name = 'SentBillingMails1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE sent_billing_mails (
      organization_id uuid NOT NULL,
      mail_key text NOT NULL,
      kind text NOT NULL,
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (organization_id, mail_key)
    )`);
    await enableTenantRls(queryRunner, 'sent_billing_mails');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'sent_billing_mails');
    await queryRunner.query(`DROP TABLE sent_billing_mails`);
  }
}
