import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@platform/tenancy';

/** granted_plans: the plan an organization was created on from an organization code (tenant-owned). */
export class GrantedPlans1796400000000 implements MigrationInterface {
  name = 'GrantedPlans1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE granted_plans (
      organization_id uuid PRIMARY KEY,
      plan text NOT NULL,
      granted_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT granted_plans_plan_check CHECK (plan IN ('FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE'))
    )`);
    await enableTenantRls(queryRunner, 'granted_plans');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'granted_plans');
    await queryRunner.query(`DROP TABLE granted_plans`);
  }
}
