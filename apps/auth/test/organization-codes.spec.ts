import { createHash, randomUUID } from 'node:crypto';
import { EVENT_NAMES, SYSTEM_PRINCIPAL, type Principal } from '@platform/contracts';
import { AmqpTransportServer, EventPublisher } from '@platform/messaging';
import { startSmtpSink, waitFor, type SmtpSink } from '@platform/testing';
import { AuthTestApp, rejectionOf } from './support/auth-test-app';

describe('auth organization codes (seed 004)', () => {
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

  const issue = (plan: 'STARTER' | 'PROFESSIONAL' | 'ENTERPRISE', organizationId?: string) =>
    auth.call('auth.organization-code.issue', { plan, organizationId }, SYSTEM_PRINCIPAL);

  it('issues 10-character codes (platform services only), stored hashed', async () => {
    const { code } = await issue('PROFESSIONAL');
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
    const rows: { code_hash: string }[] = await auth.dataSource.query(
      `SELECT code_hash FROM organization_codes`,
    );
    expect(rows.map((r) => r.code_hash)).not.toContain(code);

    const user = await auth.register();
    const error = await rejectionOf(
      auth.call('auth.organization-code.issue', { plan: 'ENTERPRISE' }, user.principal),
    );
    expect(error.code).toBe('FORBIDDEN');
    expect(
      (await rejectionOf(auth.call('auth.organization-code.issue', { plan: 'ENTERPRISE' }, null))).code,
    ).toBe('FORBIDDEN');
  });

  it('validates a code, then creates an organization from it once, on its plan, with the caller as owner', async () => {
    const { code } = await issue('STARTER');
    await expect(auth.call('auth.organization-code.validate', { code: code.toLowerCase() })).resolves.toEqual(
      {
        valid: true,
        plan: 'STARTER',
        redeemed: false,
      },
    );

    const user = await auth.register();
    const redeemed = await auth.call(
      'auth.organization-code.redeem',
      { code, organizationName: 'Paid Co' },
      user.principal,
    );
    expect(redeemed).toMatchObject({ organization: { name: 'Paid Co', plan: 'STARTER' }, role: 'owner' });
    await expect(auth.call('auth.organization-code.validate', { code })).resolves.toEqual({
      valid: true,
      plan: 'STARTER',
      redeemed: true,
    });

    const again = await rejectionOf(
      auth.call('auth.organization-code.redeem', { code, organizationName: 'Twice' }, user.principal),
    );
    expect(again.code).toBe('CONFLICT');
    const switched = await auth.call(
      'auth.organization.switch',
      { organizationId: redeemed.organization.id },
      user.principal,
    );
    expect(await auth.principalOf(switched.accessToken)).toMatchObject({ plan: 'STARTER', roles: ['owner'] });
  });

  it('answers unknown codes as invalid', async () => {
    await expect(auth.call('auth.organization-code.validate', { code: 'NOPE000000' })).resolves.toEqual({
      valid: false,
    });
    const user = await auth.register();
    const error = await rejectionOf(
      auth.call(
        'auth.organization-code.redeem',
        { code: 'NOPE000000', organizationName: 'X' },
        user.principal,
      ),
    );
    expect(error.code).toBe('BAD_REQUEST');
  });

  it('resolves a code (+ optional member user id) to a principal for the gateway', async () => {
    const owner = await auth.register();
    const { code } = await issue('ENTERPRISE', owner.organizationId);
    await expect(auth.call('auth.organization-code.validate', { code })).resolves.toMatchObject({
      valid: true,
      redeemed: true,
    });

    const alone = await auth.call('auth.organization-code.resolve', { code });
    expect(alone.principal).toEqual({
      kind: 'organization-code',
      userId: null,
      attributedUserId: null,
      organizationId: owner.organizationId,
      roles: ['viewer'],
      scopes: [],
      apiKeyId: null,
      plan: 'FREE',
    });
    // x-user-id only attributes: the owner's id lends the code neither the owner's role nor identity.
    const withUser = await auth.call('auth.organization-code.resolve', { code, userId: owner.userId });
    expect(withUser.principal).toEqual({
      kind: 'organization-code',
      userId: null,
      attributedUserId: owner.userId,
      organizationId: owner.organizationId,
      roles: ['viewer'],
      scopes: [],
      apiKeyId: null,
      plan: 'FREE',
    });

    const stranger = await auth.register();
    const notMember = await rejectionOf(
      auth.call('auth.organization-code.resolve', { code, userId: stranger.userId }),
    );
    expect(notMember.code).toBe('UNAUTHENTICATED');
    expect(
      (await rejectionOf(auth.call('auth.organization-code.resolve', { code: 'UNKNOWN123' }))).code,
    ).toBe('UNAUTHENTICATED');
    // A code not yet redeemed into an organization authenticates nothing.
    const { code: unbound } = await issue('STARTER');
    expect((await rejectionOf(auth.call('auth.organization-code.resolve', { code: unbound }))).code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('refuses a code principal on every user operation, even one forged with a user id and the owner role', async () => {
    const owner = await auth.register();
    const { code } = await issue('STARTER', owner.organizationId);
    const { principal } = await auth.call('auth.organization-code.resolve', { code, userId: owner.userId });
    // What a gateway bug (or a forged envelope) could deliver: the code's kind with a user's powers.
    const forged = { ...principal, userId: owner.userId, roles: ['owner' as const] };

    for (const caller of [principal, forged]) {
      const attempts = [
        auth.call('auth.organization.switch', { organizationId: owner.organizationId }, caller),
        auth.call('auth.api-key.create', { name: 'stolen', scopes: [] }, caller),
        auth.call('auth.invitation.list', {}, caller),
        auth.call('auth.totp.enroll', {}, caller),
        auth.call('auth.session.logout-all', {}, caller),
      ];
      for (const attempt of attempts) expect((await rejectionOf(attempt)).code).toBe('FORBIDDEN');
    }
  });

  it('an owner replaces the code: the old one stops resolving and is marked for the gateways; the new one works', async () => {
    const owner = await auth.register({ organizationName: 'Rotating Co' });
    const { code: old } = await issue('PROFESSIONAL', owner.organizationId);
    const rotate = (principal: typeof owner.principal, idempotencyKey: string = randomUUID()) =>
      auth.rpc.callWithMeta('auth.organization-code.rotate', {
        principal,
        data: {},
        meta: { requestId: randomUUID(), idempotencyKey },
      });

    const { data } = await rotate(owner.principal, 'rotate-1');
    const fresh = data as { code: string; plan: string; issuedAt: string };
    expect(fresh).toEqual({
      code: expect.stringMatching(/^[A-HJ-NP-Z2-9]{10}$/),
      plan: 'FREE',
      issuedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(fresh.code).not.toBe(old);
    // A retry with the same Idempotency-Key answers the same code; no third code is made.
    expect((await rotate(owner.principal, 'rotate-1')).data).toEqual(fresh);
    const codes: { revoked: boolean }[] = await auth.dataSource.query(
      `SELECT revoked_at IS NOT NULL AS revoked FROM organization_codes WHERE organization_id = $1
        ORDER BY created_at`,
      [owner.organizationId],
    );
    expect(codes).toEqual([{ revoked: true }, { revoked: false }]);

    expect((await rejectionOf(auth.call('auth.organization-code.resolve', { code: old }))).code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await auth.call('auth.organization-code.resolve', { code: fresh.code })).principal).toMatchObject(
      {
        kind: 'organization-code',
        organizationId: owner.organizationId,
      },
    );
    // The marker every gateway checks on a cache hit, by the old code's fingerprint (SHA-256, hex).
    const fingerprint = createHash('sha256').update(old).digest('hex');
    expect(await auth.isDenied(`auth:denylist:org-code:${fingerprint}`)).toBe(true);
    expect(
      await auth.isDenied(`auth:denylist:org-code:${createHash('sha256').update(fresh.code).digest('hex')}`),
    ).toBe(false);
  });

  it('only an owner or admin of the organization itself, signed in, may replace its code', async () => {
    const owner = await auth.register({ organizationName: 'Guarded Co' });
    const { code } = await issue('STARTER', owner.organizationId);
    const rotate = (principal: Principal | null) =>
      rejectionOf(auth.call('auth.organization-code.rotate', {}, principal));
    expect((await rotate({ ...owner.principal, roles: ['developer'] })).code).toBe('FORBIDDEN');
    expect((await rotate({ ...owner.principal, kind: 'api-key', apiKeyId: randomUUID() })).code).toBe(
      'FORBIDDEN',
    );
    const resolved = await auth.call('auth.organization-code.resolve', { code });
    expect((await rotate(resolved.principal)).code).toBe('FORBIDDEN');
    expect((await rotate(null)).code).toBe('UNAUTHENTICATED');
    // Another organization's owner naming this organization: not a member here.
    const stranger = await auth.register({ organizationName: 'Stranger Co' });
    expect(
      (await rotate({ ...stranger.principal, organizationId: owner.organizationId, roles: ['owner'] })).code,
    ).toBe('FORBIDDEN');
    // An organization without a code (never paid) has nothing to replace.
    expect((await rotate(stranger.principal)).code).toBe('CONFLICT');
    // The code is untouched by all of it.
    expect((await auth.call('auth.organization-code.resolve', { code })).principal.organizationId).toBe(
      owner.organizationId,
    );
  });

  it('refuses issuing for an unknown organization', async () => {
    const error = await rejectionOf(issue('STARTER', '00000000-0000-4000-8000-000000000000'));
    expect(error.code).toBe('NOT_FOUND');
  });

  it('follows payments: payments.subscription.activated sets the organization plan (once per event id)', async () => {
    const owner = await auth.register();
    // The consumer's queue is derived from the consuming service and the event (was `auth.plan-sync`).
    expect([...auth.service.app.get(AmqpTransportServer).eventQueues].sort()).toEqual([
      'auth.payments.subscription.activated',
      'auth.payments.subscription.cancelled',
      'auth.payments.subscription.changed',
    ]);
    // Stands in for the payments service publishing on the shared events exchange.
    const publisher = auth.service.app.get(EventPublisher);
    const id = randomUUID();
    const event = { organizationId: owner.organizationId, plan: 'PROFESSIONAL' as const };
    await publisher.publish(EVENT_NAMES.subscriptionActivated, event, { id });
    await publisher.publish(EVENT_NAMES.subscriptionActivated, event, { id });

    const plan = await waitFor('the plan to change', async () => {
      const { organization } = await auth.call('auth.profile.get', {}, owner.principal);
      return organization.plan === 'PROFESSIONAL' ? organization.plan : undefined;
    });
    expect(plan).toBe('PROFESSIONAL');
    const refreshed = await auth.call('auth.session.refresh', { refreshToken: owner.tokens.refreshToken });
    expect((await auth.principalOf(refreshed.accessToken)).plan).toBe('PROFESSIONAL');
    await waitFor('both deliveries handled', async () => {
      const rows: unknown[] = await auth.dataSource.query(
        `SELECT 1 FROM processed_events WHERE consumer = 'auth.plan-sync' AND event_id = $1`,
        [id],
      );
      return rows.length === 1;
    });
  });

  it('on activation issues the organization one code (when it has none), emailed once to its owners', async () => {
    const owner = await auth.register({ organizationName: 'Acme Paid' });
    const publisher = auth.service.app.get(EventPublisher);
    const first = randomUUID();
    await publisher.publish(
      EVENT_NAMES.subscriptionActivated,
      { organizationId: owner.organizationId, plan: 'STARTER' },
      { id: first },
    );
    const mail = await smtp.waitForMessage(owner.email, { subject: /organization code/i });
    const code = /organization code is: ([A-HJ-NP-Z2-9]{10})/.exec(mail.text)?.[1];
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
    expect(mail.text).toContain('STARTER subscription of Acme Paid');

    // The code authenticates as that organization (what the gateway's x-organization-code does).
    const resolved = await auth.call('auth.organization-code.resolve', { code: code! });
    expect(resolved.principal).toMatchObject({
      kind: 'organization-code',
      organizationId: owner.organizationId,
      plan: 'STARTER',
    });

    // A redelivery and a second activation (a later re-subscription) issue no second code.
    await publisher.publish(
      EVENT_NAMES.subscriptionActivated,
      { organizationId: owner.organizationId, plan: 'STARTER' },
      { id: first },
    );
    await publisher.publish(
      EVENT_NAMES.subscriptionActivated,
      { organizationId: owner.organizationId, plan: 'ENTERPRISE' },
      { id: randomUUID() },
    );
    await waitFor('both activations handled', async () => {
      const { organization } = await auth.call('auth.profile.get', {}, owner.principal);
      return organization.plan === 'ENTERPRISE';
    });
    const codes: unknown[] = await auth.dataSource.query(
      `SELECT 1 FROM organization_codes WHERE organization_id = $1`,
      [owner.organizationId],
    );
    expect(codes).toHaveLength(1);
    expect(
      smtp.messages().filter((m) => m.to.includes(owner.email) && /organization code/i.test(m.subject)),
    ).toHaveLength(1);
  });

  it('follows plan changes and cancellations from payments', async () => {
    const owner = await auth.register();
    const publisher = auth.service.app.get(EventPublisher);
    const planOf = async () => (await auth.call('auth.profile.get', {}, owner.principal)).organization.plan;
    await publisher.publish(EVENT_NAMES.subscriptionChanged, {
      organizationId: owner.organizationId,
      plan: 'PROFESSIONAL',
      previousPlan: 'STARTER',
    });
    await waitFor('changed applied', async () => (await planOf()) === 'PROFESSIONAL');
    await publisher.publish(EVENT_NAMES.subscriptionCancelled, {
      organizationId: owner.organizationId,
      plan: 'FREE',
      previousPlan: 'PROFESSIONAL',
    });
    await waitFor('cancelled applied', async () => (await planOf()) === 'FREE');
  });
});
