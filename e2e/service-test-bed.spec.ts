import type { AuthEnv } from '../apps/auth/src/config/auth-env.schema';
import { authService } from '../apps/auth/src/service-definition';
import { paymentsService } from '../apps/payments/src/service-definition';
import { authContract, paymentsContract } from '@platform/contracts';
import { findTenantIsolationGaps } from '@platform/tenancy';
import { seedOrganization, ServiceTestBed, startSmtpSink, type SmtpSink } from '@platform/testing';

/** The generic service test-bed (libs/testing): one service, fresh database and vhost, RPC client. */
describe('ServiceTestBed', () => {
  it('boots a service on its own database and vhost and answers its RPC health ping', async () => {
    const bed = await ServiceTestBed.start(paymentsService, { contract: paymentsContract });
    try {
      expect(await bed.ping()).toMatchObject({ service: 'payments' });
      expect(await findTenantIsolationGaps(bed.admin)).toEqual([]);
    } finally {
      await bed.stop();
    }
  });

  describe('with auth and the seeder', () => {
    let smtp: SmtpSink;
    let auth: ServiceTestBed<AuthEnv, typeof authContract>;

    beforeAll(async () => {
      smtp = await startSmtpSink();
      auth = await ServiceTestBed.start(authService, {
        contract: authContract,
        env: { SMTP_URL: smtp.url, ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' },
      });
    }, 60_000);
    afterAll(async () => {
      await auth?.stop();
      await smtp?.close();
    });

    it('seeds an organization with a member of every role, straight over RPC', async () => {
      const seeded = await seedOrganization(auth.rpc, smtp, 'bed');
      // Typed from the contract: `items` is the member list's result, checked against its schema.
      const { items } = await auth.call('auth.member.list', {}, seeded.members.developer.principal);
      expect(items.map((member) => member.role).sort()).toEqual([
        'admin',
        'billing',
        'developer',
        'owner',
        'viewer',
      ]);
    });

    it('seeds on a plan: the owner redeems an organization code and every member lands in that organization', async () => {
      const seeded = await seedOrganization(auth.rpc, smtp, { label: 'plan', plan: 'STARTER' });
      const { items } = await auth.call('auth.organization.list', {}, seeded.owner.principal);
      // The owner's own organization from registration, plus the one created from the code.
      expect(items).toHaveLength(2);
      expect(
        Object.values(seeded.members).map(({ role, principal }) => [
          role,
          principal.organizationId,
          principal.plan,
        ]),
      ).toEqual(
        ['owner', 'admin', 'developer', 'billing', 'viewer'].map((role) => [
          role,
          seeded.organizationId,
          'STARTER',
        ]),
      );
    });
  });
});
