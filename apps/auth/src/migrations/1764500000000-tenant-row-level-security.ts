import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@platform/tenancy';

/**
 * Auth's tenant-owned tables (every one with `organization_id`) under forced row-level security:
 * the app role sees and writes only the rows of the transaction's tenant, set from the caller's
 * principal. Organization codes included: a code not yet redeemed (organization_id NULL) matches no
 * tenant, so only the logged system path (`runAsSystem`, BYPASSRLS) can read it — which is where
 * validate/redeem/resolve/issue run, since the code itself is what names the tenant.
 */
const TENANT_TABLES = ['memberships', 'invitations', 'sessions', 'api_keys', 'organization_codes'];

export class TenantRowLevelSecurity1764500000000 implements MigrationInterface {
  name = 'TenantRowLevelSecurity1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await enableTenantRls(queryRunner, ...TENANT_TABLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, ...TENANT_TABLES);
  }
}
