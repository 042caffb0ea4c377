import { randomUUID } from 'node:crypto';
import { decodeRecordingCursor, encodeRecordingCursor } from './recording-cursor';
import { likePattern, recordingPageQuery } from './recording-list.query';

describe('recordings list: cursor and query', () => {
  const org = randomUUID();

  it('round-trips a cursor for its organization and sort only', () => {
    const position = { value: '1767225600000000', id: randomUUID() };
    const cursor = encodeRecordingCursor(org, '-createdAt', position);
    expect(decodeRecordingCursor(org, '-createdAt', cursor)).toEqual(position);
    expect(() => decodeRecordingCursor(randomUUID(), '-createdAt', cursor)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => decodeRecordingCursor(org, 'createdAt', cursor)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => decodeRecordingCursor(org, 'createdAt', 'garbage')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(decodeRecordingCursor(org, 'title', undefined)).toBeUndefined();
  });

  it('escapes LIKE wildcards so they match themselves', () => {
    expect(likePattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });

  it('binds every value and compares after the cursor in the sort direction', () => {
    const id = randomUUID();
    const { sql, params } = recordingPageQuery(
      org,
      { status: 'READY', tags: ['a'], q: 'x', createdFrom: '2026-01-01T00:00:00Z' },
      '-sizeBytes',
      { value: '300', id },
      20,
    );
    expect(sql).toContain('(COALESCE(size_bytes, -1), id) < ($6::bigint, $7::uuid)');
    expect(sql).toMatch(/ORDER BY COALESCE\(size_bytes, -1\) DESC, id DESC LIMIT \$8$/);
    expect(params).toEqual([org, 'READY', ['a'], '%x%', '2026-01-01T00:00:00Z', '300', id, 21]);
  });

  it('refuses a cursor value that is not of the sort’s type (400, not a database error)', () => {
    expect(() =>
      recordingPageQuery(org, {}, 'sizeBytes', { value: "1'; drop", id: randomUUID() }, 10),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
