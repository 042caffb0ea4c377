import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@platform/tenancy';

/** objects: a tenant-owned table (uploads in progress and stored objects), under forced RLS. */
export class CreateObjects1795955333515 implements MigrationInterface {
  name = 'CreateObjects1795955333515';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE objects (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL,
      recording_id uuid,
      status text NOT NULL,
      upload_kind text NOT NULL,
      storage_key text NOT NULL,
      size_bytes bigint,
      received_bytes bigint NOT NULL DEFAULT 0,
      chunk_count integer NOT NULL DEFAULT 0,
      content_type text,
      sha256 text,
      filename text,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      multipart_upload_id text,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      CONSTRAINT "UQ_objects_storage_key" UNIQUE (storage_key)
    )`);
    // Led by organization_id: the catalogue check wants it, and it serves the keyset list and the
    // quota sum.
    await queryRunner.query(
      `CREATE INDEX idx_objects_organization_page ON objects (organization_id, created_at, id)`,
    );
    // One object per recording and organization (the seed's chunk flow addresses it by recording).
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_objects_organization_recording ON objects (organization_id, recording_id)`,
    );
    await enableTenantRls(queryRunner, 'objects');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'objects');
    await queryRunner.query(`DROP TABLE objects`);
  }
}
