import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Stripe card that backs AZUL's monthly charge (seed 003), saved through Stripe Checkout in
 * setup mode: which PaymentMethod of the fallback customer to charge, what the member saw (brand,
 * last four digits) and when Stripe confirmed it (a later confirmation replaces an earlier one,
 * never the reverse). The customer id (fallback_customer_id) is kept from the first setup on.
 */
export class FallbackCard1796700000000 implements MigrationInterface {
  name = 'FallbackCard1796700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE subscriptions
         ADD COLUMN fallback_payment_method_id text,
         ADD COLUMN fallback_card_brand text,
         ADD COLUMN fallback_card_last4 text,
         ADD COLUMN fallback_card_saved_at timestamptz`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE subscriptions
         DROP COLUMN fallback_card_saved_at,
         DROP COLUMN fallback_card_last4,
         DROP COLUMN fallback_card_brand,
         DROP COLUMN fallback_payment_method_id`,
    );
  }
}
