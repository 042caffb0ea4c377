import { createHash } from 'node:crypto';
import type { Principal } from '@platform/contracts';
import { DomainError } from '@platform/errors';
import { IDEMPOTENCY_TTL_MS, idempotencyScopeOf } from './idempotency-scope';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError } from './idempotency.errors';
import { requestHash } from './request-hash';

// Pure rules of the idempotency lib, pinned by hand (the mutation gate runs this spec). The ledger
// itself (advisory locks, replays, expiry) is proven on real PostgreSQL in test/idempotent-commands.spec.ts.

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('requestHash: "the same request" is the same command with the same data', () => {
  it('is the SHA-256 of canonical JSON, keys sorted at every level', () => {
    expect(requestHash('orgs.create', { b: 1, a: { d: [1, 'x'], c: null } })).toBe(
      sha256('{"command":"orgs.create","request":{"a":{"c":null,"d":[1,"x"]},"b":1}}'),
    );
  });
  it('ignores key order and undefined fields, not null ones', () => {
    expect(requestHash('c', { a: 1, b: 2 })).toBe(requestHash('c', { b: 2, a: 1 }));
    expect(requestHash('c', { a: 1, b: undefined })).toBe(requestHash('c', { a: 1 }));
    expect(requestHash('c', { a: 1, b: null })).not.toBe(requestHash('c', { a: 1 }));
  });
  it('writes undefined array items as null, as JSON does', () => {
    expect(requestHash('c', [undefined, 1])).toBe(sha256('{"command":"c","request":[null,1]}'));
  });
  it('keeps dates, strings and numbers apart', () => {
    const date = new Date('2026-03-01T10:00:00.000Z');
    expect(requestHash('c', { at: date })).toBe(
      sha256('{"command":"c","request":{"at":"2026-03-01T10:00:00.000Z"}}'),
    );
    expect(requestHash('c', { n: 1 })).not.toBe(requestHash('c', { n: '1' }));
  });
  it('hashes an absent request as null', () => {
    expect(requestHash('c', undefined)).toBe(sha256('{"command":"c"}'));
    expect(requestHash('c', null)).toBe(sha256('{"command":"c","request":null}'));
  });
  it('differs for another command with the same data', () => {
    expect(requestHash('a.b.c', { x: 1 })).not.toBe(requestHash('a.b.d', { x: 1 }));
  });
  it('sorts keys by code unit, so a key that prefixes another comes first', () => {
    expect(requestHash('c', { ab: 1, a: 2, B: 3 })).toBe(
      sha256('{"command":"c","request":{"B":3,"a":2,"ab":1}}'),
    );
  });
});

describe('idempotencyScopeOf: whose key it is', () => {
  const ORG = '0a000000-0000-4000-8000-00000000000a';
  const base: Principal = {
    kind: 'user',
    userId: 'alice',
    organizationId: ORG,
    roles: ['owner'],
    scopes: [],
    apiKeyId: null,
  };

  it('a user: the organization and the user', () => {
    expect(idempotencyScopeOf(base)).toEqual({ organizationId: ORG, principalKey: 'alice' });
  });
  it('an API key: the organization and the key', () => {
    expect(idempotencyScopeOf({ ...base, kind: 'api-key', userId: null, apiKeyId: 'key-1' })).toEqual({
      organizationId: ORG,
      principalKey: 'key-1',
    });
  });
  it('an organization code: the organization and the kind', () => {
    expect(idempotencyScopeOf({ ...base, kind: 'organization-code', userId: null, apiKeyId: null })).toEqual({
      organizationId: ORG,
      principalKey: 'organization-code',
    });
  });
  it.each([null, undefined, { ...base, organizationId: null }, { ...base, organizationId: '' }])(
    'refuses a caller outside an organization (%j) with 400',
    (principal) => {
      let error: unknown;
      try {
        idempotencyScopeOf(principal as Principal);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('BAD_REQUEST');
    },
  );
});

describe('the ledger constants and errors', () => {
  it('keeps a key 24 hours', () => {
    expect(IDEMPOTENCY_TTL_MS).toBe(86_400_000);
  });
  it('names its two refusals with stable codes', () => {
    expect(new IdempotencyKeyReusedError().code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(new IdempotencyKeyInFlightError().code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
  });
});
