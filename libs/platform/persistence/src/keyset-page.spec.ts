import { decodeCursor, encodeCursor, keysetCondition, toPage } from './keyset-page';

describe('keyset page cursors', () => {
  const scope = { list: 'api-keys', owner: 'org-a' };
  const position = { sortUs: '1795940613123456', id: '6f1c7f0e-8d7e-4a53-9a57-1f2b0c9d1e11' };

  it('round-trips a position of the same list and tenant', () => {
    expect(decodeCursor(scope, encodeCursor(scope, position))).toEqual(position);
    expect(decodeCursor(scope, undefined)).toBeUndefined();
  });

  it.each([
    ['another tenant’s cursor', encodeCursor({ list: 'api-keys', owner: 'org-b' }, position)],
    ['another list’s cursor', encodeCursor({ list: 'members', owner: 'org-a' }, position)],
    ['not base64 JSON', 'bm90IGpzb24'],
    ['JSON of another shape', Buffer.from('{"x":1}').toString('base64url')],
    [
      'a non-numeric sort key',
      Buffer.from(JSON.stringify({ l: 'api-keys', o: 'org-a', t: '1 OR 1=1', i: position.id })).toString(
        'base64url',
      ),
    ],
    [
      'extra fields',
      Buffer.from(JSON.stringify({ l: 'api-keys', o: 'org-a', t: '1', i: position.id, x: 1 })).toString(
        'base64url',
      ),
    ],
  ])('refuses %s with VALIDATION_FAILED on `cursor`', (_, cursor) => {
    expect(() => decodeCursor(scope, cursor)).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        issues: [expect.objectContaining({ path: 'cursor' })],
      }),
    );
  });

  it('compares strictly after the position in the sort direction, with bound parameters', () => {
    expect(keysetCondition('created_at', 'id', 'DESC', position, 3)).toEqual({
      sql: 'AND ((extract(epoch from created_at) * 1000000)::bigint, id) < ($3::bigint, $4::uuid)',
      params: [position.sortUs, position.id],
    });
    expect(keysetCondition('m.created_at', 'm.user_id', 'ASC', undefined, 3)).toEqual({
      sql: '',
      params: [],
    });
  });

  it('gives a next cursor only when a row beyond the page exists', () => {
    const rows = [1, 2, 3].map((n) => ({ n }));
    const positionOf = (row: { n: number }) => ({ sortUs: String(row.n), id: position.id });
    const full = toPage(rows, 2, scope, positionOf);
    expect(full.rows).toEqual([{ n: 1 }, { n: 2 }]);
    expect(decodeCursor(scope, full.nextCursor!)).toEqual({ sortUs: '2', id: position.id });
    expect(toPage(rows, 3, scope, positionOf).nextCursor).toBeNull();
  });
});
