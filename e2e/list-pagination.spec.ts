import { addMember, ownerOnPlan, register, uniqueEmail, type Account } from './support/accounts';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
type Named = { id: string; name: string };

/** Cursor pagination of every list of the public API (issue 6 point 4), through the gateway. */
describe('cursor pagination of lists (whole platform)', () => {
  const suite = usePlatform(GENEROUS_LIMITS, { organizationsStartOn: 'ENTERPRISE' });

  const getPage = <T>(path: string, account: Account, query: Record<string, string>) =>
    suite.api.get<Page<T>>(path, { token: account.tokens.accessToken, query });
  const createKey = async (owner: Account, name: string): Promise<string> => {
    const created = await suite.api.post<{ apiKey: { id: string } }>('/v1/orgs/api-keys', {
      token: owner.tokens.accessToken,
      json: { name },
    });
    expect(created.status).toBe(201);
    return created.body.apiKey.id;
  };

  let starter: Account;
  let created: string[];
  beforeAll(async () => {
    starter = await ownerOnPlan(suite.api, suite.platform, 'STARTER');
    created = [];
    for (let i = 1; i <= 7; i++) created.push(await createKey(starter, `key ${i}`));
  });

  it('pages 7 API keys 3, 3, 1 (newest first) with no duplicate or gap while a key is added between pages', async () => {
    const first = await getPage<Named>('/v1/orgs/api-keys', starter, { limit: '3' });
    expect(first.status).toBe(200);
    const late = await createKey(starter, 'added between pages');
    const second = await getPage<Named>('/v1/orgs/api-keys', starter, { limit: '3', cursor: first.body.nextCursor! });
    const third = await getPage<Named>('/v1/orgs/api-keys', starter, { limit: '3', cursor: second.body.nextCursor! });

    expect([first, second, third].map((page) => page.body.items.length)).toEqual([3, 3, 1]);
    expect(typeof first.body.nextCursor).toBe('string');
    expect(third.body.nextCursor).toBeNull();
    const seen = [first, second, third].flatMap((page) => page.body.items.map((key) => key.id));
    expect(seen).toEqual([...created].reverse());
    expect(seen).not.toContain(late);

    // Without ?limit the default page (50) holds all 8, and says it is the last one.
    const all = await getPage<Named>('/v1/orgs/api-keys', starter, {});
    expect(all.body.items.map((key) => key.id)).toEqual([late, ...[...created].reverse()]);
    expect(all.body.nextCursor).toBeNull();
  });

  it('answers 400 problem+json for a malformed cursor or a limit outside 1..100', async () => {
    const bad: Record<string, string>[] = [
      { cursor: 'not a cursor' },
      { cursor: Buffer.from('{"x":1}').toString('base64url') },
      { cursor: Buffer.from('[1,2,3]').toString('base64url') },
      { limit: '0' },
      { limit: '101' },
      { limit: 'ten' },
    ];
    for (const query of bad) {
      const response = await getPage('/v1/orgs/api-keys', starter, query);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await getPage('/v1/orgs/api-keys', starter, { limit: '100' })).status).toBe(200);
  });

  it('never reveals another organization’s rows through its cursor', async () => {
    const outsider = await register(suite.api, 'outsider');
    const ownKey = await createKey(outsider, 'outsider key');
    const victimPage = await getPage<Named>('/v1/orgs/api-keys', starter, { limit: '3' });

    const replayed = await getPage<Named>('/v1/orgs/api-keys', outsider, {
      limit: '3',
      cursor: victimPage.body.nextCursor!,
    });
    expect(replayed.status).toBe(400);
    expect(JSON.stringify(replayed.body)).not.toMatch(new RegExp(created.join('|')));
    // A cursor of one list is no good for another list either.
    const members = await getPage('/v1/orgs/members', outsider, { cursor: victimPage.body.nextCursor! });
    expect(members.status).toBe(400);
    // The outsider's own list is untouched.
    const own = await getPage<Named>('/v1/orgs/api-keys', outsider, {});
    expect(own.body.items.map((key) => key.id)).toEqual([ownKey]);
  });

  it('pages members, invitations and my organizations the same way', async () => {
    const owner = await register(suite.api, 'lists');
    const member = await addMember(suite.api, suite.platform.mail, owner, 'viewer');
    const pageThrough = async (path: string, account: Account, limit: number) => {
      const sizes: number[] = [];
      const items: unknown[] = [];
      let cursor: string | null = null;
      do {
        const query: Record<string, string> = { limit: String(limit), ...(cursor ? { cursor } : {}) };
        const page = await getPage(path, account, query);
        expect(page.status).toBe(200);
        sizes.push(page.body.items.length);
        items.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      return { sizes, items };
    };

    const members = await pageThrough('/v1/orgs/members', owner, 1);
    expect(members.sizes).toEqual([1, 1]);
    expect(members.items.map((m) => (m as { userId: string }).userId)).toEqual([owner.userId, member.userId]);

    const invited = [uniqueEmail('a'), uniqueEmail('b'), uniqueEmail('c')];
    for (const email of invited) {
      const invite = await suite.api.post('/v1/orgs/invitations', {
        token: owner.tokens.accessToken,
        json: { email, role: 'viewer' },
      });
      expect(invite.status).toBe(201);
    }
    const invitations = await pageThrough('/v1/orgs/invitations', owner, 2);
    expect(invitations.sizes).toEqual([2, 1]);
    expect(invitations.items.map((i) => (i as { email: string }).email)).toEqual([...invited].reverse());

    for (const name of ['Second', 'Third']) {
      expect((await suite.api.post('/v1/orgs', { token: member.tokens.accessToken, json: { name } })).status).toBe(201);
    }
    // The member's own organization (from registration), the owner's, then the two new ones.
    const organizations = await pageThrough('/v1/orgs', member, 3);
    expect(organizations.sizes).toEqual([3, 1]);
    const names = organizations.items.map((m) => (m as { organization: { name: string } }).organization.name);
    expect(names.slice(1)).toEqual(['Org of lists', 'Second', 'Third']);
  });
});
