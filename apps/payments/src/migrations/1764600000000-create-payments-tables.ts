import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@platform/tenancy';

/**
 * Subscriptions and invoices (tenant-owned: forced row-level security) and the webhook inbox
 * (system table: its rows name no tenant until processed).
 */
export class CreatePaymentsTables1764600000000 implements MigrationInterface {
  name = 'CreatePaymentsTables1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE subscriptions (
      organization_id uuid PRIMARY KEY,
      plan text NOT NULL,
      status text NOT NULL,
      provider text,
      provider_customer_id text,
      provider_subscription_id text,
      billing_email text,
      current_period_start timestamptz,
      current_period_end timestamptz,
      cancel_at_period_end boolean NOT NULL DEFAULT false,
      provider_version bigint NOT NULL DEFAULT 0,
      dunning_invoice_id text,
      past_due_since timestamptz,
      dunning_retries integer NOT NULL DEFAULT 0,
      next_retry_at timestamptz,
      suspended_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT subscriptions_status_check
        CHECK (status IN ('TRIAL', 'ACTIVE', 'PAST_DUE', 'SUSPENDED', 'CANCELLED')),
      CONSTRAINT subscriptions_plan_check CHECK (plan IN ('FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE'))
    )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_subscriptions_provider_customer ON subscriptions (provider, provider_customer_id)`,
    );
    // The dunning job's scan: only past-due rows, by when their next retry is due.
    await queryRunner.query(
      `CREATE INDEX idx_subscriptions_dunning_due ON subscriptions (next_retry_at) WHERE status = 'PAST_DUE'`,
    );
    await enableTenantRls(queryRunner, 'subscriptions');

    await queryRunner.query(`CREATE TABLE invoices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL,
      provider text NOT NULL,
      provider_invoice_id text NOT NULL,
      number text,
      status text NOT NULL,
      currency text NOT NULL,
      subtotal_cents integer NOT NULL,
      tax_cents integer NOT NULL,
      total_cents integer NOT NULL,
      amount_paid_cents integer NOT NULL,
      plan text,
      period_start timestamptz,
      period_end timestamptz,
      paid_at timestamptz,
      provider_version bigint NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT invoices_status_check CHECK (status IN ('draft', 'open', 'paid', 'uncollectible', 'void'))
    )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_invoices_provider_invoice ON invoices (provider, provider_invoice_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_invoices_organization_page ON invoices (organization_id, created_at, id)`,
    );
    await enableTenantRls(queryRunner, 'invoices');

    await queryRunner.query(`CREATE TABLE webhook_inbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      provider text NOT NULL,
      provider_event_id text NOT NULL,
      type text NOT NULL,
      payload jsonb NOT NULL,
      provider_created_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      next_attempt_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      processed_at timestamptz
    )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_webhook_inbox_provider_event ON webhook_inbox (provider, provider_event_id)`,
    );
    // The processor's scan: pending rows by when they are due.
    await queryRunner.query(
      `CREATE INDEX idx_webhook_inbox_pending ON webhook_inbox (next_attempt_at) WHERE processed_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_inbox`);
    await disableTenantRls(queryRunner, 'invoices', 'subscriptions');
    await queryRunner.query(`DROP TABLE invoices`);
    await queryRunner.query(`DROP TABLE subscriptions`);
  }
}
