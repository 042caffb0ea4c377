import { Injectable } from '@nestjs/common';
import { In, Not } from 'typeorm';
import type { PageRequest } from '@platform/contracts';
import { decodeCursor, keysetCondition, sortKeySql, toPage } from '@platform/persistence';
import { currentTenantManager } from '@platform/tenancy';
import { ObjectEntity } from './object.entity';

/**
 * objects in the database. Every query runs in the caller's tenant transaction
 * (`currentTenantManager()`), so row-level security already limits it to the caller's organization;
 * the organization is still named where it serves an index, a cursor or the quota sum.
 */
@Injectable()
export class ObjectRepository {
  private get repository() {
    return currentTenantManager().getRepository(ObjectEntity);
  }

  insert(fields: Partial<ObjectEntity> & Pick<ObjectEntity, 'id' | 'organizationId' | 'storageKey'>) {
    return this.repository.save(this.repository.create({ metadata: {}, ...fields }));
  }

  /**
   * null when absent, another organization's (the policy hides those rows) or deleted (a tombstone:
   * every upload, read and delete path treats it as gone).
   */
  findById(id: string): Promise<ObjectEntity | null> {
    return this.repository.findOneBy({ id, status: Not('deleted') });
  }

  /** The row whatever its status, tombstones included (a signed link's 410, the deletion consumer). */
  findIncludingDeleted(id: string): Promise<ObjectEntity | null> {
    return this.repository.findOneBy({ id });
  }

  /**
   * The recording's object, a tombstone included: a recording has at most one object ever (unique
   * index), so a deleted recording's id cannot open a second upload.
   */
  findByRecording(recordingId: string): Promise<ObjectEntity | null> {
    return this.repository.findOneBy({ recordingId });
  }

  /** The recording's object (tombstone included), locked until the transaction ends. */
  lockByRecording(recordingId: string): Promise<ObjectEntity | null> {
    return this.repository.findOne({ where: { recordingId }, lock: { mode: 'pessimistic_write' } });
  }

  /** The live row, locked until the transaction ends (one writer per upload). */
  lockById(id: string): Promise<ObjectEntity | null> {
    return this.repository.findOne({
      where: { id, status: Not('deleted') },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /**
   * Serializes quota decisions of one organization (two parallel creations cannot both take the
   * last free gigabyte); released at commit.
   */
  async lockQuota(organizationId: string): Promise<void> {
    await currentTenantManager().query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [
      `storage-quota:${organizationId}`,
    ]);
  }

  /**
   * Bytes the organization holds or has reserved, leaving out `exceptId` and tombstones: a declared
   * size counts from creation (it was promised), else what has arrived.
   */
  async usageBytes(organizationId: string, exceptId: string | null): Promise<number> {
    const [row] = (await currentTenantManager().query(
      `SELECT coalesce(sum(greatest(coalesce(size_bytes, 0), received_bytes)), 0)::text AS used
         FROM objects WHERE organization_id = $1 AND status <> 'deleted'
          AND ($2::uuid IS NULL OR id <> $2::uuid)`,
      [organizationId, exceptId],
    )) as { used: string }[];
    return Number(row?.used ?? 0);
  }

  /**
   * Uploads past their expiry, oldest first (every organization's when run as system: the sweep).
   * Each is re-checked under its row lock before it goes.
   */
  findExpiredUploads(now: Date, limit: number): Promise<ObjectEntity[]> {
    return this.repository
      .createQueryBuilder('object')
      .where(`object.status = 'uploading'`)
      .andWhere('object.expiresAt <= :now', { now })
      .orderBy('object.expiresAt', 'ASC')
      .limit(limit)
      .getMany();
  }

  async update(id: string, changes: Partial<ObjectEntity>): Promise<void> {
    await this.repository.update({ id }, changes);
  }

  async delete(id: string): Promise<void> {
    await this.repository.delete({ id });
  }

  /** Oldest first, one keyset page. */
  async listPage(
    organizationId: string,
    page: PageRequest,
  ): Promise<{ rows: ObjectEntity[]; nextCursor: string | null }> {
    const scope = { list: 'objects', owner: organizationId };
    const after = keysetCondition('created_at', 'id', 'ASC', decodeCursor(scope, page.cursor), 3);
    const rows: { id: string; sort_us: string }[] = await currentTenantManager().query(
      `SELECT id, ${sortKeySql('created_at')}::text AS sort_us
         FROM objects WHERE organization_id = $1 AND status <> 'deleted' ${after.sql}
        ORDER BY created_at, id LIMIT $2`,
      [organizationId, page.limit + 1, ...after.params],
    );
    const { rows: pageRows, nextCursor } = toPage(rows, page.limit, scope, (row) => ({
      sortUs: row.sort_us,
      id: row.id,
    }));
    const byId = new Map(
      (await this.repository.findBy({ id: In(pageRows.map((row) => row.id)) })).map((row) => [row.id, row]),
    );
    return { rows: pageRows.flatMap((row) => byId.get(row.id) ?? []), nextCursor };
  }
}
