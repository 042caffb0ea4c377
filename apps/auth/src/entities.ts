import { ApiKeyEntity } from './api-keys/api-key.entity';
import { EmailVerificationTokenEntity } from './email-verification/email-verification-token.entity';
import { InvitationEntity } from './invitations/invitation.entity';
import { MembershipEntity } from './memberships/membership.entity';
import { OAuthIdentityEntity } from './oauth/oauth-identity.entity';
import { OrganizationCodeMailEntity } from './organization-codes/organization-code-mail.entity';
import { OrganizationCodeEntity } from './organization-codes/organization-code.entity';
import { OrganizationEntity } from './organizations/organization.entity';
import { PasswordResetTokenEntity } from './passwords/password-reset-token.entity';
import { RefreshTokenEntity } from './sessions/refresh-token.entity';
import { SessionEntity } from './sessions/session.entity';
import { SigningKeyEntity } from './signing-keys/signing-key.entity';
import { RecoveryCodeEntity } from './totp/recovery-code.entity';
import { SecondFactorGuessEntity } from './totp/second-factor-guess.entity';
import { UserEntity } from './users/user.entity';

/**
 * Every entity of the auth database, in one list: the service registers it, and the schema-drift
 * test compares it with what the migrations create (a table left out here would escape the check).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const authEntities: Function[] = [
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
  OrganizationCodeMailEntity,
  RecoveryCodeEntity,
  SecondFactorGuessEntity,
  OAuthIdentityEntity,
];
