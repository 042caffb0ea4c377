import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { EVENT_NAMES, type EventPayloads, type PlanCode, type Role } from '@platform/contracts';
import { OutboxWriter } from '@platform/messaging';
import { MembershipRepository } from '../memberships/membership.repository';
import { OrganizationEntity } from './organization.entity';

export interface UserMembership {
  organization: OrganizationEntity;
  role: Role;
  joinedAt: Date;
}

@Injectable()
export class OrganizationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly memberships: MembershipRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Creates an organization with its first owner inside the caller's transaction, and announces it
   * (organization created, member joined) through the outbox so the events exist iff the rows do.
   */
  async createWithOwner(
    manager: EntityManager,
    input: { name: string; ownerUserId: string; plan?: PlanCode },
  ): Promise<OrganizationEntity> {
    const organization = await manager.save(
      manager.create(OrganizationEntity, { name: input.name, plan: input.plan ?? 'FREE' }),
    );
    await this.memberships.insert(manager, organization.id, input.ownerUserId, 'owner');
    await this.outbox.add<EventPayloads['auth.organization.created']>(
      manager,
      EVENT_NAMES.organizationCreated,
      { organizationId: organization.id, name: organization.name, ownerUserId: input.ownerUserId },
    );
    await this.announceMember(manager, organization.id, input.ownerUserId, 'owner');
    return organization;
  }

  async announceMember(
    manager: EntityManager,
    organizationId: string,
    userId: string,
    role: Role,
  ): Promise<void> {
    await this.outbox.add<EventPayloads['auth.member.joined']>(manager, EVENT_NAMES.memberJoined, {
      organizationId,
      userId,
      role,
    });
  }

  create(userId: string, name: string): Promise<OrganizationEntity> {
    return this.dataSource.transaction((manager) =>
      this.createWithOwner(manager, { name, ownerUserId: userId }),
    );
  }

  findById(organizationId: string, manager: EntityManager = this.dataSource.manager) {
    return manager.findOneBy(OrganizationEntity, { id: organizationId });
  }

  /** The organizations a user belongs to, oldest membership first. */
  async listForUser(
    userId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<UserMembership[]> {
    const rows: (Record<string, unknown> & { role: Role; joined_at: Date })[] = await manager.query(
      `SELECT o.id, o.name, o.plan, o.created_at, m.role, m.created_at AS joined_at
       FROM memberships m JOIN organizations o ON o.id = m.organization_id
       WHERE m.user_id = $1 ORDER BY m.created_at, o.name`,
      [userId],
    );
    return rows.map((row) => ({
      organization: Object.assign(new OrganizationEntity(), {
        id: row.id,
        name: row.name,
        plan: row.plan,
        createdAt: row.created_at,
      }),
      role: row.role,
      joinedAt: row.joined_at,
    }));
  }

  async setPlan(manager: EntityManager, organizationId: string, plan: PlanCode): Promise<void> {
    await manager.update(OrganizationEntity, { id: organizationId }, { plan });
  }
}
