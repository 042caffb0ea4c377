import { RpcClient } from '@platform/messaging';
import { seedOrganization } from '@platform/testing';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

/** The shared seeder (libs/testing) builds a real organization through auth's RPCs. */
describe('seedOrganization (whole platform)', () => {
  const suite = usePlatform(GENEROUS_LIMITS);

  it('creates an organization with its owner and one member of every role, as the gateway sees them', async () => {
    const rpc = suite.platform.gateway.app.get(RpcClient);
    const seeded = await seedOrganization(rpc, suite.platform.mail, 'team');

    const listed = await suite.api.get<{ items: { userId: string; role: string }[] }>('/v1/orgs/members', {
      token: seeded.members.viewer.tokens.accessToken,
    });
    expect(listed.status).toBe(200);
    const roleOf = new Map(listed.body.items.map((member) => [member.userId, member.role]));
    expect(
      ['owner', 'admin', 'developer', 'billing', 'viewer'].map((role) => [
        role,
        roleOf.get(seeded.members[role as keyof typeof seeded.members].userId),
      ]),
    ).toEqual([
      ['owner', 'owner'],
      ['admin', 'admin'],
      ['developer', 'developer'],
      ['billing', 'billing'],
      ['viewer', 'viewer'],
    ]);
    expect(listed.body.items).toHaveLength(5);
    expect(seeded.members.billing.principal).toMatchObject({
      kind: 'user',
      organizationId: seeded.organizationId,
      roles: ['billing'],
    });
  });
});
