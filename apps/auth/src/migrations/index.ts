import { CreateIdempotencyTables1764050000000 } from '@platform/idempotency';
import { CreateAuthTables1764100000000 } from './1764100000000-create-auth-tables';
import { CreateEmailVerificationTokens1764200000000 } from './1764200000000-create-email-verification-tokens';
import { SecondFactorGuessBudget1764409600000 } from './1764409600000-second-factor-guess-budget';
import { TenantRowLevelSecurity1764500000000 } from './1764500000000-tenant-row-level-security';
import { OrganizationCodeMails1796700000000 } from './1796700000000-organization-code-mails';

/**
 * Migrations of the auth database, in order. The outbox/processed-events tables come from
 * @platform/messaging via ServiceCoreModule; this service's own tables are added here.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const authMigrations: Function[] = [
  CreateAuthTables1764100000000,
  CreateEmailVerificationTokens1764200000000,
  SecondFactorGuessBudget1764409600000,
  TenantRowLevelSecurity1764500000000,
  // The Idempotency-Key and message-id ledgers of @IdempotentCommand() handlers (idempotency_keys is
  // under forced RLS). TypeORM orders by timestamp; on a database already past the others it runs as
  // the one pending migration (its tables depend on none of auth's).
  CreateIdempotencyTables1764050000000,
  OrganizationCodeMails1796700000000,
];
