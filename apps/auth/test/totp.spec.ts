import { authenticator } from 'otplib';
import { AuthTestApp, rejectionOf, type TestAccount } from './support/auth-test-app';

/** The code of the 30 s step `offset` steps from now (the service accepts ±1 step of drift). */
const codeAt = (secret: string, offset = 0) =>
  authenticator.clone({ epoch: Date.now() + offset * 30_000 }).generate(secret);

describe('auth TOTP two-factor', () => {
  let auth: AuthTestApp;

  beforeAll(async () => {
    auth = await AuthTestApp.start({ TOTP_ISSUER: 'Platform Test' });
  }, 60_000);
  afterAll(() => auth?.stop());

  async function enable(account: TestAccount) {
    const enrolment = await auth.call('auth.totp.enroll', {}, account.principal);
    const verified = await auth.call(
      'auth.totp.verify',
      { code: codeAt(enrolment.secret) },
      account.principal,
    );
    return { ...enrolment, ...verified };
  }

  it('enrols with an otpauth URI, turns on with a code and returns 10 recovery codes, the secret sealed at rest', async () => {
    const account = await auth.register({ email: 'totp-user@example.test' });
    const enrolment = await auth.call('auth.totp.enroll', {}, account.principal);
    expect(enrolment.otpauthUri).toBe(
      `otpauth://totp/Platform%20Test:totp-user%40example.test?secret=${enrolment.secret}&period=30&digits=6&algorithm=SHA1&issuer=Platform%20Test`,
    );
    // Not on until verified.
    expect((await auth.call('auth.profile.get', {}, account.principal)).user.totpEnabled).toBe(false);
    const wrong = await rejectionOf(
      auth.call(
        'auth.totp.verify',
        { code: '000000' === codeAt(enrolment.secret) ? '111111' : '000000' },
        account.principal,
      ),
    );
    expect(wrong).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [expect.objectContaining({ path: 'code' })] },
    });

    const verified = await auth.call(
      'auth.totp.verify',
      { code: codeAt(enrolment.secret) },
      account.principal,
    );
    expect(verified.enabled).toBe(true);
    expect(verified.recoveryCodes).toHaveLength(10);
    expect(new Set(verified.recoveryCodes).size).toBe(10);
    for (const code of verified.recoveryCodes) expect(code).toMatch(/^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);
    expect((await auth.call('auth.profile.get', {}, account.principal)).user.totpEnabled).toBe(true);

    const [row] = (await auth.dataSource.query(`SELECT totp_secret_encrypted FROM users WHERE id = $1`, [
      account.userId,
    ])) as {
      totp_secret_encrypted: string;
    }[];
    expect(row!.totp_secret_encrypted).toMatch(/^v1\./);
    expect(row!.totp_secret_encrypted).not.toContain(enrolment.secret);
    const hashes: { code_hash: string }[] = await auth.dataSource.query(
      `SELECT code_hash FROM totp_recovery_codes WHERE user_id = $1`,
      [account.userId],
    );
    expect(hashes).toHaveLength(10);
    expect(hashes.map((h) => h.code_hash)).not.toContain(verified.recoveryCodes[0]);

    expect((await rejectionOf(auth.call('auth.totp.enroll', {}, account.principal))).code).toBe('CONFLICT');
  });

  it('login asks for the second factor, and verify-mfa with a code completes it (once per code)', async () => {
    const account = await auth.register();
    const { secret } = await enable(account);

    const login = await auth.call('auth.session.login', { email: account.email, password: account.password });
    expect(login).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
    if (!login.mfaRequired) throw new Error('unreachable');

    const code = codeAt(secret);
    const { tokens } = await auth.call('auth.session.verify-mfa', { mfaToken: login.mfaToken, code });
    expect(await auth.principalOf(tokens.accessToken)).toMatchObject({
      userId: account.userId,
      organizationId: account.organizationId,
    });
    // The challenge is spent.
    expect(
      (await rejectionOf(auth.call('auth.session.verify-mfa', { mfaToken: login.mfaToken, code }))).code,
    ).toBe('UNAUTHENTICATED');

    // The same code cannot sign in twice (replay within its 30 s window).
    const second = await auth.call('auth.session.login', {
      email: account.email,
      password: account.password,
    });
    if (!second.mfaRequired) throw new Error('expected a challenge');
    const replay = await rejectionOf(
      auth.call('auth.session.verify-mfa', { mfaToken: second.mfaToken, code }),
    );
    expect(replay.code).toBe('UNAUTHENTICATED');
    await expect(
      auth.call('auth.session.verify-mfa', { mfaToken: second.mfaToken, code: codeAt(secret, 1) }),
    ).resolves.toBeDefined();
  });

  it('a recovery code signs in once', async () => {
    const account = await auth.register();
    const { recoveryCodes } = await enable(account);
    const recovery = recoveryCodes[3]!;

    const first = await auth.call('auth.session.login', { email: account.email, password: account.password });
    if (!first.mfaRequired) throw new Error('expected a challenge');
    // Case and dashes do not matter.
    await expect(
      auth.call('auth.session.verify-mfa', {
        mfaToken: first.mfaToken,
        recoveryCode: recovery.toLowerCase().replace('-', ''),
      }),
    ).resolves.toMatchObject({ tokens: expect.any(Object) });

    const second = await auth.call('auth.session.login', {
      email: account.email,
      password: account.password,
    });
    if (!second.mfaRequired) throw new Error('expected a challenge');
    const reused = await rejectionOf(
      auth.call('auth.session.verify-mfa', { mfaToken: second.mfaToken, recoveryCode: recovery }),
    );
    expect(reused.code).toBe('UNAUTHENTICATED');
    await expect(
      auth.call('auth.session.verify-mfa', { mfaToken: second.mfaToken, recoveryCode: recoveryCodes[4]! }),
    ).resolves.toBeDefined();
  });

  it('a challenge allows 5 attempts, then is gone even for the right code', async () => {
    const account = await auth.register();
    const { secret } = await enable(account);
    const login = await auth.call('auth.session.login', { email: account.email, password: account.password });
    if (!login.mfaRequired) throw new Error('expected a challenge');
    const right = codeAt(secret, 1);
    const wrongCode = right === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await rejectionOf(
            auth.call('auth.session.verify-mfa', { mfaToken: login.mfaToken, code: wrongCode }),
          )
        ).code,
      ).toBe('UNAUTHENTICATED');
    }
    const locked = await rejectionOf(
      auth.call('auth.session.verify-mfa', { mfaToken: login.mfaToken, code: right }),
    );
    expect(locked.code).toBe('UNAUTHENTICATED');
    expect(
      (await rejectionOf(auth.call('auth.session.verify-mfa', { mfaToken: 'made-up', code: right }))).code,
    ).toBe('UNAUTHENTICATED');
  });

  it('a wrong password never reaches the second factor', async () => {
    const account = await auth.register();
    await enable(account);
    const error = await rejectionOf(
      auth.call('auth.session.login', { email: account.email, password: 'wrong password!' }),
    );
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Invalid email or password' });
  });

  it('disabling needs a valid code, then login is one step again', async () => {
    const account = await auth.register();
    const { secret } = await enable(account);
    expect(
      (
        await rejectionOf(
          auth.call(
            'auth.totp.disable',
            { code: '000000' === codeAt(secret) ? '111111' : '000000' },
            account.principal,
          ),
        )
      ).code,
    ).toBe('VALIDATION_FAILED');
    await expect(
      auth.call('auth.totp.disable', { code: codeAt(secret) }, account.principal),
    ).resolves.toEqual({ enabled: false });
    const login = await auth.call('auth.session.login', { email: account.email, password: account.password });
    expect(login.mfaRequired).toBe(false);
    const recovery: unknown[] = await auth.dataSource.query(
      `SELECT 1 FROM totp_recovery_codes WHERE user_id = $1`,
      [account.userId],
    );
    expect(recovery).toEqual([]);
    expect(
      (await rejectionOf(auth.call('auth.totp.disable', { code: codeAt(secret) }, account.principal))).code,
    ).toBe('BAD_REQUEST');
  });

  it('verify without enrolment is a BAD_REQUEST; verify-mfa needs exactly one of code and recoveryCode', async () => {
    const account = await auth.register();
    expect(
      (await rejectionOf(auth.call('auth.totp.verify', { code: '123456' }, account.principal))).code,
    ).toBe('BAD_REQUEST');
    const both = await rejectionOf(
      auth.call('auth.session.verify-mfa', { mfaToken: 'x', code: '123456', recoveryCode: 'ABCDE-FGHJK' }),
    );
    expect(both.code).toBe('VALIDATION_FAILED');
  });
});
