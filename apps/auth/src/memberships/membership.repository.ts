import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { PlanCode, Role } from '@platform/contracts';
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

/** Every query takes the organization id: memberships are tenant data. */
@Injectable()
export class MembershipRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
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

  async listMembers(organizationId: string, manager?: EntityManager): Promise<MemberRow[]> {
    return this.manager(manager).query(
      `SELECT u.id AS "userId", u.email, u.name, m.role, m.created_at AS "joinedAt"
       FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.organization_id = $1 ORDER BY m.created_at, u.email`,
      [organizationId],
    );
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
