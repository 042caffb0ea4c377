import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * job_attempts: how many times a worker has STARTED each analysis job, committed before the work
 * begins, so a job that kills its worker (crash, OOM kill) still counts (see JobAttempts). Keyed
 * by the job's event id; no tenant data (the recording id is there for operators).
 */
export class CreateJobAttempts1796000100000 implements MigrationInterface {
  name = 'CreateJobAttempts1796000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE job_attempts (
      job_id uuid PRIMARY KEY,
      recording_id uuid NOT NULL,
      attempts integer NOT NULL,
      first_started_at timestamptz NOT NULL DEFAULT now(),
      last_started_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE job_attempts`);
  }
}
