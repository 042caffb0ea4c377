import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * objects.deleted_at: an object whose recording was deleted stays as a tombstone (status `deleted`,
 * bytes removed), so its signed links answer 410 rather than a puzzling 403, and a redelivered
 * deletion event finds it already done.
 */
export class ObjectTombstones1796000000000 implements MigrationInterface {
  name = 'ObjectTombstones1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE objects ADD COLUMN deleted_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE objects DROP COLUMN deleted_at`);
  }
}
