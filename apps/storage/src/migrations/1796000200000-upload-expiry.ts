import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * objects.expires_at: when an upload still in progress expires (tus `expiration`, Upload-Expires),
 * pushed forward by every request that adds bytes; null once completed. The sweep reads the index.
 */
export class UploadExpiry1796000200000 implements MigrationInterface {
  name = 'UploadExpiry1796000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE objects ADD COLUMN expires_at timestamptz`);
    // Uploads already in progress get a full lifetime from now rather than none.
    await queryRunner.query(
      `UPDATE objects SET expires_at = now() + interval '24 hours' WHERE status = 'uploading'`,
    );
    await queryRunner.query(`CREATE INDEX idx_objects_expires_at ON objects (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_objects_expires_at`);
    await queryRunner.query(`ALTER TABLE objects DROP COLUMN expires_at`);
  }
}
