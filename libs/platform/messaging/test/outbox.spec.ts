import { createDataSource, initializeDataSource } from '@platform/persistence';
import {
  createTestDatabase,
  createTestVhost,
  waitFor,
  type TestDatabase,
  type TestVhost,
} from '@platform/testing';
import type { DataSource } from 'typeorm';
import {
  CreateMessagingTables1764000000000,
  OutboxEventEntity,
  OutboxRelay,
  OutboxWriter,
  ProcessedEventEntity,
  processOnce,
  type EventPublisher,
} from '../src';
import { MessagingHarness, quietLogger, sleep } from './messaging-harness';

describe('transactional outbox and idempotent consumer (real PostgreSQL and RabbitMQ)', () => {
  let vhost: TestVhost;
  let database: TestDatabase;
  let harness: MessagingHarness;
  let dataSource: DataSource;
  let publisher: EventPublisher;
  let deliveries: number;
  let consumerName: string;
  let testNumber = 0;

  beforeAll(async () => {
    vhost = await createTestVhost('outbox');
  });

  afterAll(() => vhost.delete());

  beforeEach(async () => {
    database = await createTestDatabase('outbox');
    harness = new MessagingHarness(vhost.url);
    dataSource = await initializeDataSource(
      createDataSource({
        url: database.url,
        applicationName: 'outbox-test',
        entities: [OutboxEventEntity, ProcessedEventEntity],
        migrations: [CreateMessagingTables1764000000000],
      }),
    );
    await dataSource.query(
      `CREATE TABLE subscriptions (organization_id text PRIMARY KEY, plan text NOT NULL)`,
    );
    await dataSource.query(
      `CREATE TABLE activations (organization_id text NOT NULL, event_id uuid NOT NULL)`,
    );
    publisher = await harness.publisher();
    deliveries = 0;
    consumerName = `analytics.activations-${++testNumber}`; // the vhost is shared by the suite's tests
    // The consumer applies each event in the same transaction as its processed_events row.
    await harness.consumer({
      queue: consumerName,
      routingKeys: ['payments.subscription.activated'],
      handle: async (event) => {
        deliveries++;
        await processOnce(dataSource, consumerName, event.id, async (manager) => {
          const payload = event.payload as { organizationId: string };
          await manager.query(`INSERT INTO activations (organization_id, event_id) VALUES ($1, $2)`, [
            payload.organizationId,
            event.id,
          ]);
        });
      },
    });
  });

  afterEach(async () => {
    await harness.close();
    await dataSource.destroy();
    await database.drop();
  });

  const writer = new OutboxWriter();

  async function activate(organizationId: string): Promise<string> {
    return dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO subscriptions (organization_id, plan) VALUES ($1, 'STARTER')`, [
        organizationId,
      ]);
      return writer.add(manager, 'payments.subscription.activated', { organizationId, plan: 'STARTER' });
    });
  }

  const activationsOf = async (organizationId: string) =>
    Number(
      (
        await dataSource.query(`SELECT count(*)::int AS n FROM activations WHERE organization_id = $1`, [
          organizationId,
        ])
      )[0].n,
    );

  it('refuses to write outside a transaction', async () => {
    await expect(writer.add(dataSource.manager, 'payments.subscription.activated', {})).rejects.toThrow(
      /inside the transaction/,
    );
  });

  it('writes no event when the state change rolls back', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await writer.add(manager, 'payments.subscription.activated', { organizationId: 'org-x' });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await dataSource.getRepository(OutboxEventEntity).count()).toBe(0);
  });

  it('delivers an event committed before a crash (relay not yet run) exactly once', async () => {
    const eventId = await activate('org-a');
    // The process "crashed" here: the row is committed, nothing was published.
    const relay = new OutboxRelay(dataSource, publisher, quietLogger, { pollIntervalMs: 50 });
    relay.start();

    await waitFor('the activation to be applied', async () => (await activationsOf('org-a')) === 1);
    await relay.stop();
    const row = await dataSource.getRepository(OutboxEventEntity).findOneByOrFail({ id: eventId });
    expect(row.publishedAt).not.toBeNull();
    await sleep(200);
    expect(deliveries).toBe(1);
    expect(await activationsOf('org-a')).toBe(1);
  });

  it('applies the event exactly once when a crash hit after publishing but before marking it published', async () => {
    const eventId = await activate('org-b');
    const row = await dataSource.getRepository(OutboxEventEntity).findOneByOrFail({ id: eventId });
    // The dying relay got its publish confirmed, then crashed before its UPDATE committed.
    await publisher.publish(row.routingKey, row.payload, {
      id: row.id,
      occurredAt: row.occurredAt,
      headers: row.headers,
    });
    const relay = new OutboxRelay(dataSource, publisher, quietLogger, { pollIntervalMs: 50 });

    relay.start();

    await waitFor('both deliveries to arrive', () => deliveries === 2);
    await relay.stop();
    expect(await activationsOf('org-b')).toBe(1);
    const ledger = await dataSource.query(`SELECT event_id FROM processed_events WHERE consumer = $1`, [
      consumerName,
    ]);
    expect(ledger).toEqual([{ event_id: eventId }]);
  });

  it('relays many rows in order across batches and from two competing relays without loss', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await activate(`org-${i}`));
    const relays = [1, 2].map(
      () => new OutboxRelay(dataSource, publisher, quietLogger, { pollIntervalMs: 20, batchSize: 7 }),
    );
    relays.forEach((relay) => relay.start());

    await waitFor('all 30 applied', async () => {
      const [{ n }] = await dataSource.query(`SELECT count(DISTINCT event_id)::int AS n FROM activations`);
      return n === 30;
    });
    await Promise.all(relays.map((relay) => relay.stop()));
    const [{ n: total }] = await dataSource.query(`SELECT count(*)::int AS n FROM activations`);
    expect(total).toBe(30);
    const unpublished = await dataSource.query(`SELECT id FROM outbox_events WHERE published_at IS NULL`);
    expect(unpublished).toEqual([]);
  });
});
