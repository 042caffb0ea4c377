import { invitationTokenFromMail as invitationToken, startSmtpSink, type SmtpSink } from '@platform/testing';
import { AuthTestApp, rejectionOf } from './support/auth-test-app';
import { verifyEmail } from './support/team';

/**
 * The plan's member cap (PLANS[plan].maxUsers) on invitations: members plus open invitations may not
 * pass it; refusals are PLAN_LIMIT_REACHED naming the limit, the plan, its maximum and the usage.
 */
describe('auth: the plan limits members (invitations)', () => {
  let auth: AuthTestApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    auth = await AuthTestApp.start({ SMTP_URL: smtp.url, APP_BASE_URL: 'https://app.example.test' });
  }, 60_000);
  afterAll(async () => {
    await auth?.stop();
    await smtp?.close();
  });

  const ownerOn = async (plan: 'FREE' | 'STARTER') => {
    const owner = await auth.register();
    await verifyEmail(auth, smtp, owner);
    if (plan !== 'FREE') await auth.setPlan(owner.organizationId, plan);
    return owner;
  };
  const openInvitations = async (organizationId: string) =>
    (
      await auth.dataSource.query(
        `SELECT count(*)::int AS n FROM invitations WHERE organization_id = $1 AND revoked_at IS NULL AND accepted_at IS NULL`,
        [organizationId],
      )
    )[0].n;

  it('refuses any invitation on FREE at its one member, naming the limit; nothing is created or sent', async () => {
    const owner = await ownerOn('FREE');
    const invited = 'solo-guest@example.test';
    const refusal = await rejectionOf(
      auth.call('auth.invitation.create', { email: invited, role: 'viewer' }, owner.principal),
    );
    expect(refusal).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
      details: { limit: { name: 'members', plan: 'FREE', max: 1, usage: 1 } },
    });
    expect(refusal.message).toBe(
      'The FREE plan allows 1 member (open invitations included); remove one or upgrade the plan',
    );
    expect(await openInvitations(owner.organizationId)).toBe(0);
    expect(smtp.messages().filter((mail) => mail.to.includes(invited))).toEqual([]);
  });

  it('allows invitations on STARTER until members + open invitations reach 5', async () => {
    const owner = await ownerOn('STARTER');
    const invite = (email: string) =>
      auth.call('auth.invitation.create', { email, role: 'viewer' }, owner.principal);
    const first = await invite('s1@example.test');
    await invite('s2@example.test');
    await invite('s3@example.test');
    await invite('s4@example.test');
    // Inviting an address again replaces its own open invitation: no extra seat.
    await invite('S4@example.test');
    expect(await rejectionOf(invite('s5@example.test'))).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
      details: { limit: { name: 'members', plan: 'STARTER', max: 5, usage: 5 } },
    });
    // A revoked invitation frees its seat.
    await auth.call('auth.invitation.revoke', { invitationId: first.invitation.id }, owner.principal);
    await expect(invite('s5@example.test')).resolves.toMatchObject({
      invitation: { email: 's5@example.test' },
    });
  });

  it('refuses accepting once the plan no longer has a seat (a downgrade after the invitation)', async () => {
    const owner = await ownerOn('STARTER');
    const invitee = await auth.register();
    await auth.call('auth.invitation.create', { email: invitee.email, role: 'viewer' }, owner.principal);
    const token = await invitationToken(smtp, invitee.email);
    await auth.setPlan(owner.organizationId, 'FREE');
    expect(
      await rejectionOf(auth.call('auth.invitation.accept', { token }, invitee.principal)),
    ).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
      details: { limit: { name: 'members', plan: 'FREE', max: 1, usage: 1 } },
    });
    await auth.setPlan(owner.organizationId, 'STARTER');
    await expect(auth.call('auth.invitation.accept', { token }, invitee.principal)).resolves.toMatchObject({
      membership: { organization: { id: owner.organizationId }, role: 'viewer' },
    });
  });

  it("counts only the caller's organization: another tenant's members and invitations take no seat", async () => {
    const busy = await ownerOn('STARTER');
    for (const n of [1, 2, 3, 4]) {
      await auth.call(
        'auth.invitation.create',
        { email: `busy${n}@example.test`, role: 'viewer' },
        busy.principal,
      );
    }
    const other = await ownerOn('STARTER');
    await expect(
      auth.call('auth.invitation.create', { email: 'other1@example.test', role: 'viewer' }, other.principal),
    ).resolves.toMatchObject({ invitation: { email: 'other1@example.test' } });
  });
});
