import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  EVENT_NAMES,
  type EventPayloads,
  type PageRequest,
  type PlanCode,
  type Role,
} from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError } from '@platform/errors';
import { OutboxWriter } from '@platform/messaging';
import { TenantDatabase } from '@platform/tenancy';
import type { AuthEnv } from '../config/auth-env.schema';
import { MembershipRepository } from '../memberships/membership.repository';
import { decodeCursor, keysetCondition, sortKeySql, toPage } from '@platform/persistence';
import { OrganizationEntity } from './organization.entity';

export interface UserMembership {
  organization: OrganizationEntity;
  role: Role;
  joinedAt: Date;
}

/**
 * Organizations (not tenant rows themselves: the tenant list) and a user's memberships across them.
 * What spans a user's organizations, or creates one (no tenant exists before it), runs in a system
 * transaction: the caller's, or one opened here with its reason.
 */
@Injectable()
export class OrganizationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantDatabase,
    private readonly memberships: MembershipRepository,
    private readonly outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
  ) {}

  /**
   * Each organization brings its own plan bucket and quotas, so the number a user may own is capped
   * (MAX_OWNED_ORGANIZATIONS_PER_USER). Locking the user's row serializes their concurrent creations,
   * so they cannot overshoot together. Call inside the creating (system) transaction, before creating.
   */
  async assertMayOwnAnother(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`SELECT id FROM users WHERE id = $1 FOR UPDATE`, [userId]);
    const [row] = (await manager.query(
      `SELECT count(*)::int AS usage FROM memberships WHERE user_id = $1 AND role = 'owner'`,
      [userId],
    )) as { usage: number }[];
    const max = this.config.MAX_OWNED_ORGANIZATIONS_PER_USER;
    const usage = row?.usage ?? 0;
    if (usage >= max) {
      throw new DomainError(
        'ACCOUNT_LIMIT_REACHED',
        `You already own ${usage} organizations, the most one account may own (${max})`,
        { limit: { name: 'ownedOrganizations', max, usage } },
      );
    }
  }

  /**
   * Creates an organization with its first owner inside the caller's system transaction, and announces it
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
      {
        organizationId: organization.id,
        name: organization.name,
        ownerUserId: input.ownerUserId,
        plan: organization.plan,
      },
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
    return this.tenants.runAsSystem('auth.organization.create', async (manager) => {
      await this.assertMayOwnAnother(manager, userId);
      return this.createWithOwner(manager, { name, ownerUserId: userId });
    });
  }

  findById(organizationId: string, manager: EntityManager = this.dataSource.manager) {
    return manager.findOneBy(OrganizationEntity, { id: organizationId });
  }

  /** The organizations a user belongs to, oldest membership first (in `manager`'s system transaction). */
  async listForUser(userId: string, manager?: EntityManager): Promise<UserMembership[]> {
    const query = (m: EntityManager): Promise<MembershipRow[]> =>
      m.query(
        `SELECT o.id, o.name, o.plan, o.created_at, m.role, m.created_at AS joined_at
         FROM memberships m JOIN organizations o ON o.id = m.organization_id
         WHERE m.user_id = $1 ORDER BY m.created_at, o.name`,
        [userId],
      );
    const rows = manager
      ? await query(manager)
      : await this.tenants.runAsSystem('auth.organization.list-for-user', query);
    return rows.map(toUserMembership);
  }

  /** The caller's organizations for GET /v1/orgs: oldest membership first, one keyset page. */
  async pageForUser(
    userId: string,
    page: PageRequest,
  ): Promise<{ rows: UserMembership[]; nextCursor: string | null }> {
    const scope = { list: 'organizations', owner: userId };
    const after = keysetCondition(
      'm.created_at',
      'm.organization_id',
      'ASC',
      decodeCursor(scope, page.cursor),
      3,
    );
    // The caller's memberships in every organization: one tenant's transaction would show one.
    const rows: MembershipRow[] = await this.tenants.runAsSystem(
      'auth.organization.list-for-user',
      (manager) =>
        manager.query(
          `SELECT o.id, o.name, o.plan, o.created_at, m.role, m.created_at AS joined_at,
                ${sortKeySql('m.created_at')}::text AS sort_us
         FROM memberships m JOIN organizations o ON o.id = m.organization_id
         WHERE m.user_id = $1 ${after.sql}
         ORDER BY m.created_at, m.organization_id LIMIT $2`,
          [userId, page.limit + 1, ...after.params],
        ),
    );
    const result = toPage(rows, page.limit, scope, (row) => ({ sortUs: row.sort_us!, id: row.id }));
    return { rows: result.rows.map(toUserMembership), nextCursor: result.nextCursor };
  }

  async setPlan(manager: EntityManager, organizationId: string, plan: PlanCode): Promise<void> {
    await manager.update(OrganizationEntity, { id: organizationId }, { plan });
  }
}

interface MembershipRow {
  id: string;
  name: string;
  plan: PlanCode;
  created_at: Date;
  role: Role;
  joined_at: Date;
  sort_us?: string;
}

function toUserMembership(row: MembershipRow): UserMembership {
  return {
    organization: Object.assign(new OrganizationEntity(), {
      id: row.id,
      name: row.name,
      plan: row.plan,
      createdAt: row.created_at,
    }),
    role: row.role,
    joinedAt: row.joined_at,
  };
}
