import { authenticator } from 'otplib';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { AuthEnv } from '../src/config/auth-env.schema';
import { SecretBox } from '../src/security/secret-box';
import { Clock } from '../src/shared/clock';
import { SecondFactorGuessBudget } from '../src/totp/second-factor-guess.budget';
import { TotpService } from '../src/totp/totp.service';
import { UserService } from '../src/users/user.service';
import { AuthTestApp, rejectionOf, type TestAccount } from './support/auth-test-app';

/** The auth Clock stopped at a chosen instant, moved by hand. */
class ManualClock extends Clock {
  constructor(private at: number) {
    super();
  }
  override now(): Date {
    return new Date(this.at);
  }
  override nowSeconds(): number {
    return Math.floor(this.at / 1000);
  }
  advance(seconds: number): void {
    this.at += seconds * 1000;
  }
}

/** The TOTP code of the instant `at` (ms). */
const codeAtTime = (secret: string, at: number) => authenticator.clone({ epoch: at }).generate(secret);
/** Wrong second-factor codes allowed per account and window in these tests. */
const MAX_FAILURES = 5;
const WINDOW_SECONDS = 600;

/** The code of the 30 s step `offset` steps from now (the service accepts ±1 step of drift). */
const codeAt = (secret: string, offset = 0) =>
  authenticator.clone({ epoch: Date.now() + offset * 30_000 }).generate(secret);

