import { SYSTEM_PRINCIPAL, denylistKeys } from '@platform/contracts';
import { startSmtpSink, waitFor, type SmtpSink } from '@platform/testing';
import { AuthTestApp, rejectionOf } from './support/auth-test-app';
import { addMember } from './support/team';

describe('auth API keys', () => {
  let auth: AuthTestApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    auth = await AuthTestApp.start({ SMTP_URL: smtp.url });
  }, 60_000);
  afterAll(async () => {
    await auth?.stop();
    await smtp?.close();
  });

  it('creates a key whose secret is shown once and resolves to a developer principal of the organization', async () => {
    const owner = await auth.register();
    const created = await auth.call(
      'auth.api-key.create',
      { name: 'CI', scopes: ['recordings:read', 'recordings:write'] },
      owner.principal,
    );
    expect(created.secret).toMatch(/^pk_[0-9a-z]{8}_[0-9A-Za-z]{40}$/);
    expect(created.apiKey).toMatchObject({
      name: 'CI',
      prefix: created.secret.slice(3, 11),
      scopes: ['recordings:read', 'recordings:write'],
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    });
    const stored: { key_hash: string }[] = await auth.dataSource.query(
      `SELECT key_hash FROM api_keys WHERE id = $1`,
      [created.apiKey.id],
    );
    expect(stored[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await auth.call('auth.api-key.list', {}, owner.principal))).not.toContain(
      created.secret,
    );

    const { principal } = await auth.call('auth.api-key.verify', { key: created.secret });
    expect(principal).toEqual({
      kind: 'api-key',
      userId: null,
      organizationId: owner.organizationId,
      roles: ['developer'],
      scopes: ['recordings:read', 'recordings:write'],
      apiKeyId: created.apiKey.id,
      plan: 'FREE',
    });
    await waitFor('lastUsedAt recorded', async () => {
      const { items } = await auth.call('auth.api-key.list', {}, owner.principal);
      return items[0]!.lastUsedAt !== null;
    });
  });

  it('revoked, expired, malformed and unknown keys are UNAUTHENTICATED with one message', async () => {
    const owner = await auth.register();
    const revoked = await auth.call('auth.api-key.create', { name: 'old' }, owner.principal);
    await expect(
      auth.call('auth.api-key.revoke', { apiKeyId: revoked.apiKey.id }, owner.principal),
    ).resolves.toEqual({
      revoked: true,
    });
    const expiring = await auth.call(
      'auth.api-key.create',
      { name: 'short-lived', expiresAt: new Date(Date.now() + 3_000).toISOString() },
      owner.principal,
    );
    await expect(auth.call('auth.api-key.verify', { key: expiring.secret })).resolves.toMatchObject({
      principal: { kind: 'api-key', organizationId: owner.organizationId, apiKeyId: expiring.apiKey.id },
    });
    // Verifying has no side effect on validity, so poll until the expiry passes instead of sleeping.
    await waitFor(
      'the short-lived key to expire',
      () =>
        rejectionOf(auth.call('auth.api-key.verify', { key: expiring.secret })).then(
          () => true,
          () => false,
        ),
      { timeoutMs: 15_000, intervalMs: 100 },
    );

    for (const key of [revoked.secret, expiring.secret, 'pk_nope', `pk_abcdefgh_${'x'.repeat(40)}`]) {
      const error = await rejectionOf(auth.call('auth.api-key.verify', { key }));
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Invalid API key' });
    }
    const { items } = await auth.call('auth.api-key.list', {}, owner.principal);
    expect(items.find((k) => k.id === revoked.apiKey.id)!.revokedAt).not.toBeNull();
  });

  it('validates scopes and expiry', async () => {
    const owner = await auth.register();
    const badScope = await rejectionOf(
      auth.call('auth.api-key.create', { name: 'x', scopes: ['members:remove'] }, owner.principal),
    );
    expect(badScope).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [expect.objectContaining({ path: 'scopes.0' })] },
    });
    const malformed = await rejectionOf(
      auth.call('auth.api-key.create', { name: 'x', scopes: ['everything'] }, owner.principal),
    );
    expect(malformed.code).toBe('VALIDATION_FAILED');
    const past = await rejectionOf(
      auth.call('auth.api-key.create', { name: 'x', expiresAt: '2020-01-01T00:00:00.000Z' }, owner.principal),
    );
    expect(past).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [expect.objectContaining({ path: 'expiresAt' })] },
    });
  });

  it('needs the role to allow it (current role), and a user: a key cannot mint keys', async () => {
    const owner = await auth.register();
    const viewer = await addMember(auth, smtp, owner, 'viewer');
    expect((await rejectionOf(auth.call('auth.api-key.create', { name: 'x' }, viewer.principal))).code).toBe(
      'FORBIDDEN',
    );
    expect((await rejectionOf(auth.call('auth.api-key.list', {}, viewer.principal))).code).toBe('FORBIDDEN');

    const { secret } = await auth.call('auth.api-key.create', { name: 'k' }, owner.principal);
    const { principal } = await auth.call('auth.api-key.verify', { key: secret });
    expect((await rejectionOf(auth.call('auth.api-key.create', { name: 'child' }, principal))).code).toBe(
      'FORBIDDEN',
    );
  });

  it('answers the key’s expiry with the principal, so the gateway caches it no longer (issue 6)', async () => {
    const owner = await auth.register();
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const expiring = await auth.call('auth.api-key.create', { name: 'e', expiresAt }, owner.principal);
    const lasting = await auth.call('auth.api-key.create', { name: 'l' }, owner.principal);

    expect((await auth.call('auth.api-key.verify', { key: expiring.secret })).expiresAt).toBe(expiresAt);
    expect((await auth.call('auth.api-key.verify', { key: lasting.secret })).expiresAt).toBeNull();
  });

  it('revoking writes the key’s revocation marker for the gateways (issue 6)', async () => {
    const owner = await auth.register();
    const { apiKey } = await auth.call('auth.api-key.create', { name: 'r' }, owner.principal);
    expect(await auth.isDenied(denylistKeys.apiKey(apiKey.id))).toBe(false);

    await auth.call('auth.api-key.revoke', { apiKeyId: apiKey.id }, owner.principal);
    expect(await auth.isDenied(denylistKeys.apiKey(apiKey.id))).toBe(true);
    expect(await auth.redis.ttl(denylistKeys.apiKey(apiKey.id))).toBeGreaterThan(3000);
  });

  /** The `auth.api-key.revoked` events of an organization, once `count` of them are published. */
  const revocationEvents = (organizationId: string, count: number) =>
    waitFor(`${count} published auth.api-key.revoked`, async () => {
      // Every row of the organization, published or not: one too many never equals `count`.
      const rows: { payload: Record<string, string>; published: boolean }[] = await auth.dataSource.query(
        `SELECT payload, published_at IS NOT NULL AS published FROM outbox_events
         WHERE routing_key = 'auth.api-key.revoked' AND payload->>'organizationId' = $1 ORDER BY created_at`,
        [organizationId],
      );
      const settled = rows.length === count && rows.every((row) => row.published);
      return settled ? rows.map((row) => row.payload) : undefined;
    });

  it('announces a revocation once through the outbox (gateways drop the key on it); revoking again announces nothing', async () => {
    const owner = await auth.register();
    const { apiKey } = await auth.call('auth.api-key.create', { name: 'evented' }, owner.principal);

    await auth.call('auth.api-key.revoke', { apiKeyId: apiKey.id }, owner.principal);
    await auth.call('auth.api-key.revoke', { apiKeyId: apiKey.id }, owner.principal);

    expect(await revocationEvents(owner.organizationId, 1)).toEqual([
      { organizationId: owner.organizationId, apiKeyId: apiKey.id, reason: 'revoked' },
    ]);
  });

  it('announces the keys a removed member created, with the membership as reason', async () => {
    const owner = await auth.register();
    const removed = await addMember(auth, smtp, owner, 'developer');
    const key = await auth.call('auth.api-key.create', { name: 'theirs' }, removed.principal);

    await auth.call('auth.member.remove', { userId: removed.userId }, owner.principal);

    expect(await revocationEvents(owner.organizationId, 1)).toEqual([
      { organizationId: owner.organizationId, apiKeyId: key.apiKey.id, reason: 'membership-ended' },
    ]);
  });

  it('a removed member’s keys — and a leaving member’s — are revoked with the membership; others stay (issue 6)', async () => {
    const owner = await auth.register();
    // Three live keys at once: more than FREE's cap of 2.
    await auth.dataSource.query(`UPDATE organizations SET plan = 'STARTER' WHERE id = $1`, [
      owner.organizationId,
    ]);
    const removed = await addMember(auth, smtp, owner, 'developer');
    const leaving = await addMember(auth, smtp, owner, 'admin');
    const removedKey = await auth.call('auth.api-key.create', { name: 'removed' }, removed.principal);
    const leavingKey = await auth.call('auth.api-key.create', { name: 'leaving' }, leaving.principal);
    const ownerKey = await auth.call('auth.api-key.create', { name: 'owner' }, owner.principal);

    await auth.call('auth.member.remove', { userId: removed.userId }, owner.principal);
    await auth.call('auth.member.remove', { userId: leaving.userId }, leaving.principal);

    const { items } = await auth.call('auth.api-key.list', {}, owner.principal);
    const revokedAt = (id: string) => items.find((k) => k.id === id)!.revokedAt;
    expect(revokedAt(removedKey.apiKey.id)).not.toBeNull();
    expect(revokedAt(leavingKey.apiKey.id)).not.toBeNull();
    expect(revokedAt(ownerKey.apiKey.id)).toBeNull();
    for (const key of [removedKey, leavingKey]) {
      expect((await rejectionOf(auth.call('auth.api-key.verify', { key: key.secret }))).code).toBe(
        'UNAUTHENTICATED',
      );
      expect(await auth.isDenied(denylistKeys.apiKey(key.apiKey.id))).toBe(true);
    }
    expect(await auth.isDenied(denylistKeys.apiKey(ownerKey.apiKey.id))).toBe(false);
    await expect(auth.call('auth.api-key.verify', { key: ownerKey.secret })).resolves.toMatchObject({
      principal: { apiKeyId: ownerKey.apiKey.id },
    });
  });

  it('cross-tenant: org A cannot see or revoke org B keys (NOT_FOUND), lists are per organization', async () => {
    const a = await auth.register();
    const b = await auth.register();
    const keyB = await auth.call('auth.api-key.create', { name: 'B key' }, b.principal);
    await auth.call('auth.api-key.create', { name: 'A key' }, a.principal);

    expect(
      (await rejectionOf(auth.call('auth.api-key.revoke', { apiKeyId: keyB.apiKey.id }, a.principal))).code,
    ).toBe('NOT_FOUND');
    const listA = await auth.call('auth.api-key.list', {}, a.principal);
    expect(listA.items.map((k) => k.name)).toEqual(['A key']);
    await expect(auth.call('auth.api-key.verify', { key: keyB.secret })).resolves.toMatchObject({
      principal: { organizationId: b.organizationId },
    });
    // Not a user: refused for its kind (the system principal is no member of anything).
    expect(
      (await rejectionOf(auth.call('auth.api-key.revoke', { apiKeyId: keyB.apiKey.id }, SYSTEM_PRINCIPAL)))
        .code,
    ).toBe('FORBIDDEN');
  });

  it('caps a FREE organization at 2 active keys: revoked and expired ones do not count', async () => {
    const owner = await auth.register();
    const create = (name: string) => auth.call('auth.api-key.create', { name }, owner.principal);
    const first = await create('first');
    const second = await create('second');
    expect(await rejectionOf(create('third'))).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
      details: { limit: { name: 'apiKeys', plan: 'FREE', max: 2, usage: 2 } },
    });

    await auth.call('auth.api-key.revoke', { apiKeyId: first.apiKey.id }, owner.principal);
    const third = await create('third');
    // The second key's expiry passes (set in the database rather than waited for).
    await auth.dataSource.query(
      `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [second.apiKey.id],
    );
    await create('fourth');
    expect(await rejectionOf(create('fifth'))).toMatchObject({ code: 'PLAN_LIMIT_REACHED' });
    expect(third.apiKey.id).not.toBe(second.apiKey.id);
  });
});
