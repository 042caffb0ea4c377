import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Identity, tenancy, sessions, keys and credentials of the auth service. */
export class CreateAuthTables1764100000000 implements MigrationInterface {
  name = 'CreateAuthTables1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        password_hash text,
        email_verified boolean NOT NULL DEFAULT false,
        totp_secret_encrypted text,
        totp_enabled boolean NOT NULL DEFAULT false,
        totp_last_step bigint,
        last_organization_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      // Emails arrive lower-cased from the contract schema; the index makes that the uniqueness rule.
      `CREATE UNIQUE INDEX uq_users_email ON users (lower(email))`,
      `CREATE TABLE organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        plan text NOT NULL DEFAULT 'FREE' CHECK (plan IN ('FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE memberships (
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'developer', 'billing', 'viewer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, user_id)
      )`,
      `CREATE INDEX idx_memberships_user ON memberships (user_id)`,
      `CREATE TABLE invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        email text NOT NULL,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'developer', 'billing', 'viewer')),
        token_hash text NOT NULL,
        invited_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        accepted_at timestamptz,
        accepted_by uuid,
        revoked_at timestamptz
      )`,
      `CREATE UNIQUE INDEX uq_invitations_token_hash ON invitations (token_hash)`,
      `CREATE INDEX idx_invitations_organization ON invitations (organization_id)`,
      // At most one open invitation per email and organization: inviting again replaces it.
      `CREATE UNIQUE INDEX uq_invitations_open ON invitations (organization_id, lower(email))
        WHERE accepted_at IS NULL AND revoked_at IS NULL`,
      `CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_refreshed_at timestamptz,
        revoked_at timestamptz,
        revoke_reason text
      )`,
      `CREATE INDEX idx_sessions_user_active ON sessions (user_id) WHERE revoked_at IS NULL`,
      `CREATE INDEX idx_sessions_organization ON sessions (organization_id)`,
      `CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        token_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        successor_id uuid
      )`,
      `CREATE UNIQUE INDEX uq_refresh_tokens_hash ON refresh_tokens (token_hash)`,
      `CREATE INDEX idx_refresh_tokens_session ON refresh_tokens (session_id)`,
      `CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        public_jwk jsonb NOT NULL,
        private_key_encrypted text NOT NULL,
        activates_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX idx_signing_keys_activates_at ON signing_keys (activates_at)`,
      `CREATE TABLE password_reset_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`,
      `CREATE UNIQUE INDEX uq_password_reset_tokens_hash ON password_reset_tokens (token_hash)`,
      `CREATE INDEX idx_password_reset_tokens_user ON password_reset_tokens (user_id)`,
      `CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        created_by uuid NOT NULL,
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL,
        scopes text[] NOT NULL DEFAULT '{}',
        expires_at timestamptz,
        last_used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`,
      `CREATE UNIQUE INDEX uq_api_keys_hash ON api_keys (key_hash)`,
      `CREATE INDEX idx_api_keys_organization ON api_keys (organization_id)`,
      `CREATE TABLE organization_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code_hash text NOT NULL,
        plan text NOT NULL CHECK (plan IN ('FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE')),
        organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        redeemed_at timestamptz,
        redeemed_by uuid,
        revoked_at timestamptz
      )`,
      `CREATE UNIQUE INDEX uq_organization_codes_hash ON organization_codes (code_hash)`,
      `CREATE INDEX idx_organization_codes_organization ON organization_codes (organization_id)`,
      `CREATE TABLE totp_recovery_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE UNIQUE INDEX uq_totp_recovery_codes ON totp_recovery_codes (user_id, code_hash)`,
      `CREATE TABLE oauth_identities (
        provider text NOT NULL,
        subject text NOT NULL,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        email text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, subject)
      )`,
      `CREATE INDEX idx_oauth_identities_user ON oauth_identities (user_id)`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'oauth_identities',
      'totp_recovery_codes',
      'organization_codes',
      'api_keys',
      'password_reset_tokens',
      'signing_keys',
      'refresh_tokens',
      'sessions',
      'invitations',
      'memberships',
      'organizations',
      'users',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
