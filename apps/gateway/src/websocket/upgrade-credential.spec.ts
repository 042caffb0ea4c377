import { UnauthenticatedError } from '@platform/errors';
import { offeredProtocols, queryWithoutTicket, readUpgradeCredential } from './upgrade-credential';

const query = (text = '') => new URLSearchParams(text);

describe('the credential of an upgrade', () => {
  it('reads the token after "bearer" and keeps only the other protocols for the service', () => {
    const result = readUpgradeCredential(
      { 'sec-websocket-protocol': 'voice.v1, bearer, eyJ.a.b, chat' },
      query(),
    );

    expect(result).toEqual({
      credential: { kind: 'subprotocol-bearer', token: 'eyJ.a.b' },
      protocols: { bearer: true, application: ['voice.v1', 'chat'] },
    });
  });

  it('passes every offered protocol on when there is no bearer pair', () => {
    expect(
      readUpgradeCredential({ 'sec-websocket-protocol': 'voice.v1, chat', 'x-api-key': 'k' }, query()),
    ).toEqual({
      credential: { kind: 'headers' },
      protocols: { bearer: false, application: ['voice.v1', 'chat'] },
    });
  });

  it('reads the pair when "bearer" comes first', () => {
    expect(readUpgradeCredential({ 'sec-websocket-protocol': 'bearer, tok, chat' }, query())).toEqual({
      credential: { kind: 'subprotocol-bearer', token: 'tok' },
      protocols: { bearer: true, application: ['chat'] },
    });
  });

  it('reads a ticket from the query, and credential headers otherwise', () => {
    expect(readUpgradeCredential({}, query('ticket=abc&x=1')).credential).toEqual({
      kind: 'ticket',
      ticket: 'abc',
    });
    expect(readUpgradeCredential({ 'x-api-key': 'pk' }, query()).credential).toEqual({ kind: 'headers' });
    expect(readUpgradeCredential({ authorization: 'Bearer t' }, query()).protocols).toEqual({
      bearer: false,
      application: [],
    });
  });

  it.each([
    ['nothing at all', {}, '', /Send a ticket/],
    ['"bearer" alone', { 'sec-websocket-protocol': 'bearer' }, '', /followed by the access token/],
    [
      '"bearer" as the last protocol',
      { 'sec-websocket-protocol': 'voice.v1, bearer' },
      '',
      /followed by the access token/,
    ],
    [
      'a ticket and a subprotocol token',
      { 'sec-websocket-protocol': 'bearer, t' },
      'ticket=x',
      /exactly one/,
    ],
    ['a ticket and a header', { authorization: 'Bearer t' }, 'ticket=x', /exactly one/],
    [
      'a subprotocol token and a header',
      { 'sec-websocket-protocol': 'bearer, t', 'x-api-key': 'k' },
      '',
      /exactly one/,
    ],
    ['two tickets', {}, 'ticket=x&ticket=y', /exactly one/],
  ])('refuses %s (401)', (_name, headers, search, message) => {
    const read = () => readUpgradeCredential(headers, query(search));
    expect(read).toThrow(UnauthenticatedError);
    expect(read).toThrow(message);
  });

  it('splits repeated and comma-separated protocol headers, dropping empty entries', () => {
    expect(offeredProtocols({ 'sec-websocket-protocol': ['a, b', ' c ,'] as unknown as string })).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(offeredProtocols({})).toEqual([]);
  });

  it('removes every ticket from the query the service sees, and keeps the rest', () => {
    expect(queryWithoutTicket(query('ticket=a&lang=es&ticket=b'))).toBe('?lang=es');
    expect(queryWithoutTicket(query('ticket=a'))).toBe('');
  });
});
