import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@platform/tenancy';

/**
 * The organization-code emails still to be delivered (seed 004: the owners receive the code). The
 * code is stored only sealed (AES-256-GCM under KEY_ENCRYPTION_KEY, bound to the row) and only
 * until the SMTP server accepts the mail or the attempts run out; then it is erased, and auth again
 * holds nothing but the code's hash. Tenant-owned (forced RLS).
 */
export class OrganizationCodeMails1796700000000 implements MigrationInterface {
  name = 'OrganizationCodeMails1796700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE organization_code_mails (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL
        CONSTRAINT organization_code_mails_organization_id_fkey REFERENCES organizations (id) ON DELETE CASCADE,
      to_email text NOT NULL,
      organization_name text NOT NULL,
      plan text NOT NULL,
      sealed_code text,
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      sent_at timestamptz,
      gave_up_at timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await queryRunner.query(
      `CREATE INDEX idx_organization_code_mails_due ON organization_code_mails (next_attempt_at)
        WHERE sent_at IS NULL AND gave_up_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_organization_code_mails_organization ON organization_code_mails (organization_id)`,
    );
    await enableTenantRls(queryRunner, 'organization_code_mails');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'organization_code_mails');
    await queryRunner.query(`DROP TABLE organization_code_mails`);
  }
}
