import type { RecordingSort, RecordingStatus } from '@platform/contracts';
import { ValidationError } from '@platform/errors';
import type { RecordingPosition } from './recording-cursor';

export interface RecordingListFilter {
  status?: RecordingStatus;
  tags?: string[];
  q?: string;
  createdFrom?: string;
  createdTo?: string;
}

/**
 * Each sort key as SQL, with the type its cursor value is cast back to. Nullable columns sort as -1
 * (never a real size or duration), so the keyset comparison never meets a NULL.
 */
const SORT_KEYS: Record<string, { sql: string; cast: string }> = {
  createdAt: { sql: '(extract(epoch from created_at) * 1000000)::bigint', cast: 'bigint' },
  title: { sql: 'title COLLATE "C"', cast: 'text' },
  durationSeconds: { sql: 'COALESCE(duration_seconds, -1)', cast: 'double precision' },
  sizeBytes: { sql: 'COALESCE(size_bytes, -1)', cast: 'bigint' },
};

/** LIKE wildcards in the user's text match themselves, not "anything". */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * The page query: the tenant's live recordings matching `filter`, strictly after `after` in `sort`,
 * `limit + 1` rows (one more tells whether a next page exists). Values are bound, never spliced.
 */
export function recordingPageQuery(
  organizationId: string,
  filter: RecordingListFilter,
  sort: RecordingSort,
  after: RecordingPosition | undefined,
  limit: number,
): { sql: string; params: unknown[] } {
  const descending = sort.startsWith('-');
  const key = SORT_KEYS[descending ? sort.slice(1) : sort];
  const params: unknown[] = [organizationId];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ['organization_id = $1', 'deleted_at IS NULL'];
  if (filter.status) where.push(`status = ${bind(filter.status)}`);
  if (filter.tags?.length) where.push(`tags @> ${bind(filter.tags)}::text[]`);
  if (filter.q) where.push(`title ILIKE ${bind(likePattern(filter.q))}`);
  if (filter.createdFrom) where.push(`created_at >= ${bind(filter.createdFrom)}::timestamptz`);
  if (filter.createdTo) where.push(`created_at <= ${bind(filter.createdTo)}::timestamptz`);
  if (after) {
    const comparison = descending ? '<' : '>';
    const value = checkedValue(after.value, key.cast);
    where.push(`(${key.sql}, id) ${comparison} (${bind(value)}::${key.cast}, ${bind(after.id)}::uuid)`);
  }
  const direction = descending ? 'DESC' : 'ASC';
  const sql = `SELECT ${RECORDING_COLUMNS}, (${key.sql})::text AS sort_value
    FROM recordings WHERE ${where.join(' AND ')}
    ORDER BY ${key.sql} ${direction}, id ${direction} LIMIT ${bind(limit + 1)}`;
  return { sql, params };
}

/** A cursor's value must parse as its sort's type, or the cast would be a 500 instead of a 400. */
function checkedValue(value: string, cast: string): string {
  const numeric = cast === 'bigint' ? /^-?\d{1,19}$/ : /^-?(\d+(\.\d+)?(e[+-]?\d+)?|Infinity)$/i;
  if (cast !== 'text' && !numeric.test(value)) {
    throw new ValidationError([
      { path: 'cursor', code: 'invalid_cursor', message: 'is not a cursor of this list' },
    ]);
  }
  return value;
}

/** Every column but the (large) analysis, named as the entity's properties. */
export const RECORDING_COLUMNS = `id, organization_id AS "organizationId", owner_user_id AS "ownerUserId", title,
  tags, metadata, status, progress, size_bytes AS "sizeBytes", duration_seconds AS "durationSeconds",
  content_type AS "contentType", object_id AS "objectId", failure_reason AS "failureReason",
  created_at AS "createdAt", updated_at AS "updatedAt", deleted_at AS "deletedAt"`;
