import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@platform/tenancy';

/** Metering: usage per organization, metric and billing period, and the alerts sent (both tenant-owned). */
export class CreateUsageTables1796100000000 implements MigrationInterface {
  name = 'CreateUsageTables1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE usage_counters (
      organization_id uuid NOT NULL,
      metric text NOT NULL,
      period_start timestamptz NOT NULL,
      period_end timestamptz NOT NULL,
      used bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (organization_id, metric, period_start)
    )`);
    await enableTenantRls(queryRunner, 'usage_counters');

    await queryRunner.query(`CREATE TABLE usage_alerts (
      organization_id uuid NOT NULL,
      period_start timestamptz NOT NULL,
      metric text NOT NULL,
      threshold_percent integer NOT NULL,
      plan text NOT NULL,
      used bigint NOT NULL,
      max bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (organization_id, period_start, metric, threshold_percent)
    )`);
    await enableTenantRls(queryRunner, 'usage_alerts');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'usage_alerts', 'usage_counters');
    await queryRunner.query(`DROP TABLE usage_alerts`);
    await queryRunner.query(`DROP TABLE usage_counters`);
  }
}
