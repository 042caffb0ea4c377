import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@platform/tenancy';

/**
 * AZUL: customer-present payments awaiting 3-D Secure, the monthly charges the scheduler places, and
 * on the subscription the stored card (DataVault token) plus the Stripe customer of the fallback.
 * Both new tables are tenant-owned (forced row-level security).
 */
export class AzulPaymentsAndRecurringCharges1796200000000 implements MigrationInterface {
  name = 'AzulPaymentsAndRecurringCharges1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE subscriptions ADD COLUMN payment_token text, ADD COLUMN fallback_customer_id text`,
    );
    // The recurring-charge job's scan: AZUL subscriptions by when their period ends.
    await queryRunner.query(
      `CREATE INDEX idx_subscriptions_scheduled_renewal ON subscriptions (current_period_end)
        WHERE provider = 'azul' AND status = 'ACTIVE'`,
    );

    await queryRunner.query(`CREATE TABLE azul_payments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL,
      idempotency_key text NOT NULL,
      azul_order_id text NOT NULL,
      plan text NOT NULL,
      amount_cents integer NOT NULL,
      itbis_cents integer NOT NULL,
      payment_token text NOT NULL,
      status text NOT NULL,
      three_ds_step text,
      redirect_post_url text,
      creq text,
      decline_code text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT azul_payments_status_check CHECK (status IN ('requires_action', 'succeeded', 'declined'))
    )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_azul_payments_idempotency_key ON azul_payments (idempotency_key)`,
    );
    await queryRunner.query(`CREATE INDEX idx_azul_payments_organization ON azul_payments (organization_id)`);
    await enableTenantRls(queryRunner, 'azul_payments');

    await queryRunner.query(`CREATE TABLE recurring_charges (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL,
      period_start timestamptz NOT NULL,
      idempotency_key text NOT NULL,
      notice_sent_at timestamptz,
      status text NOT NULL,
      provider text,
      provider_charge_id text,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT recurring_charges_status_check
        CHECK (status IN ('scheduled', 'outcome-unknown', 'succeeded', 'declined'))
    )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_recurring_charges_period ON recurring_charges (organization_id, period_start)`,
    );
    await enableTenantRls(queryRunner, 'recurring_charges');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'recurring_charges', 'azul_payments');
    await queryRunner.query(`DROP TABLE recurring_charges`);
    await queryRunner.query(`DROP TABLE azul_payments`);
    await queryRunner.query(`DROP INDEX idx_subscriptions_scheduled_renewal`);
    await queryRunner.query(
      `ALTER TABLE subscriptions DROP COLUMN fallback_customer_id, DROP COLUMN payment_token`,
    );
  }
}
