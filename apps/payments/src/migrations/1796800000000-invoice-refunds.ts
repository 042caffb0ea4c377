import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A paid invoice whose charge the provider reversed (refund or chargeback) says so: how much went
 * back and when. The invoice stays `paid` (it was; Stripe keeps a refunded invoice `paid` too) and
 * the reversal is shown beside it rather than rewriting its history.
 */
export class InvoiceRefunds1796800000000 implements MigrationInterface {
  name = 'InvoiceRefunds1796800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE invoices
         ADD COLUMN amount_refunded_cents int NOT NULL DEFAULT 0
           CONSTRAINT invoices_amount_refunded_cents_check CHECK (amount_refunded_cents >= 0),
         ADD COLUMN refunded_at timestamptz`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE invoices DROP COLUMN refunded_at, DROP COLUMN amount_refunded_cents`,
    );
  }
}
