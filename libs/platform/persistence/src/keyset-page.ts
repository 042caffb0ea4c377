import { z } from 'zod';
import { ValidationError } from '@platform/errors';

/**
 * Keyset (cursor) pagination of the public lists (every service's). A page ends at the sort key of its last row,
 * `(created_at, id)`; the next page starts strictly after it, so rows added or removed meanwhile never
 * shift a page (no duplicates, no gaps). created_at travels in whole microseconds since the epoch,
 * PostgreSQL's own precision, which a JS Date (milliseconds) would lose.
 *
 * The cursor is base64url JSON naming its list and the tenant it lists. It is not secret (it only
 * holds a position in the caller's own list), but one issued for another organization's or another
 * list is refused with 400, as is anything that does not decode, so a forged cursor is at worst a
 * position in the caller's own rows.
 */
export interface KeysetPosition {
  /** created_at in microseconds since the epoch, as decimal text (beyond Number's exact range). */
  sortUs: string;
  id: string;
}

/** The list a cursor belongs to, e.g. `{ list: 'api-keys', owner: organizationId }`. */
export interface ListScope {
  list: string;
  owner: string;
}

export type SortDirection = 'ASC' | 'DESC';

const cursorPayload = z
  .object({
    l: z.string(),
    o: z.string(),
    t: z.string().regex(/^\d{1,18}$/),
    i: z.string().uuid(),
  })
  .strict();

const INVALID_CURSOR = 'is not a cursor of this list; start again without it';

export function encodeCursor(scope: ListScope, position: KeysetPosition): string {
  const payload = { l: scope.list, o: scope.owner, t: position.sortUs, i: position.id };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** The position a cursor points at, or a 400 naming `cursor` when it is not one of this list's. */
export function decodeCursor(scope: ListScope, cursor: string | undefined): KeysetPosition | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = cursorPayload.safeParse(parsed);
  if (!result.success || result.data.l !== scope.list || result.data.o !== scope.owner) {
    throw new ValidationError([{ path: 'cursor', code: 'invalid_cursor', message: INVALID_CURSOR }]);
  }
  return { sortUs: result.data.t, id: result.data.i };
}

/** SQL for a timestamptz column in whole microseconds since the epoch (exact: extract is numeric). */
export function sortKeySql(column: string): string {
  return `(extract(epoch from ${column}) * 1000000)::bigint`;
}

/**
 * The keyset condition "after this position" in `direction`, for `(timestampColumn, idColumn)`, with
 * its two values bound as `$first`, `$first+1`. Empty when there is no cursor.
 */
export function keysetCondition(
  timestampColumn: string,
  idColumn: string,
  direction: SortDirection,
  after: KeysetPosition | undefined,
  firstParam: number,
): { sql: string; params: unknown[] } {
  if (!after) return { sql: '', params: [] };
  const comparison = direction === 'ASC' ? '>' : '<';
  return {
    sql: `AND (${sortKeySql(timestampColumn)}, ${idColumn}) ${comparison} ($${firstParam}::bigint, $${firstParam + 1}::uuid)`,
    params: [after.sortUs, after.id],
  };
}

/**
 * Trims rows fetched with `limit + 1` to one page and builds the next cursor from its last row
 * (`positionOf` reads the row's sort key, as selected with sortKeySql).
 */
export function toPage<Row>(
  rows: Row[],
  limit: number,
  scope: ListScope,
  positionOf: (row: Row) => KeysetPosition,
): { rows: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(scope, positionOf(last)) : null;
  return { rows: page, nextCursor };
}
