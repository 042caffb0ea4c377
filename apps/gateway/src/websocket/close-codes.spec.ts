import { clientCodeForUpstreamClose, closeReason, upstreamCodeForClientClose } from './close-codes';

describe('close codes across the relay', () => {
  it.each([
    [1000, 'done', { code: 1000, reason: 'done' }],
    [1001, 'tab closed', { code: 1001, reason: 'tab closed' }],
    [1003, 'unsupported', { code: 1003, reason: 'unsupported' }],
    [1007, 'bad data', { code: 1007, reason: 'bad data' }],
    [1014, 'bad gateway', { code: 1014, reason: 'bad gateway' }],
    [2999, '', { code: 1001, reason: 'client gone' }],
    [4001, 'bye', { code: 4001, reason: 'bye' }],
    [3000, '', { code: 3000, reason: '' }],
    [4999, 'x', { code: 4999, reason: 'x' }],
    [1005, '', { code: 1000, reason: 'client closed' }],
    [1006, '', { code: 1001, reason: 'client gone' }],
    [1004, 'reserved', { code: 1001, reason: 'client gone' }],
    [1015, 'tls', { code: 1001, reason: 'client gone' }],
    [2999, 'unassigned', { code: 1001, reason: 'client gone' }],
    [5000, 'out of range', { code: 1001, reason: 'client gone' }],
  ])('client closed with %i → the service hears %j', (code, reason, expected) => {
    expect(upstreamCodeForClientClose(code, reason)).toEqual(expected);
  });

  it.each([
    [1000, 'bye', { code: 1000, reason: 'bye' }],
    [1011, 'crash', { code: 1011, reason: 'crash' }],
    [1012, 'restart', { code: 1012, reason: 'restart' }],
    [4002, 'call ended', { code: 4002, reason: 'call ended' }],
    [1005, '', { code: 1000, reason: 'service closed' }],
    [1006, '', { code: 1014, reason: 'service connection lost' }],
    [1004, '', { code: 1011, reason: 'service closed abnormally' }],
    [999, '', { code: 1011, reason: 'service closed abnormally' }],
  ])('service closed with %i → the client hears %j', (code, reason, expected) => {
    expect(clientCodeForUpstreamClose(code, reason)).toEqual(expected);
  });

  it('keeps a reason of up to 123 bytes and drops a longer one (a close frame cannot carry it)', () => {
    expect(closeReason(Buffer.from('a'.repeat(123)))).toBe('a'.repeat(123));
    expect(closeReason('a'.repeat(124))).toBe('');
    // 62 two-byte characters = 124 bytes.
    expect(closeReason('é'.repeat(62))).toBe('');
    expect(closeReason('é'.repeat(61))).toBe('é'.repeat(61));
  });
});
