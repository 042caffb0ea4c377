import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The pruner deletes by last_started_at: an index keeps each batch from scanning the table. */
export class JobAttemptsStartedIndex1796300000000 implements MigrationInterface {
  name = 'JobAttemptsStartedIndex1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX job_attempts_last_started_at_idx ON job_attempts (last_started_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX job_attempts_last_started_at_idx`);
  }
}
