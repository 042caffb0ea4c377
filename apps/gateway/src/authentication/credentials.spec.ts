import { UnauthenticatedError } from '@platform/errors';
import { readCredential } from './credentials';

describe('readCredential', () => {
  it('reads a bearer token, an API key or an organization code with an optional user', () => {
    const userId = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
    expect(readCredential({ authorization: 'Bearer a.b.c' })).toEqual({ kind: 'bearer', token: 'a.b.c' });
    expect(readCredential({ authorization: 'bearer   a.b.c' })).toEqual({ kind: 'bearer', token: 'a.b.c' });
    expect(readCredential({ 'x-api-key': ' pk_1 ' })).toEqual({ kind: 'api-key', key: 'pk_1' });
    expect(readCredential({ 'x-organization-code': 'ABC123XYZ9', 'x-user-id': userId })).toEqual({
      kind: 'organization-code',
      code: 'ABC123XYZ9',
      userId,
    });
  });

  it.each([
    [{}, /Send a bearer token/],
    [{ authorization: 'Bearer x', 'x-api-key': 'k' }, /exactly one/],
    [{ authorization: 'Basic dTpw' }, /Bearer <access token>/],
    [{ authorization: 'Bearer a b' }, /Bearer <access token>/],
    [{ 'x-organization-code': 'ABC', 'x-user-id': 'robert' }, /UUID/],
    [{ 'x-api-key': 'k'.repeat(9000) }, /too long/],
  ])('refuses %j', (headers, message) => {
    expect(() => readCredential(headers)).toThrow(UnauthenticatedError);
    expect(() => readCredential(headers)).toThrow(message);
  });
});
