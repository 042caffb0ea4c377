import { defineBackendService } from '@platform/bootstrap';
import { ApiKeyEntity } from './api-keys/api-key.entity';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthenticationModule } from './authentication/authentication.module';
import { authEnvSchema, type AuthEnv } from './config/auth-env.schema';
import { EmailVerificationTokenEntity } from './email-verification/email-verification-token.entity';
import { EmailVerificationModule } from './email-verification/email-verification.module';
import { InvitationEntity } from './invitations/invitation.entity';
import { InvitationsModule } from './invitations/invitations.module';
import { MailModule } from './mail/mail.module';
import { MembershipEntity } from './memberships/membership.entity';
import { MembershipsModule } from './memberships/memberships.module';
import { authMigrations } from './migrations';
import { OAuthIdentityEntity } from './oauth/oauth-identity.entity';
import { OAuthModule } from './oauth/oauth.module';
import { OrganizationCodeEntity } from './organization-codes/organization-code.entity';
import { OrganizationCodesModule } from './organization-codes/organization-codes.module';
import { OrganizationEntity } from './organizations/organization.entity';
import { OrganizationsModule } from './organizations/organizations.module';
import { PasswordResetTokenEntity } from './passwords/password-reset-token.entity';
import { PasswordsModule } from './passwords/passwords.module';
import { SecurityModule } from './security/security.module';
import { RefreshTokenEntity } from './sessions/refresh-token.entity';
import { SessionEntity } from './sessions/session.entity';
import { SessionsModule } from './sessions/sessions.module';
import { SigningKeyEntity } from './signing-keys/signing-key.entity';
import { SigningKeysModule } from './signing-keys/signing-keys.module';
import { RecoveryCodeEntity } from './totp/recovery-code.entity';
import { SecondFactorGuessEntity } from './totp/second-factor-guess.entity';
import { TotpModule } from './totp/totp.module';
import { UserEntity } from './users/user.entity';
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
  entities: [
    UserEntity,
    OrganizationEntity,
    MembershipEntity,
    InvitationEntity,
    SessionEntity,
    RefreshTokenEntity,
    SigningKeyEntity,
    PasswordResetTokenEntity,
    EmailVerificationTokenEntity,
    ApiKeyEntity,
    OrganizationCodeEntity,
    RecoveryCodeEntity,
    SecondFactorGuessEntity,
    OAuthIdentityEntity,
  ],
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
