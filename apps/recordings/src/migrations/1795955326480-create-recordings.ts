import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@platform/tenancy';

/**
 * recordings: a tenant-owned table, isolated by a forced row-level-security policy. The status is a
 * CHECKed text (not a PostgreSQL enum: adding a state later is one constraint swap, no type rewrite).
 */
export class CreateRecordings1795955326480 implements MigrationInterface {
  name = 'CreateRecordings1795955326480';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE recordings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL,
      owner_user_id uuid,
      title text NOT NULL,
      tags text[] NOT NULL DEFAULT '{}',
      metadata jsonb NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'UPLOADING',
      progress smallint,
      size_bytes bigint,
      duration_seconds double precision,
      content_type text,
      object_id text,
      failure_reason text,
      analysis jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz,
      CONSTRAINT "chk_recordings_status" CHECK (status IN ('UPLOADING', 'UPLOADED', 'PROCESSING', 'READY', 'FAILED')),
      CONSTRAINT "chk_recordings_progress" CHECK (progress BETWEEN 0 AND 100)
    )`);
    // Led by organization_id: the catalogue check wants it, and it serves the default (newest first) list.
    await queryRunner.query(
      `CREATE INDEX idx_recordings_organization_page ON recordings (organization_id, created_at, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_recordings_organization_status ON recordings (organization_id, status)`,
    );
    // `tags @> '{a,b}'` (every tag given) uses it.
    await queryRunner.query(`CREATE INDEX idx_recordings_tags ON recordings USING gin (tags)`);
    await enableTenantRls(queryRunner, 'recordings');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'recordings');
    await queryRunner.query(`DROP TABLE recordings`);
  }
}
