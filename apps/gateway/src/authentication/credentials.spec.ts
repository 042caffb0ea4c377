import { UnauthenticatedError } from '@platform/errors';
import { readCredential } from './credentials';

const UUID_1 = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const UUID_2 = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';

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

  it('accepts a credential of exactly 8192 characters, and surrounding spaces around x-user-id', () => {
    const token = 't'.repeat(8192 - 'Bearer '.length);
    expect(readCredential({ authorization: `Bearer ${token}` })).toEqual({ kind: 'bearer', token });
    expect(readCredential({ 'x-api-key': 'k'.repeat(8192) })).toEqual({
      kind: 'api-key',
      key: 'k'.repeat(8192),
    });
    expect(readCredential({ 'x-organization-code': 'ABC', 'x-user-id': ` ${UUID_1} ` })).toEqual({
      kind: 'organization-code',
      code: 'ABC',
      userId: UUID_1,
    });
  });

  it.each([
    [{}, /Send a bearer token/],
    [{ authorization: 'Bearer x', 'x-api-key': 'k' }, /exactly one/],
    [{ authorization: 'Basic dTpw' }, /Bearer <access token>/],
    [{ authorization: 'Bearer a b' }, /Bearer <access token>/],
    [{ 'x-organization-code': 'ABC', 'x-user-id': 'robert' }, /UUID/],
    [{ 'x-api-key': 'k'.repeat(9000) }, /too long/],
    // Issue 6: the edges of the headers an attacker controls.
    [{ 'x-organization-code': 'ABC', 'x-user-id': `x${UUID_1}` }, /UUID/],
    [{ 'x-organization-code': 'ABC', 'x-user-id': `${UUID_1}x` }, /UUID/],
    [{ 'x-organization-code': 'ABC', 'x-user-id': `${UUID_1}, ${UUID_2}` }, /UUID/],
    [{ 'x-organization-code': 'ABC', 'x-user-id': `${UUID_1};${UUID_2}` }, /UUID/],
    [{ 'x-organization-code': 'ABC', 'x-user-id': UUID_1.replace(/-/g, '') }, /UUID/],
    [{ authorization: 'Token Bearer x' }, /Bearer <access token>/],
    [{ authorization: 'Bearer' }, /Bearer <access token>/],
    [{ authorization: 'Bearerx.y.z' }, /Bearer <access token>/],
    [{ authorization: `Bearer ${'t'.repeat(8192 - 'Bearer '.length + 1)}` }, /too long/],
    [{ 'x-organization-code': 'c'.repeat(8193) }, /too long/],
    [
      { authorization: 'Bearer a.b.c', 'x-user-id': UUID_1 },
      /only accepted together with x-organization-code/,
    ],
    [{ 'x-api-key': 'pk_1', 'x-user-id': UUID_1 }, /only accepted together with x-organization-code/],
    [{ 'x-user-id': UUID_1 }, /Send a bearer token/],
    [{ 'x-organization-code': 'ABC', 'x-api-key': 'k' }, /exactly one/],
  ])('refuses %j', (headers, message) => {
    expect(() => readCredential(headers)).toThrow(UnauthenticatedError);
    expect(() => readCredential(headers)).toThrow(message);
  });
});
