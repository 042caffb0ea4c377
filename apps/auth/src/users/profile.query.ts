import { Injectable } from '@nestjs/common';
import type { PlanCode, Role } from '@platform/contracts';
import type { AuthResult } from '@platform/contracts';
import { TenantDatabase } from '@platform/tenancy';

interface ProfileRow {
  user_id: string;
  email: string;
  name: string;
  email_verified: boolean;
  totp_enabled: boolean;
  user_created_at: Date;
  organization_id: string;
  organization_name: string;
  plan: PlanCode;
  organization_created_at: Date;
  role: Role;
}

/**
 * The profile in one indexed round trip (user ⋈ membership ⋈ organization): `GET /v1/auth/profile`
 * is the platform's most frequent authenticated read, so it skips entity hydration, and runs under
 * the principal's organization's RLS in one round trip (`readInTenant`, not a four-statement
 * transaction).
 */
@Injectable()
export class ProfileQuery {
  constructor(private readonly tenants: TenantDatabase) {}

  async find(userId: string, organizationId: string): Promise<AuthResult<'auth.profile.get'> | null> {
    const rows = await this.tenants.readInTenant<ProfileRow>(
      organizationId,
      `SELECT u.id AS user_id, u.email, u.name, u.email_verified, u.totp_enabled, u.created_at AS user_created_at,
              o.id AS organization_id, o.name AS organization_name, o.plan, o.created_at AS organization_created_at,
              m.role
       FROM memberships m
       JOIN users u ON u.id = m.user_id
       JOIN organizations o ON o.id = m.organization_id
       WHERE m.user_id = $1 AND m.organization_id = $2`,
      [userId, organizationId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      user: {
        id: row.user_id,
        email: row.email,
        name: row.name,
        emailVerified: row.email_verified,
        totpEnabled: row.totp_enabled,
        createdAt: row.user_created_at.toISOString(),
      },
      organization: {
        id: row.organization_id,
        name: row.organization_name,
        plan: row.plan,
        createdAt: row.organization_created_at.toISOString(),
      },
      role: row.role,
    };
  }
}