describe('auth TOTP two-factor', () => {
  let auth: AuthTestApp;

  beforeAll(async () => {
    auth = await AuthTestApp.start({
      TOTP_ISSUER: 'Platform Test',
      SECOND_FACTOR_MAX_FAILURES: String(MAX_FAILURES),
      SECOND_FACTOR_WINDOW_SECONDS: String(WINDOW_SECONDS),
    });
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

    // The enrolment spent the current step: the next one (drift ahead) is the first that signs in.
    const code = codeAt(secret, 1);
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
    // Neither can an earlier step's code (the later step's success is shown with explicit times below).
    const earlier = await rejectionOf(
      auth.call('auth.session.verify-mfa', { mfaToken: second.mfaToken, code: codeAt(secret) }),
    );
    expect(earlier.code).toBe('UNAUTHENTICATED');
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
    const signedIn = await auth.call('auth.session.verify-mfa', {
      mfaToken: second.mfaToken,
      recoveryCode: recoveryCodes[4]!,
    });
    await expect(auth.verifyAccessToken(signedIn.tokens.accessToken)).resolves.toMatchObject({
      sub: account.userId,
    });
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
      auth.call('auth.totp.disable', { code: codeAt(secret, 1) }, account.principal),
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
  it('the code that confirmed enrolment is spent: it can neither sign in nor disable', async () => {
    const account = await auth.register();
    const { secret } = await auth.call('auth.totp.enroll', {}, account.principal);
    const at = Date.now();
    const enrolCode = codeAtTime(secret, at);
    await auth.call('auth.totp.verify', { code: enrolCode }, account.principal);
    const [row] = (await auth.dataSource.query(`SELECT totp_last_step FROM users WHERE id = $1`, [
      account.userId,
    ])) as { totp_last_step: string }[];
    expect(Number(row!.totp_last_step)).toBe(Math.floor(at / 30_000));

    const login = await auth.call('auth.session.login', { email: account.email, password: account.password });
    if (!login.mfaRequired) throw new Error('expected a challenge');
    expect(
      (await rejectionOf(auth.call('auth.session.verify-mfa', { mfaToken: login.mfaToken, code: enrolCode })))
        .code,
    ).toBe('UNAUTHENTICATED');
    expect(
      (await rejectionOf(auth.call('auth.totp.disable', { code: enrolCode }, account.principal))).code,
    ).toBe('VALIDATION_FAILED');
  });

  it('with explicit times: a code is accepted only for a step strictly after the last one used', async () => {
    const account = await auth.register();
    const t0 = Date.UTC(2030, 0, 1, 12, 0, 10); // 10 s into a 30 s step
    const clock = new ManualClock(t0);
    const app = auth.service.app;
    const config = app.get<AuthEnv>(SERVICE_CONFIG);
    const totp = new TotpService(
      auth.dataSource,
      app.get(UserService),
      app.get(SecretBox),
      clock,
      config,
      new SecondFactorGuessBudget(auth.dataSource, clock, config),
    );
    const users = app.get(UserService);
    const { secret } = await totp.enroll(account.userId);
    await totp.confirmEnrollment(account.userId, codeAtTime(secret, t0));
    const user = async () => users.requireById(account.userId);

    // Same step as the enrolment (the code itself, or one typed at another second of it): refused.
    expect(await totp.verifySecondFactor(await user(), { code: codeAtTime(secret, t0) })).toBe(false);
    expect(await totp.verifySecondFactor(await user(), { code: codeAtTime(secret, t0 + 15_000) })).toBe(
      false,
    );
    // The previous step is within the drift window but older than the last use: refused.
    expect(await totp.verifySecondFactor(await user(), { code: codeAtTime(secret, t0 - 30_000) })).toBe(
      false,
    );
    // The next step (drift ahead) is accepted once.
    expect(await totp.verifySecondFactor(await user(), { code: codeAtTime(secret, t0 + 30_000) })).toBe(true);
    expect(await totp.verifySecondFactor(await user(), { code: codeAtTime(secret, t0 + 30_000) })).toBe(
      false,
    );
    // A minute later, that minute's code works.
    clock.advance(60);
    expect(await totp.verifySecondFactor(await user(), { code: codeAtTime(secret, t0 + 60_000) })).toBe(true);
  });

  it('wrong codes over many fresh challenges share one account budget; then the right code and recovery codes get RATE_LIMITED', async () => {
    const account = await auth.register();
    const { secret, recoveryCodes } = await enable(account);
    const accepted = new Set([-1, 0, 1].map((offset) => codeAt(secret, offset)));
    const wrong = ['123456', '654321', '111111', '222222'].find((code) => !accepted.has(code))!;
    const challenge = async () => {
      const login = await auth.call('auth.session.login', {
        email: account.email,
        password: account.password,
      });
      if (!login.mfaRequired) throw new Error('expected a challenge');
      return login.mfaToken;
    };
    for (let i = 0; i < MAX_FAILURES; i++) {
      const error = await rejectionOf(
        auth.call('auth.session.verify-mfa', { mfaToken: await challenge(), code: wrong }),
      );
      expect(error.code).toBe('UNAUTHENTICATED');
    }
    const mfaToken = await challenge();
    const right = await rejectionOf(
      auth.call('auth.session.verify-mfa', { mfaToken, code: codeAt(secret, 1) }),
    );
    expect(right.code).toBe('RATE_LIMITED');
    const retryAfter = (right.details as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(retryAfter).toBeGreaterThan(WINDOW_SECONDS - 60);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(
      (await rejectionOf(auth.call('auth.session.verify-mfa', { mfaToken, recoveryCode: recoveryCodes[0]! })))
        .code,
    ).toBe('RATE_LIMITED');
    expect(
      (await rejectionOf(auth.call('auth.totp.disable', { code: codeAt(secret, 1) }, account.principal)))
        .code,
    ).toBe('RATE_LIMITED');
    // Another account is not affected.
    const other = await auth.register();
    const { secret: otherSecret } = await enable(other);
    const otherLogin = await auth.call('auth.session.login', {
      email: other.email,
      password: other.password,
    });
    if (!otherLogin.mfaRequired) throw new Error('expected a challenge');
    await expect(
      auth.call('auth.session.verify-mfa', { mfaToken: otherLogin.mfaToken, code: codeAt(otherSecret, 1) }),
    ).resolves.toMatchObject({ tokens: expect.any(Object) });
  });

  it('with explicit times: the budget refuses until its window has passed, counts concurrent guesses, and a success is no failure', async () => {
    const account = await auth.register();
    const clock = new ManualClock(Date.UTC(2030, 0, 1, 12, 0, 0));
    const config = auth.service.app.get<AuthEnv>(SERVICE_CONFIG);
    const budget = new SecondFactorGuessBudget(auth.dataSource, clock, config);

    // A success gives its guess back.
    await budget.judge(account.userId, async () => true);
    // 20 concurrent wrong guesses: exactly the budget is judged.
    const judged: number[] = [];
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        budget.judge(account.userId, async () => {
          judged.push(i);
          return false;
        }),
      ),
    );
    expect(judged).toHaveLength(MAX_FAILURES);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(20 - MAX_FAILURES);

    const refused = await rejectionOf(budget.judge(account.userId, async () => true));
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: WINDOW_SECONDS } });
    clock.advance(WINDOW_SECONDS - 1);
    expect(await rejectionOf(budget.judge(account.userId, async () => true))).toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: 1 },
    });
    clock.advance(1);
    await expect(budget.judge(account.userId, async () => true)).resolves.toBe(true);
  });
});
