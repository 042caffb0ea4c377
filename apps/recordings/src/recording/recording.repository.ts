import { Injectable } from '@nestjs/common';
import type { RecordingSort } from '@platform/contracts';
import { currentTenantManager } from '@platform/tenancy';
import { decodeRecordingCursor, encodeRecordingCursor } from './recording-cursor';
import { RECORDING_COLUMNS, recordingPageQuery, type RecordingListFilter } from './recording-list.query';
import { RecordingEntity } from './recording.entity';

export interface NewRecording {
  organizationId: string;
  ownerUserId: string | null;
  title: string;
  tags: string[];
  metadata: Record<string, string | number | boolean | null>;
}

export interface RecordingChanges {
  title?: string;
  tags?: string[];
  metadata?: Record<string, string | number | boolean | null>;
}

type Row = RecordingEntity & { sort_value?: string };

/**
 * recordings in the database. Every query runs in the handler's tenant transaction
 * (`currentTenantManager()`), so row-level security already limits it to the caller's organization;
 * the organization is still named where it serves an index or a cursor. Deleted rows are invisible.
 */
@Injectable()
export class RecordingRepository {
  async insert(recording: NewRecording): Promise<RecordingEntity> {
    const repository = currentTenantManager().getRepository(RecordingEntity);
    return repository.save(repository.create(recording));
  }

  /** null when absent, deleted or another organization's (the policy hides those rows). */
  async findLive(id: string, withAnalysis = false): Promise<RecordingEntity | null> {
    const rows: Row[] = await currentTenantManager().query(
      `SELECT ${RECORDING_COLUMNS}${withAnalysis ? ', analysis' : ''}
       FROM recordings WHERE id = $1 AND deleted_at IS NULL`,
      [id],
    );
    return rows[0] ? Object.assign(new RecordingEntity(), rows[0]) : null;
  }

  async update(id: string, changes: RecordingChanges): Promise<RecordingEntity | null> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown, cast = '') => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if (changes.title !== undefined) set('title', changes.title);
    if (changes.tags !== undefined) set('tags', changes.tags, '::text[]');
    if (changes.metadata !== undefined) set('metadata', JSON.stringify(changes.metadata), '::jsonb');
    const rows: [Row[], number] = await currentTenantManager().query(
      `UPDATE recordings SET ${sets.join(', ')}, updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL RETURNING ${RECORDING_COLUMNS}`,
      params,
    );
    const row = rows[0][0];
    return row ? Object.assign(new RecordingEntity(), row) : null;
  }

  /** true when a live recording was deleted now. */
  async softDelete(id: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await currentTenantManager().query(
      `UPDATE recordings SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL`,
      [id],
    );
    return affected > 0;
  }

  /**
   * Live recordings of the organization, counted after taking the organization's creation lock
   * (a transaction-scoped advisory lock): concurrent creations count one after another, so a plan
   * limit cannot be overshot by a burst.
   */
  async countLiveLocked(organizationId: string): Promise<number> {
    const manager = currentTenantManager();
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `recordings.create:${organizationId}`,
    ]);
    const [row] = (await manager.query(
      `SELECT count(*)::int AS usage FROM recordings WHERE organization_id = $1 AND deleted_at IS NULL`,
      [organizationId],
    )) as { usage: number }[];
    return row?.usage ?? 0;
  }

  async listPage(
    organizationId: string,
    filter: RecordingListFilter,
    sort: RecordingSort,
    page: { limit: number; cursor?: string },
  ): Promise<{ rows: RecordingEntity[]; nextCursor: string | null }> {
    const after = decodeRecordingCursor(organizationId, sort, page.cursor);
    const { sql, params } = recordingPageQuery(organizationId, filter, sort, after, page.limit);
    const rows: Row[] = await currentTenantManager().query(sql, params);
    const pageRows = rows.slice(0, page.limit);
    const last = pageRows[pageRows.length - 1];
    const nextCursor =
      rows.length > page.limit && last
        ? encodeRecordingCursor(organizationId, sort, { value: last.sort_value!, id: last.id })
        : null;
    return {
      rows: pageRows.map(({ sort_value: _sortValue, ...row }) => Object.assign(new RecordingEntity(), row)),
      nextCursor,
    };
  }
}
