import { z } from 'zod';
import type { RecordingSort } from '@platform/contracts';
import { ValidationError } from '@platform/errors';

/**
 * The cursor of the recordings list: base64url JSON of the list, the tenant, the sort it was issued
 * for and the last row's sort value and id. As with the other lists (libs/platform/persistence
 * keyset-page.ts) it is not secret; one issued for another organization, another list or another
 * sort is refused with 400, so a forged cursor is at worst a position in the caller's own rows.
 */
export interface RecordingPosition {
  /** The sort key as PostgreSQL printed it (`::text`): exact for bigint, text and float8. */
  value: string;
  id: string;
}

const payload = z
  .object({
    l: z.literal('recordings'),
    o: z.string(),
    s: z.string(),
    v: z.string().max(800),
    i: z.string().uuid(),
  })
  .strict();

const INVALID = 'is not a cursor of this list and sort; start again without it';

export function encodeRecordingCursor(
  owner: string,
  sort: RecordingSort,
  position: RecordingPosition,
): string {
  const body = { l: 'recordings', o: owner, s: sort, v: position.value, i: position.id };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function decodeRecordingCursor(
  owner: string,
  sort: RecordingSort,
  cursor: string | undefined,
): RecordingPosition | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = payload.safeParse(parsed);
  if (!result.success || result.data.o !== owner || result.data.s !== sort) {
    throw new ValidationError([{ path: 'cursor', code: 'invalid_cursor', message: INVALID }]);
  }
  return { value: result.data.v, id: result.data.i };
}
