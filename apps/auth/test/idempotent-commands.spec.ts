import { randomUUID } from 'node:crypto';
import type { Principal } from '@platform/contracts';
import { AuthTestApp, type TestAccount } from './support/auth-test-app';

/**
 * Issue 7 point 4 inside auth: the opted-in commands write through the transaction the
 * idempotency interceptor opened (their services' runInTenant joins it), so the command's rows, the
 * stored Idempotency-Key answer and the message-id record commit together — rows written by one
 * transaction carry the same `xmin`. Were the service to open its own transaction, a crash between
 * the two commits would leave a key created without its stored answer (and a retry would mint another).
 */
describe('auth commands under @IdempotentCommand: one transaction for the work and the ledgers', () => {
  let auth: AuthTestApp;
  let owner: TestAccount;

  beforeAll(async () => {
    auth = await AuthTestApp.start();
    owner = await auth.register();
    await auth.setPlan(owner.organizationId, 'STARTER'); // room for the invitation
    await auth.markEmailVerified(owner.userId);
  }, 60_000);
  afterAll(() => auth?.stop());

  const callWithKey = (pattern: string, data: Record<string, unknown>, principal: Principal, key: string) =>
    auth.rpc.callWithMeta<Record<string, { id: string }>>(pattern, {
      principal,
      data,
      meta: { requestId: randomUUID(), idempotencyKey: key },
    });
  const xminOf = async (sql: string, params: unknown[]) => {
    const rows = (await auth.dataSource.query(sql, params)) as { xmin: string }[];
    expect(rows).toHaveLength(1);
    return rows[0]!.xmin;
  };
  /** The stored answer of `key` and the newest message record of `command` (this suite calls each once). */
  const ledgerXmins = async (command: string, key: string) => ({
    stored: await xminOf(
      `SELECT xmin::text FROM idempotency_keys WHERE organization_id = $1 AND idempotency_key = $2`,
      [owner.organizationId, key],
    ),
    message: await xminOf(`SELECT xmin::text FROM processed_commands WHERE command = $1`, [command]),
  });

  it('commits an API key with its stored answer and message record (same xmin)', async () => {
    const created = await callWithKey(
      'auth.api-key.create',
      { name: 'ci', scopes: [] },
      owner.principal,
      'tx-key',
    );

    const keyRow = await xminOf(`SELECT xmin::text FROM api_keys WHERE id = $1`, [created.data.apiKey!.id]);
    expect(created.replayed).toBe(false);
    expect(await ledgerXmins('auth.api-key.create', 'tx-key')).toEqual({ stored: keyRow, message: keyRow });
  });

  it('commits an invitation with its stored answer and message record (same xmin)', async () => {
    const created = await callWithKey(
      'auth.invitation.create',
      { email: `tx-${randomUUID().slice(0, 8)}@example.test`, role: 'viewer' },
      owner.principal,
      'tx-invite',
    );

    const invitationRow = await xminOf(`SELECT xmin::text FROM invitations WHERE id = $1`, [
      created.data.invitation!.id,
    ]);
    expect(await ledgerXmins('auth.invitation.create', 'tx-invite')).toEqual({
      stored: invitationRow,
      message: invitationRow,
    });
  });

  it('keeps a new API key’s secret sealed in both ledgers, and replays the same secret', async () => {
    const first = await auth.rpc.callWithMeta<{ secret: string; apiKey: { id: string } }>(
      'auth.api-key.create',
      {
        principal: owner.principal,
        data: { name: 'sealed', scopes: [] },
        meta: { requestId: randomUUID(), idempotencyKey: 'sealed-key' },
      },
    );
    const stored = (await auth.dataSource.query(
      `SELECT k.response::text AS keyed, c.response::text AS message
         FROM idempotency_keys k, processed_commands c
        WHERE k.organization_id = $1 AND k.idempotency_key = 'sealed-key' AND c.response::text = k.response::text`,
      [owner.organizationId],
    )) as { keyed: string; message: string }[];
    expect(stored).toHaveLength(1);
    // Neither the secret nor any part of the answer is readable at rest.
    expect(stored[0]!.keyed).not.toContain(first.data.secret);
    expect(stored[0]!.keyed).not.toContain(first.data.apiKey.id);
    expect(stored[0]!.keyed).toMatch(/^\{"value": "v1\.[\w-]+\.[\w-]+\.[\w-]+"\}$/);

    const replay = await auth.rpc.callWithMeta<{ secret: string; apiKey: { id: string } }>(
      'auth.api-key.create',
      {
        principal: owner.principal,
        data: { name: 'sealed', scopes: [] },
        meta: { requestId: randomUUID(), idempotencyKey: 'sealed-key' },
      },
    );
    expect(replay).toEqual({ data: first.data, replayed: true });
  });
});
