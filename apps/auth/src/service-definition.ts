import { defineBackendService } from '@platform/bootstrap';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthenticationModule } from './authentication/authentication.module';
import { authEnvSchema, type AuthEnv } from './config/auth-env.schema';
import { authEntities } from './entities';
import { EmailVerificationModule } from './email-verification/email-verification.module';
import { InvitationsModule } from './invitations/invitations.module';
import { MailModule } from './mail/mail.module';
import { MembershipsModule } from './memberships/memberships.module';
import { authMigrations } from './migrations';
import { OAuthModule } from './oauth/oauth.module';
import { OrganizationCodesModule } from './organization-codes/organization-codes.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { PasswordsModule } from './passwords/passwords.module';
import { SecurityModule } from './security/security.module';
import { SessionsModule } from './sessions/sessions.module';
import { SigningKeysModule } from './signing-keys/signing-keys.module';
import { TotpModule } from './totp/totp.module';
import { UsersModule } from './users/users.module';

/**
 * The auth service: identity (users, passwords, TOTP, OAuth), tenancy (organizations, memberships,
 * invitations, organization codes), sessions and tokens (RS256 access JWTs, rotating refresh tokens,
 * JWKS) and API keys. It owns the `platform_auth` database and writes the token denylist in Redis.
 */
export const authService = defineBackendService<AuthEnv>({
  service: 'auth',
  envSchema: authEnvSchema,
  migrations: authMigrations,
  entities: authEntities,
  redis: true,
  // Memberships, invitations, sessions, API keys and organization codes are under forced RLS.
  tenancy: true,
  features: [
    SecurityModule,
    MailModule,
    UsersModule,
    OrganizationsModule,
    MembershipsModule,
    SigningKeysModule,
    SessionsModule,
    EmailVerificationModule,
    AuthenticationModule,
    PasswordsModule,
    InvitationsModule,
    ApiKeysModule,
    OrganizationCodesModule,
    TotpModule,
    OAuthModule,
  ],
});
