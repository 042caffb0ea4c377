import { issueOrganizationCode, ownerOnPlan, register, type Account } from './support/accounts';
import type { ApiResponse } from './support/api-client';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

/** Written out from the plan table (not read from libs/contracts, which is the code under test). */
const FREE_MAX_API_KEYS = 2;
const STARTER_MAX_API_KEYS = 10;
/** Small in tests; the default is 5. */
const MAX_OWNED_ORGANIZATIONS = 3;

/** Caps on what one organization or one user can create (issue 6 point 4), through the gateway. */
describe('plan and account caps (whole platform)', () => {
  const suite = usePlatform({
    ...GENEROUS_LIMITS,
    MAX_OWNED_ORGANIZATIONS_PER_USER: String(MAX_OWNED_ORGANIZATIONS),
  });

  const createKey = (owner: Account, name: string) =>
    suite.api.post<{ apiKey: { id: string } }>('/v1/orgs/api-keys', {
      token: owner.tokens.accessToken,
      json: { name },
    });
  const expectPlanLimit = (response: ApiResponse<unknown>, limit: Record<string, unknown>) => {
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ code: 'PLAN_LIMIT_REACHED', limit });
  };

  it('lets a FREE organization hold 2 active API keys, even when 6 are asked for at once', async () => {
    const owner = await register(suite.api, 'free-keys');

    const attempts = await Promise.all(Array.from({ length: 6 }, (_, i) => createKey(owner, `key ${i}`)));

    expect(attempts.filter((r) => r.status === 201)).toHaveLength(FREE_MAX_API_KEYS);
    for (const refused of attempts.filter((r) => r.status !== 201)) {
      expectPlanLimit(refused, { name: 'apiKeys', plan: 'FREE', max: FREE_MAX_API_KEYS, usage: 2 });
    }
  });

  it('does not count revoked keys against the cap', async () => {
    const owner = await register(suite.api, 'revoker');
    const first = await createKey(owner, 'first');
    expect((await createKey(owner, 'second')).status).toBe(201);
    expectPlanLimit(await createKey(owner, 'third'), { name: 'apiKeys', usage: 2 });

    const revoked = await suite.api.call('DELETE', `/v1/orgs/api-keys/${first.body.apiKey.id}`, {
      token: owner.tokens.accessToken,
    });
    expect(revoked.status).toBe(204);
    expect((await createKey(owner, 'third')).status).toBe(201);
  });

  it('gives a STARTER organization 10 keys', async () => {
    const owner = await ownerOnPlan(suite.api, suite.platform, 'STARTER');
    for (let i = 0; i < STARTER_MAX_API_KEYS; i++) expect((await createKey(owner, `key ${i}`)).status).toBe(201);
    expectPlanLimit(await createKey(owner, 'one too many'), {
      name: 'apiKeys',
      plan: 'STARTER',
      max: STARTER_MAX_API_KEYS,
      usage: STARTER_MAX_API_KEYS,
    });
  });

  it('caps the organizations a user owns, across POST /v1/orgs and /v1/orgs/from-code, under concurrency', async () => {
    const user = await register(suite.api, 'founder'); // owns 1
    const createOrg = (name: string) =>
      suite.api.post('/v1/orgs', { token: user.tokens.accessToken, json: { name } });

    const attempts = await Promise.all(Array.from({ length: 5 }, (_, i) => createOrg(`Org ${i}`)));

    expect(attempts.filter((r) => r.status === 201)).toHaveLength(MAX_OWNED_ORGANIZATIONS - 1);
    const refused = attempts.find((r) => r.status !== 201)!;
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'ACCOUNT_LIMIT_REACHED',
      limit: { name: 'ownedOrganizations', max: MAX_OWNED_ORGANIZATIONS, usage: MAX_OWNED_ORGANIZATIONS },
    });

    const code = await issueOrganizationCode(suite.platform, 'STARTER');
    const fromCode = await suite.api.post('/v1/orgs/from-code', {
      token: user.tokens.accessToken,
      json: { code, organizationName: 'One more' },
    });
    expect(fromCode.status).toBe(403);
    expect(fromCode.body).toMatchObject({ code: 'ACCOUNT_LIMIT_REACHED' });
    // The code was not spent by the refused attempt.
    const validated = await suite.api.post('/v1/orgs/validate-code', { json: { code } });
    expect(validated.body).toMatchObject({ valid: true, redeemed: false });

    // Another user is not affected.
    const other = await register(suite.api, 'other-founder');
    expect((await suite.api.post('/v1/orgs', { token: other.tokens.accessToken, json: { name: 'X' } })).status).toBe(201);
  });
});
