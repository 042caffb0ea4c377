import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The pruning of applied webhook inbox events finds the oldest ones by `processed_at`. */
export class WebhookInboxProcessedIndex1796600000000 implements MigrationInterface {
  name = 'WebhookInboxProcessedIndex1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX idx_webhook_inbox_processed ON webhook_inbox (processed_at) WHERE processed_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_webhook_inbox_processed`);
  }
}
