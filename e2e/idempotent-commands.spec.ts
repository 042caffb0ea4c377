import { ensureVerified, register, uniqueEmail, type Account } from './support/accounts';
import type { ApiResponse } from './support/api-client';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

interface CreatedKey {
  apiKey: { id: string; name: string };
  secret: string;
}
interface CreatedInvitation {
  invitation: { id: string; email: string; role: string };
}

/**
 * Issue 7 point 4 through the gateway: API-key and invitation creation honour `Idempotency-Key`
 * (per organization and caller, 24 h): the same request again answers the stored response with
 * `Idempotent-Replayed: true` and runs nothing a second time; another request with the key → 422;
 * while the first runs → 409.
 */
describe('Idempotency-Key on auth commands (whole platform)', () => {
  const suite = usePlatform(GENEROUS_LIMITS, { organizationsStartOn: 'ENTERPRISE' });

  const createKey = (owner: Account, idempotencyKey: string, name = 'ci') =>
    suite.api.post<CreatedKey>('/v1/orgs/api-keys', {
      token: owner.tokens.accessToken,
      headers: { 'idempotency-key': idempotencyKey },
      json: { name, scopes: [] },
    });
  const listKeys = async (owner: Account) => {
    const list = await suite.api.get<{ items: { id: string }[] }>('/v1/orgs/api-keys', {
      token: owner.tokens.accessToken,
    });
    expect(list.status).toBe(200);
    return list.body.items.map((key) => key.id);
  };
  const replayed = (response: ApiResponse<unknown>) => response.headers.get('idempotent-replayed');
  const expectProblem = (response: ApiResponse<unknown>, status: number, code: string) => {
    expect({ status: response.status, body: response.body }).toMatchObject({
      status,
      body: { status, code },
    });
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  };

  it('answers the same API-key creation twice with one key: same body, the second flagged replayed', async () => {
    const owner = await register(suite.api, 'idem-keys');

    const first = await createKey(owner, 'k1');
    const again = await createKey(owner, 'k1');

    expect([first.status, replayed(first)]).toEqual([201, null]);
    expect([again.status, replayed(again)]).toEqual([201, 'true']);
    expect(again.body).toEqual(first.body);
    expect(first.body.secret).toMatch(/\S{20,}/);
    expect(await listKeys(owner)).toEqual([first.body.apiKey.id]);
  });

  it('refuses the same key for another request with 422 IDEMPOTENCY_KEY_REUSED, creating nothing', async () => {
    const owner = await register(suite.api, 'idem-reuse');
    const first = await createKey(owner, 'k1', 'first name');

    const other = await createKey(owner, 'k1', 'another name');

    expectProblem(other, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(replayed(other)).toBeNull();
    expect(await listKeys(owner)).toEqual([first.body.apiKey.id]);
  });

  it('lets only one of two concurrent requests with a fresh key run (the other 409, or replayed)', async () => {
    const owner = await register(suite.api, 'idem-race');

    const [one, two] = await Promise.all([createKey(owner, 'race-1'), createKey(owner, 'race-1')]);

    const ran = [one, two].filter((r) => r.status === 201 && replayed(r) === null);
    expect(ran).toHaveLength(1);
    const other = one === ran[0] ? two : one;
    if (other.status === 409) {
      // It arrived while the first was running.
      expectProblem(other, 409, 'IDEMPOTENCY_KEY_IN_FLIGHT');
    } else {
      // It arrived after the first committed: the stored answer.
      expect([other.status, replayed(other), other.body]).toEqual([201, 'true', ran[0]!.body]);
    }
    expect(await listKeys(owner)).toEqual([ran[0]!.body.apiKey.id]);
  });

  it("keeps keys per organization: B's k1 is its own request, never A's stored answer", async () => {
    const a = await register(suite.api, 'idem-tenant-a');
    const b = await register(suite.api, 'idem-tenant-b');

    const ofA = await createKey(a, 'k1');
    const ofB = await createKey(b, 'k1');

    expect([ofB.status, replayed(ofB)]).toEqual([201, null]);
    expect(ofB.body.apiKey.id).not.toBe(ofA.body.apiKey.id);
    expect(ofB.body.secret).not.toBe(ofA.body.secret);
    expect(await listKeys(a)).toEqual([ofA.body.apiKey.id]);
    expect(await listKeys(b)).toEqual([ofB.body.apiKey.id]);
    // And B's own replay answers B's key.
    const againB = await createKey(b, 'k1');
    expect([againB.status, replayed(againB), againB.body]).toEqual([201, 'true', ofB.body]);
  });

  it('replays an invitation without sending its email a second time', async () => {
    const owner = await register(suite.api, 'idem-inviter');
    await ensureVerified(suite.api, suite.platform.mail, owner);
    const invitee = uniqueEmail('idem-invitee');
    const invite = () =>
      suite.api.post<CreatedInvitation>('/v1/orgs/invitations', {
        token: owner.tokens.accessToken,
        headers: { 'idempotency-key': 'invite-1' },
        json: { email: invitee, role: 'viewer' },
      });
    const mailsTo = () =>
      suite.platform.mail.messages().filter((m) => m.to.includes(invitee) && /invit/i.test(m.subject));

    const first = await invite();
    expect([first.status, replayed(first)]).toEqual([201, null]);
    await suite.platform.mail.waitForMessage(invitee, { subject: /invit/i, timeoutMs: 10_000 });
    const again = await invite();

    expect([again.status, replayed(again), again.body]).toEqual([201, 'true', first.body]);
    // The email is sent before the answer, so a second one would already be here.
    expect(mailsTo()).toHaveLength(1);
    const open = await suite.api.get<{ items: { id: string }[] }>('/v1/orgs/invitations', {
      token: owner.tokens.accessToken,
    });
    expect(open.body.items.map((invitation) => invitation.id)).toEqual([first.body.invitation.id]);
  });
});
