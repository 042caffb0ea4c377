import { decodeProtectedHeader } from 'jose';
import { waitFor } from '@platform/testing';
import { SigningKeyService } from '../src/signing-keys/signing-key.service';
import { AuthTestApp, rejectionOf } from './support/auth-test-app';

/**
 * Rotation with time compressed through configuration (the production defaults are 7 days, 1 hour
 * of pre-publication and 15-minute tokens): a key signs for 6 s, its successor is published 4 s
 * before it takes over, and tokens live 10 s. The service runs on the wall clock (it cannot be handed
 * a test clock), so the test never relies on a step finishing within a period: each phase is
 * awaited by observing its effect, and a token only has to outlive the 4 s of pre-publication plus
 * however long a loaded machine stalls (10 s − 4 s of margin; the JWKS keeps the old key that long).
 */
describe('auth signing key rotation', () => {
  let auth: AuthTestApp;

  beforeAll(async () => {
    auth = await AuthTestApp.start({
      JWT_KEY_ROTATION_SECONDS: '6',
      JWT_KEY_PREPUBLISH_SECONDS: '4',
      JWT_ACCESS_TTL_SECONDS: '10',
      JWT_KEY_RETIRE_GRACE_SECONDS: '0',
      JWT_KEY_CHECK_INTERVAL_MS: '100',
    });
  }, 60_000);
  afterAll(() => auth?.stop());

  const kidOf = (token: string) => decodeProtectedHeader(token).kid!;
  const jwksKids = async () => (await auth.call('auth.jwks.get', {})).keys.map((key) => key.kid);

  it('rotates automatically; old tokens verify through the JWKS until they expire, then the old key is gone', async () => {
    const account = await auth.register();
    const pendingKidOf = async (): Promise<string | undefined> => {
      const rows: { kid: string }[] = await auth.dataSource.query(
        `SELECT kid FROM signing_keys WHERE activates_at > now() ORDER BY activates_at LIMIT 1`,
      );
      return rows[0]?.kid;
    };

    // The successor is published before it signs: the JWKS lists it while the database still says
    // it is pending, and a token issued meanwhile is signed by the old key. A probe that a stall
    // pushes past the activation proves nothing and waits for the next rotation.
    const { oldToken, pendingKid } = await waitFor(
      'a pre-published successor, and a token signed by its predecessor',
      async () => {
        const pending = await pendingKidOf();
        if (!pending) return undefined;
        const listed = await jwksKids();
        const { tokens } = await auth.login(account.email, account.password);
        const stillPending = (await pendingKidOf()) === pending;
        const signedByOld = kidOf(tokens.accessToken) !== pending;
        return listed.includes(pending) && stillPending && signedByOld
          ? { oldToken: tokens.accessToken, pendingKid: pending }
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    const oldKid = kidOf(oldToken);
    expect(await jwksKids()).toEqual(expect.arrayContaining([oldKid, pendingKid]));

    const newToken = await waitFor(
      'a token signed by another key',
      async () => {
        const { tokens } = await auth.login(account.email, account.password);
        return kidOf(tokens.accessToken) !== oldKid ? tokens.accessToken : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    // Overlap: the old token still verifies against the published keys, and so does the new one.
    await expect(auth.verifyAccessToken(oldToken)).resolves.toMatchObject({
      sub: account.userId,
      kid: oldKid,
    });
    await expect(auth.verifyAccessToken(newToken)).resolves.toMatchObject({ sub: account.userId });

    // Once every token of the old key has expired, the key leaves the JWKS and the database.
    await waitFor('the old key retired', async () => !(await jwksKids()).includes(oldKid), {
      timeoutMs: 30_000,
    });
    await waitFor('the old key deleted', async () => {
      const stored: unknown[] = await auth.dataSource.query(`SELECT 1 FROM signing_keys WHERE kid = $1`, [
        oldKid,
      ]);
      return stored.length === 0;
    });
    const expired = await rejectionOf(auth.verifyAccessToken(oldToken) as Promise<unknown>);
    expect(expired).toBeInstanceOf(Error);
  }, 90_000);

  it('stores private keys sealed (never a PEM in the database)', async () => {
    const rows: { private_key_encrypted: string }[] = await auth.dataSource.query(
      `SELECT private_key_encrypted FROM signing_keys`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.private_key_encrypted).toMatch(/^v1\./);
      expect(row.private_key_encrypted).not.toContain('PRIVATE KEY');
    }
  });

  it('replicas share the keys: a second instance signs with the same key and serves the same JWKS', async () => {
    const replica = await auth.startReplica();
    const keys = replica.app.get(SigningKeyService);
    const primary = auth.service.app.get(SigningKeyService);
    // Keys change every 6 s here, so compare snapshots taken together (retrying across a change).
    await waitFor('both replicas agree', async () => {
      await Promise.all([keys.check(), primary.check()]);
      const [a, b] = await Promise.all([keys.current(), primary.current()]);
      const sameJwks =
        JSON.stringify(
          keys
            .jwks()
            .keys.map((k) => k.kid)
            .sort(),
        ) ===
        JSON.stringify(
          primary
            .jwks()
            .keys.map((k) => k.kid)
            .sort(),
        );
      return a.kid === b.kid && sameJwks;
    });
  });
});
