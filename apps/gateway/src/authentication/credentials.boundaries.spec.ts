import { UnauthenticatedError } from '@platform/errors';
import { readCredential } from './credentials';

const USER_ID = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

/** The edges of credential parsing; values written out, not computed from the parser's constants. */
describe('readCredential, at its edges', () => {
  const refusal = (headers: Record<string, string | string[]>): string => {
    try {
      readCredential(headers);
    } catch (error) {
      expect(error).toBeInstanceOf(UnauthenticatedError);
      return (error as Error).message;
    }
    throw new Error(`accepted ${JSON.stringify(headers)}`);
  };

  it('reads an organization code without x-user-id as the code alone, with no userId key', () => {
    expect(readCredential({ 'x-organization-code': 'ABC123XYZ9' })).toStrictEqual({
      kind: 'organization-code',
      code: 'ABC123XYZ9',
    });
  });

  it('accepts an upper-case UUID in x-user-id', () => {
    const upper = USER_ID.toUpperCase();
    expect(readCredential({ 'x-organization-code': 'C', 'x-user-id': upper })).toStrictEqual({
      kind: 'organization-code',
      code: 'C',
      userId: upper,
    });
  });

  it.each([
    `x${USER_ID}`,
    `${USER_ID}x`,
    `${USER_ID},${USER_ID}`,
    `{${USER_ID}}`,
    USER_ID.replace(/-/g, ''),
    USER_ID.slice(0, -1),
    `${USER_ID}0`,
    USER_ID.replace('3f1c2d4e', '3f1c2d4g'),
    '3f1c2d4-e5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    '3f1c2d4e-5a6b4-c7d-8e9f-0a1b2c3d4e5f',
    '3f1c2d4e-5a6b-4c7d8-e9f-0a1b2c3d4e5f',
    '3f1c2d4e-5a6b-4c7d-8e9f0-a1b2c3d4e5f',
  ])('refuses x-user-id %j (junk around or inside the UUID)', (userId) => {
    expect(refusal({ 'x-organization-code': 'ABC', 'x-user-id': userId })).toBe('x-user-id must be a UUID');
  });

  it.each(['Token Bearer x', 'xBearer x', 'Bearer', 'Bearer ', 'Bearerx', 'Bearer x y', 'Basic x'])(
    'refuses the Authorization header %j',
    (authorization) => {
      expect(refusal({ authorization })).toBe('The Authorization header must be "Bearer <access token>"');
    },
  );

  it('takes the whole token after "Bearer" and any run of spaces', () => {
    expect(readCredential({ authorization: 'BEARER tok' })).toEqual({ kind: 'bearer', token: 'tok' });
    expect(readCredential({ authorization: 'Bearer \t abc.def' })).toEqual({
      kind: 'bearer',
      token: 'abc.def',
    });
  });

  it('accepts a credential of exactly 8,192 characters and refuses 8,193', () => {
    expect(readCredential({ 'x-api-key': 'k'.repeat(8192) })).toEqual({
      kind: 'api-key',
      key: 'k'.repeat(8192),
    });
    expect(refusal({ 'x-api-key': 'k'.repeat(8193) })).toBe('The credential is too long');
    // The whole header counts, scheme included: "Bearer " + 8,185 = 8,192.
    expect(readCredential({ authorization: `Bearer ${'t'.repeat(8185)}` })).toEqual({
      kind: 'bearer',
      token: 't'.repeat(8185),
    });
    expect(refusal({ authorization: `Bearer ${'t'.repeat(8186)}` })).toBe('The credential is too long');
    expect(refusal({ 'x-organization-code': 'c'.repeat(8193) })).toBe('The credential is too long');
  });

  it('counts a header of only whitespace as absent', () => {
    expect(readCredential({ authorization: '   ', 'x-api-key': 'pk_1' })).toEqual({
      kind: 'api-key',
      key: 'pk_1',
    });
    expect(readCredential({ 'x-organization-code': 'ABC', 'x-user-id': '  ' })).toStrictEqual({
      kind: 'organization-code',
      code: 'ABC',
    });
    expect(refusal({ 'x-api-key': ' ' })).toBe(
      'Send a bearer token (Authorization), an API key (x-api-key) or an organization code (x-organization-code)',
    );
  });

  it('reads the first of a repeated header', () => {
    expect(readCredential({ 'x-api-key': ['pk_first', 'pk_second'] })).toEqual({
      kind: 'api-key',
      key: 'pk_first',
    });
  });

  it('refuses any two credentials together', () => {
    expect(refusal({ 'x-api-key': 'k', 'x-organization-code': 'C' })).toBe('Send exactly one credential');
    expect(refusal({ authorization: 'Bearer t', 'x-organization-code': 'C' })).toBe(
      'Send exactly one credential',
    );
  });

  it('does not let x-user-id alone count as a credential', () => {
    expect(refusal({ 'x-user-id': USER_ID })).toMatch(/^Send a bearer token/);
  });
});
