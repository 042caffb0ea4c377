import { denylistKeys } from '@platform/contracts';
import {
  invitationTokenFromMail as invitationToken,
  seedOrganization,
  startSmtpSink,
  waitFor,
  type SmtpSink,
} from '@platform/testing';
import { AuthTestApp, rejectionOf, type TestAccount } from './support/auth-test-app';
import { addMember, verifyEmail } from './support/team';

describe('auth memberships and invitations (SMTP sink)', () => {
  let auth: AuthTestApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    auth = await AuthTestApp.start({
      SMTP_URL: smtp.url,
      APP_BASE_URL: 'https://app.example.test',
      INVITATION_TTL_SECONDS: '3',
    });
  }, 60_000);
  afterAll(async () => {
    await auth?.stop();
    await smtp?.close();
  });
  beforeEach(() => smtp.clear());

  describe('invitations', () => {
    it('emails a token; the invited user accepts and joins with the role (event auth.member.joined)', async () => {
      const owner = await auth.register({ organizationName: 'Acme' });
      await auth.setPlan(owner.organizationId, 'STARTER'); // room for the invitation
      await verifyEmail(auth, smtp, owner);
      const invitee = await auth.register();

      const { invitation } = await auth.call(
        'auth.invitation.create',
        { email: invitee.email, role: 'developer' },
        owner.principal,
      );
      expect(invitation).toMatchObject({ email: invitee.email, role: 'developer', invitedBy: owner.userId });
      const mail = await smtp.waitForMessage(invitee.email, { subject: /invited/i });
      expect(mail.subject).toBe('You are invited to join “Acme”');
      const listed = await auth.call('auth.invitation.list', {}, owner.principal);
      expect(listed.items.map((i) => i.id)).toEqual([invitation.id]);

      const token = await invitationToken(smtp, invitee.email);
      const accepted = await auth.call('auth.invitation.accept', { token }, invitee.principal);
      expect(accepted.membership).toMatchObject({
        organization: { id: owner.organizationId, name: 'Acme' },
        role: 'developer',
      });

      const members = await auth.call('auth.member.list', {}, owner.principal);
      expect(members.items.map((m) => [m.email, m.role])).toEqual([
        [owner.email, 'owner'],
        [invitee.email, 'developer'],
      ]);
      expect((await auth.call('auth.invitation.list', {}, owner.principal)).items).toEqual([]);
      await waitFor('member.joined event published', async () => {
        const rows: unknown[] = await auth.dataSource.query(
          `SELECT 1 FROM outbox_events WHERE routing_key = 'auth.member.joined'
           AND payload->>'userId' = $1 AND payload->>'organizationId' = $2 AND published_at IS NOT NULL`,
          [invitee.userId, owner.organizationId],
        );
        return rows.length === 1;
      });
      // The token is single use.
      expect(
        (await rejectionOf(auth.call('auth.invitation.accept', { token }, invitee.principal))).code,
      ).toBe('BAD_REQUEST');
    });

    it('can only be accepted by the user with the invited email', async () => {
      const owner = await auth.register();
      await auth.setPlan(owner.organizationId, 'STARTER'); // room for the invitation
      await verifyEmail(auth, smtp, owner);
      const invitee = await auth.register();
      const intruder = await auth.register();
      await auth.call('auth.invitation.create', { email: invitee.email, role: 'viewer' }, owner.principal);
      const token = await invitationToken(smtp, invitee.email);
      const error = await rejectionOf(auth.call('auth.invitation.accept', { token }, intruder.principal));
      expect(error.code).toBe('FORBIDDEN');
      await expect(auth.call('auth.invitation.accept', { token }, invitee.principal)).resolves.toMatchObject({
        membership: { organization: { id: owner.organizationId }, role: 'viewer' },
      });
    });

    it('re-inviting replaces the open invitation; revoked and expired ones cannot be accepted', async () => {
      const owner = await auth.register();
      await auth.setPlan(owner.organizationId, 'STARTER'); // room for the invitation
      await verifyEmail(auth, smtp, owner);
      const invitee = await auth.register();
      await auth.call('auth.invitation.create', { email: invitee.email, role: 'viewer' }, owner.principal);
      const first = await invitationToken(smtp, invitee.email);
      smtp.clear();
      const { invitation } = await auth.call(
        'auth.invitation.create',
        { email: invitee.email, role: 'billing' },
        owner.principal,
      );
      const second = await invitationToken(smtp, invitee.email);
      expect(
        (await rejectionOf(auth.call('auth.invitation.accept', { token: first }, invitee.principal))).code,
      ).toBe('BAD_REQUEST');

      await auth.call('auth.invitation.revoke', { invitationId: invitation.id }, owner.principal);
      expect(
        (await rejectionOf(auth.call('auth.invitation.accept', { token: second }, invitee.principal))).code,
      ).toBe('BAD_REQUEST');

      smtp.clear();
      await auth.call('auth.invitation.create', { email: invitee.email, role: 'billing' }, owner.principal);
      const third = await invitationToken(smtp, invitee.email);
      await new Promise((resolve) => setTimeout(resolve, 3_100));
      expect(
        (await rejectionOf(auth.call('auth.invitation.accept', { token: third }, invitee.principal))).code,
      ).toBe('BAD_REQUEST');
      expect((await auth.call('auth.invitation.list', {}, owner.principal)).items).toEqual([]);
    });

    it('refuses inviting an existing member (CONFLICT); only owners invite owners; non-managers cannot invite', async () => {
      const owner = await auth.register();
      const admin = await addMember(auth, smtp, owner, 'admin');
      const developer = await addMember(auth, smtp, owner, 'developer');

      expect(
        (
          await rejectionOf(
            auth.call('auth.invitation.create', { email: admin.email, role: 'viewer' }, owner.principal),
          )
        ).code,
      ).toBe('CONFLICT');
      expect(
        (
          await rejectionOf(
            auth.call(
              'auth.invitation.create',
              { email: 'new@example.test', role: 'owner' },
              admin.principal,
            ),
          )
        ).code,
      ).toBe('FORBIDDEN');
      await expect(
        auth.call('auth.invitation.create', { email: 'new@example.test', role: 'admin' }, admin.principal),
      ).resolves.toMatchObject({
        invitation: { email: 'new@example.test', role: 'admin', invitedBy: admin.userId },
      });
      expect(
        (
          await rejectionOf(
            auth.call(
              'auth.invitation.create',
              { email: 'dev@example.test', role: 'viewer' },
              developer.principal,
            ),
          )
        ).code,
      ).toBe('FORBIDDEN');
    });
  });

  describe('roles', () => {
    let owner: TestAccount;
    let admin: TestAccount;
    let developer: TestAccount;

    beforeAll(async () => {
      ({ owner, admin, developer } = (await seedOrganization(auth.rpc, smtp, 'roles')).members);
    });

    const changeRole = (
      actor: TestAccount,
      target: TestAccount,
      role: 'owner' | 'admin' | 'developer' | 'billing' | 'viewer',
    ) => auth.call('auth.member.change-role', { userId: target.userId, role }, actor.principal);

    it('admins manage non-owners but cannot touch owners or grant ownership', async () => {
      await expect(changeRole(admin, developer, 'billing')).resolves.toMatchObject({
        member: { userId: developer.userId, role: 'billing' },
      });
      expect((await rejectionOf(changeRole(admin, owner, 'viewer'))).code).toBe('FORBIDDEN');
      expect((await rejectionOf(changeRole(admin, developer, 'owner'))).code).toBe('FORBIDDEN');
      expect(
        (await rejectionOf(auth.call('auth.member.remove', { userId: owner.userId }, admin.principal))).code,
      ).toBe('FORBIDDEN');
      expect((await rejectionOf(changeRole(developer, admin, 'viewer'))).code).toBe('FORBIDDEN');
      await changeRole(admin, developer, 'developer');
    });

    it('keeps at least one owner: the last owner can be neither demoted nor removed', async () => {
      expect((await rejectionOf(changeRole(owner, owner, 'admin'))).code).toBe('CONFLICT');
      expect(
        (await rejectionOf(auth.call('auth.member.remove', { userId: owner.userId }, owner.principal))).code,
      ).toBe('CONFLICT');

      await changeRole(owner, admin, 'owner');
      await expect(changeRole(owner, owner, 'admin')).resolves.toMatchObject({ member: { role: 'admin' } });
      // `admin` is now the only owner, and the former owner (now admin) cannot demote them.
      expect((await rejectionOf(changeRole(owner, admin, 'viewer'))).code).toBe('FORBIDDEN');
      expect((await rejectionOf(changeRole(admin, admin, 'viewer'))).code).toBe('CONFLICT');
      await changeRole(admin, owner, 'owner');
      await changeRole(owner, admin, 'admin');
    });

    it('uses the current role, not the one in an older token', async () => {
      const viewer = await addMember(auth, smtp, owner, 'admin');
      await changeRole(owner, viewer, 'viewer');
      // viewer.principal still says admin.
      expect(viewer.principal.roles).toEqual(['admin']);
      expect((await rejectionOf(changeRole(viewer, developer, 'billing'))).code).toBe('FORBIDDEN');
    });

    it('removing a member ends their sessions in that organization only', async () => {
      const leaving = await addMember(auth, smtp, owner, 'viewer');
      const ownOrgSession = await auth.login(
        leaving.email,
        leaving.password,
        (await auth.call('auth.organization.list', {}, leaving.principal)).items[0]!.organization.id,
      );

      await expect(
        auth.call('auth.member.remove', { userId: leaving.userId }, admin.principal),
      ).resolves.toEqual({ removed: true });
      expect(await auth.isDenied(denylistKeys.session(leaving.principal.sessionId!))).toBe(true);
      expect(await auth.isDenied(denylistKeys.session(ownOrgSession.principal.sessionId!))).toBe(false);
      expect((await rejectionOf(auth.call('auth.profile.get', {}, leaving.principal))).code).toBe(
        'FORBIDDEN',
      );
      expect(
        (
          await rejectionOf(
            auth.call('auth.session.login', {
              email: leaving.email,
              password: leaving.password,
              organizationId: owner.organizationId,
            }),
          )
        ).code,
      ).toBe('NOT_FOUND');
      const members = await auth.call('auth.member.list', {}, owner.principal);
      expect(members.items.map((m) => m.userId)).not.toContain(leaving.userId);
    });
  });

  describe('cross-tenant', () => {
    it('a member of org A gets NOT_FOUND for org B members and invitations by id, and sees only A in lists', async () => {
      const ownerA = await auth.register({ organizationName: 'A' });
      const ownerB = await auth.register({ organizationName: 'B' });
      const memberB = await addMember(auth, smtp, ownerB, 'developer');
      const { invitation: invitationB } = await auth.call(
        'auth.invitation.create',
        { email: 'someone@example.test', role: 'viewer' },
        ownerB.principal,
      );

      const change = await rejectionOf(
        auth.call('auth.member.change-role', { userId: memberB.userId, role: 'viewer' }, ownerA.principal),
      );
      expect(change.code).toBe('NOT_FOUND');
      expect(
        (await rejectionOf(auth.call('auth.member.remove', { userId: memberB.userId }, ownerA.principal)))
          .code,
      ).toBe('NOT_FOUND');
      expect(
        (await rejectionOf(auth.call('auth.member.remove', { userId: ownerB.userId }, ownerA.principal)))
          .code,
      ).toBe('NOT_FOUND');
      expect(
        (
          await rejectionOf(
            auth.call('auth.invitation.revoke', { invitationId: invitationB.id }, ownerA.principal),
          )
        ).code,
      ).toBe('NOT_FOUND');

      const membersA = await auth.call('auth.member.list', {}, ownerA.principal);
      expect(membersA.items.map((m) => m.userId)).toEqual([ownerA.userId]);
      expect((await auth.call('auth.invitation.list', {}, ownerA.principal)).items).toEqual([]);
      // B is untouched.
      expect((await auth.call('auth.member.list', {}, ownerB.principal)).items).toHaveLength(2);
      expect((await auth.call('auth.invitation.list', {}, ownerB.principal)).items.map((i) => i.id)).toEqual([
        invitationB.id,
      ]);
    });

    it('a principal claiming an organization the user is not a member of gets FORBIDDEN, never data', async () => {
      const a = await auth.register();
      const b = await auth.register();
      const forged = { ...a.principal, organizationId: b.organizationId };
      expect((await rejectionOf(auth.call('auth.member.list', {}, forged))).code).toBe('FORBIDDEN');
      expect((await rejectionOf(auth.call('auth.invitation.list', {}, forged))).code).toBe('FORBIDDEN');
    });
  });
});
