import { connect, type ConsumeMessage } from 'amqplib';
import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import type { Principal } from '@platform/contracts';
import { createDataSource, initializeDataSource } from '@platform/persistence';
import { enableTenantRls, findTenantIsolationGaps, runAsSystem } from '@platform/tenancy';
import {
  createTestDatabase,
  createTestVhost,
  waitFor,
  type TestDatabase,
  type TestVhost,
} from '@platform/testing';
import {
  CreateIdempotencyTables1764050000000,
  purgeExpiredCommandRecords,
  runTenantCommand,
  type TenantCommand,
} from '../src';

const ORG_A = '0a000000-0000-4000-8000-00000000000a';
const ORG_B = '0b000000-0000-4000-8000-00000000000b';
const ALICE = '0c000000-0000-4000-8000-0000000000a1';
const ANDY = '0c000000-0000-4000-8000-0000000000a2';
const T0 = new Date('2026-03-01T10:00:00.000Z');

class CreateCharges1700000000000 implements MigrationInterface {
  name = 'CreateCharges1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE charges (
      id serial PRIMARY KEY,
      organization_id uuid NOT NULL,
      amount int NOT NULL)`);
    await queryRunner.query(`CREATE INDEX idx_charges_organization ON charges (organization_id)`);
    await enableTenantRls(queryRunner, 'charges');
  }
  async down(): Promise<void> {}
}

function member(organizationId: string, userId: string): Principal {
  return { kind: 'user', userId, organizationId, roles: ['owner'], scopes: [], apiKeyId: null };
}

function chargeCommand(overrides: Partial<TenantCommand> & { amount?: number } = {}): TenantCommand {
  const { amount = 100, ...rest } = overrides;
  return {
    command: 'payments.charge.create',
    principal: member(ORG_A, ALICE),
    data: { amount, currency: 'USD' },
    meta: { idempotencyKey: 'key-1' },
    now: T0,
    ...rest,
  };
}

describe('idempotent commands (real PostgreSQL, app role; real RabbitMQ for redelivery)', () => {
  let database: TestDatabase;
  let admin: DataSource;
  let app: DataSource;
  let runs: number;

  /** The command: one charge row, answered with its id (and the amount it charged). */
  const charge = async (manager: EntityManager, amount: number) => {
    runs += 1;
    const [row] = await manager.query(
      `INSERT INTO charges (organization_id, amount)
       VALUES (NULLIF(current_setting('app.organization_id', true), '')::uuid, $1) RETURNING id`,
      [amount],
    );
    return { chargeId: row.id as number, amount };
  };
  const chargesAsAdmin = async () =>
    (await admin.query(`SELECT organization_id, amount FROM charges ORDER BY id`)) as unknown[];

  beforeAll(async () => {
    database = await createTestDatabase('idempotency');
    admin = await initializeDataSource(
      createDataSource({
        url: database.url,
        applicationName: 'idempotency-admin',
        entities: [],
        migrations: [CreateIdempotencyTables1764050000000, CreateCharges1700000000000],
      }),
    );
    app = await new DataSource({ type: 'postgres', url: database.appUrl, extra: { max: 4 } }).initialize();
  });

  afterAll(async () => {
    await Promise.all([app?.destroy(), admin?.destroy()]);
    await database?.drop();
  });

  beforeEach(async () => {
    runs = 0;
    await admin.query(`TRUNCATE charges, idempotency_keys, processed_commands RESTART IDENTITY`);
  });

  it('its tenant-owned ledger passes the catalogue check', async () => {
    expect(await findTenantIsolationGaps(admin)).toEqual([]);
  });

  it('same key and same request: runs once, then answers the stored response flagged replayed', async () => {
    const first = await runTenantCommand(app, chargeCommand(), (m) => charge(m, 100));
    // Same data with its keys in another order is the same request.
    const again = await runTenantCommand(
      app,
      chargeCommand({ data: { currency: 'USD', amount: 100 } }),
      (m) => charge(m, 100),
    );
    expect(first).toEqual({ response: { chargeId: 1, amount: 100 }, replayed: false });
    expect(again).toEqual({ response: { chargeId: 1, amount: 100 }, replayed: true });
    expect(runs).toBe(1);
    expect(await chargesAsAdmin()).toEqual([{ organization_id: ORG_A, amount: 100 }]);
  });

  it('same key with another request: IDEMPOTENCY_KEY_REUSED, nothing runs', async () => {
    await runTenantCommand(app, chargeCommand(), (m) => charge(m, 100));
    await expect(
      runTenantCommand(app, chargeCommand({ amount: 999 }), (m) => charge(m, 999)),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    await expect(
      runTenantCommand(app, chargeCommand({ command: 'payments.refund.create' }), (m) => charge(m, 100)),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(runs).toBe(1);
  });

  it('concurrent requests with one key: one runs, the other gets IDEMPOTENCY_KEY_IN_FLIGHT; later ones replay', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = false;
    const first = runTenantCommand(app, chargeCommand(), async (m) => {
      entered = true;
      await gate;
      return charge(m, 100);
    });
    await waitFor('the first request inside its command', () => entered);
    await expect(runTenantCommand(app, chargeCommand(), (m) => charge(m, 100))).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_IN_FLIGHT',
    });
    release();
    expect(await first).toEqual({ response: { chargeId: 1, amount: 100 }, replayed: false });
    expect(await runTenantCommand(app, chargeCommand(), (m) => charge(m, 100))).toEqual({
      response: { chargeId: 1, amount: 100 },
      replayed: true,
    });
    expect(runs).toBe(1);
  });

  it('keys are per organization and per principal; a failed command stores nothing', async () => {
    await runTenantCommand(app, chargeCommand(), (m) => charge(m, 100));
    const otherMember = await runTenantCommand(app, chargeCommand({ principal: member(ORG_A, ANDY) }), (m) =>
      charge(m, 100),
    );
    const otherOrganization = await runTenantCommand(
      app,
      chargeCommand({ principal: member(ORG_B, ALICE) }),
      (m) => charge(m, 100),
    );
    expect([otherMember.replayed, otherOrganization.replayed]).toEqual([false, false]);
    expect(runs).toBe(3);

    await expect(
      runTenantCommand(app, chargeCommand({ meta: { idempotencyKey: 'key-2' } }), async () => {
        throw new Error('card declined');
      }),
    ).rejects.toThrow('card declined');
    const retried = await runTenantCommand(app, chargeCommand({ meta: { idempotencyKey: 'key-2' } }), (m) =>
      charge(m, 100),
    );
    expect(retried.replayed).toBe(false);
  });

  it('a key is kept 24 hours: replayed just before, free again after, and purged by the system path', async () => {
    await runTenantCommand(app, chargeCommand(), (m) => charge(m, 100));
    const before = new Date(T0.getTime() + 24 * 3600_000 - 1);
    const after = new Date(T0.getTime() + 24 * 3600_000);
    expect(
      (await runTenantCommand(app, chargeCommand({ now: before }), (m) => charge(m, 100))).replayed,
    ).toBe(true);
    await runTenantCommand(app, chargeCommand({ meta: { idempotencyKey: 'key-2' } }), (m) => charge(m, 100));
    const system = await new DataSource({ type: 'postgres', url: database.systemUrl }).initialize();
    try {
      const purged = await runAsSystem(system, { info: () => undefined }, 'idempotency.purge-expired', (m) =>
        purgeExpiredCommandRecords(m, after),
      );
      expect(purged).toEqual({ keys: 2, messages: 0 });
    } finally {
      await system.destroy();
    }
    const reused = await runTenantCommand(app, chargeCommand({ now: after, amount: 5 }), (m) => charge(m, 5));
    expect(reused.replayed).toBe(false);
    expect(runs).toBe(3);
  });

  describe('a handler killed between commit and ack', () => {
    let vhost: TestVhost;

    beforeAll(async () => {
      vhost = await createTestVhost('idempotency');
    });
    afterAll(() => vhost.delete());

    it('does not run the command again when the broker redelivers the message', async () => {
      const queue = 'payments.charge.create';
      const envelope = { principal: member(ORG_A, ALICE), data: { amount: 100 }, meta: { requestId: 'r-1' } };
      const handle = (message: ConsumeMessage) =>
        runTenantCommand(
          app,
          {
            command: queue,
            principal: envelope.principal,
            data: envelope.data,
            meta: {},
            messageId: message.properties.messageId as string,
          },
          (m) => charge(m, 100),
        );

      const publisher = await connect(vhost.url);
      const publishing = await publisher.createConfirmChannel();
      await publishing.assertQueue(queue, { durable: true });
      publishing.sendToQueue(queue, Buffer.from(JSON.stringify(envelope)), { messageId: 'message-1' });
      await publishing.waitForConfirms();
      await publisher.close();

      // First consumer: the command commits, then the process "dies" before acking.
      const doomed = await connect(vhost.url);
      const doomedChannel = await doomed.createChannel();
      await doomedChannel.prefetch(1);
      let committed: Awaited<ReturnType<typeof handle>> | undefined;
      await doomedChannel.consume(queue, (message) => {
        if (message) void handle(message).then((outcome) => (committed = outcome));
      });
      await waitFor('the first delivery committed', () => committed !== undefined);
      await doomed.close(); // no ack: the broker requeues the message

      // The replacement consumer gets the redelivery and acks it.
      const survivor = await connect(vhost.url);
      try {
        const channel = await survivor.createChannel();
        let redelivered: { flag: boolean; outcome: Awaited<ReturnType<typeof handle>> } | undefined;
        await channel.consume(queue, (message) => {
          if (!message) return;
          void handle(message).then((outcome) => {
            channel.ack(message);
            redelivered = { flag: message.fields.redelivered, outcome };
          });
        });
        await waitFor('the redelivery handled', () => redelivered !== undefined);
        expect(committed).toEqual({ response: { chargeId: 1, amount: 100 }, replayed: false });
        expect(redelivered).toEqual({
          flag: true,
          outcome: { response: { chargeId: 1, amount: 100 }, replayed: true },
        });
        expect(runs).toBe(1);
        expect(await chargesAsAdmin()).toEqual([{ organization_id: ORG_A, amount: 100 }]);
      } finally {
        await survivor.close();
      }
    });
  });
});
