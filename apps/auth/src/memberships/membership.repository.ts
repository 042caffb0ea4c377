import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PageRequest, PlanCode, Role } from '@platform/contracts';
import { TenantDatabase } from '@platform/tenancy';
import { decodeCursor, keysetCondition, sortKeySql, toPage } from '@platform/persistence';
import { MembershipEntity } from './membership.entity';

export interface MemberRow {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: Date;
}

export interface MembershipWithPlan {
  role: Role;
  plan: PlanCode;
}

/**
 * Memberships are tenant data under row-level security: without `manager`, queries run in the
 * current tenant (or system) transaction, and throw outside one. The organization id stays in every
 * query too (PostgreSQL enforces the tenant; the filter keeps the query's intent and its index).
 */
@Injectable()
export class MembershipRepository {
  constructor(private readonly tenants: TenantDatabase) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.tenants.manager;
  }

  find(organizationId: string, userId: string, manager?: EntityManager): Promise<MembershipEntity | null> {
    return this.manager(manager).findOneBy(MembershipEntity, { organizationId, userId });
  }

  /** The role and the organization's plan in one round trip: what an access token needs. */
  async findWithPlan(
    organizationId: string,
    userId: string,
    manager?: EntityManager,
  ): Promise<MembershipWithPlan | null> {
    const rows: MembershipWithPlan[] = await this.manager(manager).query(
      `SELECT m.role, o.plan FROM memberships m JOIN organizations o ON o.id = m.organization_id
       WHERE m.organization_id = $1 AND m.user_id = $2`,
      [organizationId, userId],
    );
    return rows[0] ?? null;
  }

  async insert(manager: EntityManager, organizationId: string, userId: string, role: Role): Promise<void> {
    await manager.insert(MembershipEntity, { organizationId, userId, role });
  }

  /** Oldest membership first, one keyset page (see keyset-page.ts). */
  async listMembers(
    organizationId: string,
    page: PageRequest,
    manager?: EntityManager,
  ): Promise<{ rows: MemberRow[]; nextCursor: string | null }> {
    const scope = { list: 'members', owner: organizationId };
    const after = keysetCondition('m.created_at', 'm.user_id', 'ASC', decodeCursor(scope, page.cursor), 3);
    const rows: (MemberRow & { sort_us: string })[] = await this.manager(manager).query(
      `SELECT u.id AS "userId", u.email, u.name, m.role, m.created_at AS "joinedAt",
              ${sortKeySql('m.created_at')}::text AS sort_us
       FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.organization_id = $1 ${after.sql}
       ORDER BY m.created_at, m.user_id LIMIT $2`,
      [organizationId, page.limit + 1, ...after.params],
    );
    const result = toPage(rows, page.limit, scope, (row) => ({ sortUs: row.sort_us, id: row.userId }));
    return {
      rows: result.rows.map(({ sort_us: _sortKey, ...member }) => member),
      nextCursor: result.nextCursor,
    };
  }

  async findMember(
    organizationId: string,
    userId: string,
    manager?: EntityManager,
  ): Promise<MemberRow | null> {
    const rows: MemberRow[] = await this.manager(manager).query(
      `SELECT u.id AS "userId", u.email, u.name, m.role, m.created_at AS "joinedAt"
       FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.organization_id = $1 AND m.user_id = $2`,
      [organizationId, userId],
    );
    return rows[0] ?? null;
  }

  async countOwners(manager: EntityManager, organizationId: string): Promise<number> {
    const [row] = (await manager.query(
      `SELECT count(*)::int AS count FROM memberships WHERE organization_id = $1 AND role = 'owner'`,
      [organizationId],
    )) as { count: number }[];
    return row?.count ?? 0;
  }

  /** Serializes membership changes of one organization (two owners demoting each other at once). */
  async lockOrganization(manager: EntityManager, organizationId: string): Promise<void> {
    await manager.query(`SELECT id FROM organizations WHERE id = $1 FOR UPDATE`, [organizationId]);
  }
}
