import { waitFor } from '@platform/testing';
import { addMember, ownerOnPlan, register, type Account } from './support/accounts';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

interface UsageItem {
  metric: string;
  used: number;
  limit: number | null;
  percent: number | null;
  plan: string;
  periodStart: string;
  periodEnd: string;
}

/** Written out from the plan table (not read from libs/contracts, which is the code under test). */
const GB = 1024 ** 3;
const STARTER = { maxUsers: 5, maxRecordings: 100, storageBytes: 10 * GB };
const FREE = { maxUsers: 1, maxRecordings: 10, storageBytes: 1 * GB };

/**
 * Metering end to end (issue 9): what the services announce (recordings created and deleted,
 * members joining, the gateway's batches of admitted requests) lands in payments' ledger, and
 * `GET /v1/payments/usage` reads it back through the gateway — per organization, to billing roles.
 */
describe('metering through the whole platform: GET /v1/payments/usage', () => {
  const suite = usePlatform({ ...GENEROUS_LIMITS, USAGE_FLUSH_MS: '100' });

  const usageOf = async (account: Account): Promise<Record<string, UsageItem>> => {
    const answer = await suite.api.get<{ items: UsageItem[] }>('/v1/payments/usage', {
      token: account.tokens.accessToken,
    });
    expect(answer.status).toBe(200);
    return Object.fromEntries(answer.body.items.map((item) => [item.metric, item]));
  };
  const createRecording = async (owner: Account, title: string) => {
    const created = await suite.api.post<{ id: string }>('/v1/recordings', {
      token: owner.tokens.accessToken,
      json: { title },
    });
    expect(created.status).toBe(201);
    return created.body.id;
  };

  let owner: Account;
  let stranger: Account;

  beforeAll(async () => {
    [owner, stranger] = await Promise.all([
      ownerOnPlan(suite.api, suite.platform, 'STARTER'),
      register(suite.api, 'usage-stranger'),
    ]);
  }, 60_000);

  it('counts what the organization holds: recordings created minus deleted, members, against the STARTER limits', async () => {
    const ids = await Promise.all(['one', 'two', 'three'].map((title) => createRecording(owner, title)));
    const deleted = await suite.api.call('DELETE', `/v1/recordings/${ids[0]}`, {
      token: owner.tokens.accessToken,
    });
    expect(deleted.status).toBe(204);
    await addMember(suite.api, suite.platform.mail, owner, 'developer');

    const usage = await waitFor('recordings and members metered', async () => {
      const now = await usageOf(owner);
      return now.recordings?.used === 2 && now.members?.used === 2 ? now : undefined;
    });

    expect(usage.recordings).toMatchObject({
      used: 2,
      limit: STARTER.maxRecordings,
      percent: 2,
      plan: 'STARTER',
    });
    // The owner and the developer.
    expect(usage.members).toMatchObject({ used: 2, limit: STARTER.maxUsers, percent: 40, plan: 'STARTER' });
    expect(usage.storageBytes).toMatchObject({ used: 0, limit: STARTER.storageBytes, percent: 0 });
    // API calls are throttled per minute, never capped per period: no limit, no percentage.
    expect(usage.apiCalls).toMatchObject({ limit: null, percent: null, plan: 'STARTER' });
    expect(Object.keys(usage).sort()).toEqual(['apiCalls', 'members', 'recordings', 'storageBytes']);
    // The calendar month (no subscription): [start, end) of the current period.
    const start = Date.parse(usage.recordings!.periodStart);
    expect(start).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(usage.recordings!.periodEnd)).toBeGreaterThan(Date.now());
  });

  it('counts every request the gateway admitted for the organization, batched, once', async () => {
    const counter = await register(suite.api, 'usage-counter');
    const before = (await usageOf(counter)).apiCalls!.used;
    const CALLS = 7;
    for (let i = 0; i < CALLS; i++) {
      expect((await suite.api.get('/v1/recordings', { token: counter.tokens.accessToken })).status).toBe(200);
    }
    // Each reading is itself an admitted request: at least the 7 calls show up, and at most one
    // more per reading (the first reading above included).
    let readings = 1;
    const used = await waitFor('the gateway batch to reach payments', async () => {
      readings += 1;
      const now = (await usageOf(counter)).apiCalls!.used;
      return now >= before + CALLS ? now : undefined;
    });
    expect(used).toBeLessThanOrEqual(before + CALLS + readings);
  });

  it('is per organization: a stranger sees its own FREE figures, never the owner’s', async () => {
    const usage = await usageOf(stranger);
    expect(usage.recordings).toMatchObject({ used: 0, limit: FREE.maxRecordings, plan: 'FREE' });
    expect(usage.members).toMatchObject({ used: 1, limit: FREE.maxUsers, percent: 100, plan: 'FREE' });
    expect(usage.storageBytes).toMatchObject({ used: 0, limit: FREE.storageBytes });
    // And the owner's figures did not move because of the stranger.
    expect((await usageOf(owner)).recordings).toMatchObject({ used: 2 });
  });

  it('is for billing roles: a viewer of the organization gets 403, an invalid metric 400', async () => {
    const viewer = await addMember(suite.api, suite.platform.mail, owner, 'viewer');
    const refused = await suite.api.get('/v1/payments/usage', { token: viewer.tokens.accessToken });
    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    const invalid = await suite.api.get('/v1/payments/usage?metric=minutes', {
      token: owner.tokens.accessToken,
    });
    expect([invalid.status, invalid.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const one = await suite.api.get<{ items: UsageItem[] }>('/v1/payments/usage?metric=recordings', {
      token: owner.tokens.accessToken,
    });
    expect(one.body.items.map((item) => item.metric)).toEqual(['recordings']);
  });
});
