import { randomUUID } from 'node:crypto';
import {
  PAYMENTS_RPC,
  type PlatformEventInput,
  type PlatformEventName,
  type Principal,
} from '@platform/contracts';
import { AmqpConnection, EventPublisher, silentLogger } from '@platform/messaging';
import { eventsConsumedTotal } from '@platform/observability';
import { TenantDatabase } from '@platform/tenancy';
import { waitFor } from '@platform/testing';
import { member, startPaymentsTestApp, type PaymentsTestApp } from './support/payments-test-app';

const DAY_MS = 24 * 3600 * 1000;
const GB = 1024 ** 3;

/**
 * Metering against real PostgreSQL and RabbitMQ: the source events (gateway batches, recordings,
 * storage, auth memberships) published on the service's vhost as their producers would, counted into
 * the period's usage; the usage read; the 80%/100% alerts (outbox event + email to the SMTP sink).
 */
describe('payments: metering, usage and alerts', () => {
  let app: PaymentsTestApp;
  let connection: AmqpConnection;
  let publisher: EventPublisher;
  const orgA = randomUUID(); // STARTER, with a billing address and its own period
  const orgB = randomUUID(); // never subscribed: FREE, calendar month
  const orgC = randomUUID(); // STARTER, for the alerts
  const ownerA = member(orgA, ['owner']);
  const ownerB = member(orgB, ['owner']);
  const billingC = `billing-${orgC.slice(0, 8)}@example.test`;
  let periodStart: Date;
  let periodEnd: Date;

  const QUEUES = [
    'payments.gateway.api-usage.recorded',
    'payments.recordings.recording.created',
    'payments.recordings.recording.deleted',
    'payments.storage.upload.completed',
    'payments.storage.object.deleted',
    'payments.auth.member.joined',
    'payments.auth.member.removed',
    'payments.auth.organization.created',
  ];

  const subscribe = (organizationId: string, billingEmail: string) =>
    app.bed.admin.query(
      `INSERT INTO subscriptions (organization_id, plan, status, provider, billing_email,
         current_period_start, current_period_end) VALUES ($1, 'STARTER', 'ACTIVE', 'stripe', $2, $3, $4)`,
      [organizationId, billingEmail, periodStart, periodEnd],
    );

  beforeAll(async () => {
    app = await startPaymentsTestApp();
    app.clock.set(new Date('2026-06-10T12:00:00.000Z'));
    periodStart = new Date('2026-06-03T08:00:00.000Z');
    periodEnd = new Date(periodStart.getTime() + 30 * DAY_MS);
    await subscribe(orgA, `billing-${orgA.slice(0, 8)}@example.test`);
    await subscribe(orgC, billingC);
    connection = new AmqpConnection({ url: app.bed.vhost.url, connectionName: `metering-${randomUUID()}` });
    await connection.connect();
    publisher = new EventPublisher(connection, silentLogger);
    // Published events reach a consumer only once its queue is bound.
    for (const queue of QUEUES) {
      await waitFor(`${queue} declared`, () =>
        app.bed.vhost.readyCount(queue).then(
          () => true,
          () => false,
        ),
      );
    }
  }, 90_000);
  afterAll(async () => {
    await connection?.close();
    await app?.stop();
  });

  const publish = <E extends PlatformEventName>(
    event: E,
    payload: PlatformEventInput<E>,
    id: string = randomUUID(),
  ) => publisher.publishEvent(event, payload, { id, occurredAt: app.clock.now() });
  const times = async (n: number, send: () => Promise<unknown>) => {
    for (let i = 0; i < n; i++) await send();
  };
  type Usage = { items: { metric: string; used: number; limit: number | null; percent: number | null }[] };
  const usage = (principal: Principal, data: object = {}) =>
    app.bed.call(PAYMENTS_RPC.getUsage, data, principal) as Promise<Usage & { items: object[] }>;
  const used = async (principal: Principal, metric: string) =>
    (await usage(principal)).items.find((item) => item.metric === metric)!.used;
  const settle = async (principal: Principal, metric: string, expected: number) =>
    waitFor(`${metric} = ${expected}`, async () => (await used(principal, metric)) === expected);
  const alerts = async (organizationId: string) =>
    (
      await app.bed.admin.query(
        `SELECT payload FROM outbox_events WHERE routing_key = 'payments.usage.threshold-reached'
          AND payload->>'organizationId' = $1 ORDER BY occurred_at`,
        [organizationId],
      )
    ).map((row: { payload: object }) => row.payload);
  /** Deliveries the service's consumers acked so far, per queue (the bed runs in this process). */
  const acked = async (): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    for (const { labels, value } of (await eventsConsumedTotal.get()).values) {
      if (labels.outcome === 'ack') counts[String(labels.queue)] = value;
    }
    return counts;
  };
  /** Runs `send`, then waits until `expected` more deliveries were acked per queue (duplicates included). */
  const handled = async (expected: Record<string, number>, send: () => Promise<unknown>) => {
    const before = await acked();
    await send();
    await waitFor('deliveries handled', async () => {
      const now = await acked();
      return Object.entries(expected).every(
        ([queue, n]) => (now[`payments.${queue}`] ?? 0) - (before[`payments.${queue}`] ?? 0) >= n,
      );
    });
  };

  it('counts API-call batches from the gateway into the period', async () => {
    const window = { windowStart: '2026-06-10T11:59:55.000Z', windowEnd: '2026-06-10T12:00:00.000Z' };
    await publish('gateway.api-usage.recorded', { organizationId: orgA, calls: 5, ...window });
    await publish('gateway.api-usage.recorded', { organizationId: orgA, calls: 7, ...window });
    await publish('gateway.api-usage.recorded', { organizationId: orgA, calls: 11, ...window });
    await settle(ownerA, 'apiCalls', 23);
  });

  it('counts recordings created minus deleted', async () => {
    await times(3, () =>
      publish('recordings.recording.created', { organizationId: orgA, recordingId: randomUUID() }),
    );
    await publish('recordings.recording.deleted', { organizationId: orgA, recordingId: randomUUID() });
    await settle(ownerA, 'recordings', 2);
  });

  it('counts stored bytes: completed uploads minus deleted completed objects', async () => {
    const upload = (sizeBytes: number) =>
      publish('storage.upload.completed', {
        organizationId: orgA,
        uploadId: randomUUID(),
        objectId: randomUUID(),
        recordingId: null,
        sizeBytes,
        contentType: 'audio/mpeg',
        sha256: 'a'.repeat(64),
      });
    await handled({ 'storage.upload.completed': 2, 'storage.object.deleted': 2 }, async () => {
      await upload(1000);
      await upload(500);
      await publish('storage.object.deleted', {
        organizationId: orgA,
        objectId: randomUUID(),
        sizeBytes: 500,
        completed: true,
      });
      // An abandoned upload's bytes never counted, so deleting it frees nothing.
      await publish('storage.object.deleted', {
        organizationId: orgA,
        objectId: randomUUID(),
        sizeBytes: 999,
        completed: false,
      });
    });
    expect(await used(ownerA, 'storageBytes')).toBe(1000);
  });

  it('counts members joined minus removed', async () => {
    await publish('auth.member.joined', { organizationId: orgA, userId: randomUUID(), role: 'owner' });
    await publish('auth.member.joined', { organizationId: orgA, userId: randomUUID(), role: 'viewer' });
    await publish('auth.member.removed', { organizationId: orgA, userId: randomUUID() });
    await settle(ownerA, 'members', 1);
  });

  it('counts an event delivered twice (same id) once', async () => {
    const id = randomUUID();
    const batch = {
      organizationId: orgA,
      calls: 4,
      windowStart: '2026-06-10T12:00:00.000Z',
      windowEnd: '2026-06-10T12:00:05.000Z',
    };
    await handled({ 'gateway.api-usage.recorded': 2, 'recordings.recording.created': 1 }, async () => {
      await publish('gateway.api-usage.recorded', batch, id);
      await publish('gateway.api-usage.recorded', batch, id);
      await publish('recordings.recording.created', { organizationId: orgA, recordingId: randomUUID() }, id);
    });
    expect(await used(ownerA, 'apiCalls')).toBe(27);
    // Another consumer's ledger is its own: the same id on another event kind still counts there.
    expect(await used(ownerA, 'recordings')).toBe(3);
  });

  it("answers every metric of the subscription's period with its STARTER limit", async () => {
    const period = {
      plan: 'STARTER',
      periodStart: '2026-06-03T08:00:00.000Z',
      periodEnd: '2026-07-03T08:00:00.000Z',
    };
    expect(await usage(ownerA)).toEqual({
      items: [
        { metric: 'apiCalls', used: 27, limit: null, percent: null, ...period },
        { metric: 'recordings', used: 3, limit: 100, percent: 3, ...period },
        { metric: 'storageBytes', used: 1000, limit: 10 * GB, percent: 0, ...period },
        { metric: 'members', used: 1, limit: 5, percent: 20, ...period },
      ],
      // STARTER: 300 a minute, 360 at once (what the gateway's organization bucket admits).
      rateLimit: { plan: 'STARTER', requestsPerMinute: 300, burst: 360 },
    });
    expect(await usage(ownerA, { metric: 'members' })).toEqual({
      items: [{ metric: 'members', used: 1, limit: 5, percent: 20, ...period }],
      rateLimit: { plan: 'STARTER', requestsPerMinute: 300, burst: 360 },
    });
  });

  it('FREE without a subscription: the calendar month and the FREE limits; org B never sees org A', async () => {
    const month = {
      plan: 'FREE',
      periodStart: '2026-06-01T00:00:00.000Z',
      periodEnd: '2026-07-01T00:00:00.000Z',
    };
    expect(await usage(ownerB)).toEqual({
      items: [
        { metric: 'apiCalls', used: 0, limit: null, percent: null, ...month },
        { metric: 'recordings', used: 0, limit: 10, percent: 0, ...month },
        { metric: 'storageBytes', used: 0, limit: GB, percent: 0, ...month },
        { metric: 'members', used: 0, limit: 1, percent: 0, ...month },
      ],
      rateLimit: { plan: 'FREE', requestsPerMinute: 60, burst: 72 },
    });
    // Under row-level security, B's session sees no row of A even when asked for A's id.
    const visible = await app.bed.service.app
      .get(TenantDatabase)
      .runInTenant(orgB, (manager) =>
        manager.query(`SELECT count(*)::int AS n FROM usage_counters WHERE organization_id = $1`, [orgA]),
      );
    expect(visible).toEqual([{ n: 0 }]);
  });

  it('an organization created on a plan from an organization code is metered against that plan until it buys one', async () => {
    const coded = randomUUID();
    const legacy = randomUUID();
    const ownerCoded = member(coded, ['owner']);
    const limitOf = async (principal: Principal) =>
      (await usage(principal, { metric: 'recordings' })).items[0] as unknown as {
        limit: number;
        plan: string;
      };
    await handled({ 'auth.organization.created': 3 }, async () => {
      const created = {
        organizationId: coded,
        name: 'Coded',
        ownerUserId: randomUUID(),
        plan: 'PROFESSIONAL' as const,
      };
      const id = randomUUID();
      await publish('auth.organization.created', created, id);
      await publish('auth.organization.created', created, id); // redelivered: changes nothing
      // Written before the event named a plan: FREE, nothing granted.
      await publish('auth.organization.created', {
        organizationId: legacy,
        name: 'Old',
        ownerUserId: randomUUID(),
      });
    });
    // PROFESSIONAL allows 500 recordings; FREE 10.
    expect(await limitOf(ownerCoded)).toMatchObject({ plan: 'PROFESSIONAL', limit: 500 });
    // The subscription view says the same plan; nothing was bought here (TRIAL, no provider).
    expect(await app.bed.call(PAYMENTS_RPC.getSubscription, {}, ownerCoded)).toMatchObject({
      plan: 'PROFESSIONAL',
      status: 'TRIAL',
      provider: null,
    });
    expect(await app.bed.call(PAYMENTS_RPC.getSubscription, {}, member(legacy, ['owner']))).toMatchObject({
      plan: 'FREE',
      status: 'TRIAL',
    });
    expect(await limitOf(member(legacy, ['owner']))).toMatchObject({ plan: 'FREE', limit: 10 });
    expect(
      await app.bed.admin.query(
        `SELECT organization_id, plan FROM granted_plans WHERE organization_id = ANY($1)`,
        [[coded, legacy]],
      ),
    ).toEqual([{ organization_id: coded, plan: 'PROFESSIONAL' }]);

    // A checkout started but not paid (TRIAL) does not take the granted plan away...
    await app.bed.admin.query(
      `INSERT INTO subscriptions (organization_id, plan, status) VALUES ($1, 'FREE', 'TRIAL')`,
      [coded],
    );
    expect(await limitOf(ownerCoded)).toMatchObject({ plan: 'PROFESSIONAL', limit: 500 });
    // ...a subscription bought here decides (STARTER: 100).
    await app.bed.admin.query(
      `UPDATE subscriptions SET plan = 'STARTER', status = 'ACTIVE' WHERE organization_id = $1`,
      [coded],
    );
    expect(await limitOf(ownerCoded)).toMatchObject({ plan: 'STARTER', limit: 100 });
    expect(await app.bed.call(PAYMENTS_RPC.getSubscription, {}, ownerCoded)).toMatchObject({
      plan: 'STARTER',
      status: 'ACTIVE',
    });
  });

  it('refuses bad input and callers without billing:read', async () => {
    const raw = (data: object, principal: Principal | null) =>
      app.bed.rpc.call(PAYMENTS_RPC.getUsage, { principal, data, meta: { requestId: randomUUID() } });
    await expect(raw({ metric: 'bogus' }, ownerA)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(raw({ orgId: orgB }, ownerA)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(usage(member(orgA, ['viewer']))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(usage(member(orgA, ['developer']))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(raw({}, null)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await usage(member(orgA, ['billing']))).items).toHaveLength(4);
  });

  it('alerts once at 80% (event + email to the billing address), even when the crossing comes twice', async () => {
    const ownerC = member(orgC, ['owner']);
    const join = (id: string = randomUUID()) =>
      publish('auth.member.joined', { organizationId: orgC, userId: randomUUID(), role: 'viewer' }, id);
    await times(3, () => join());
    await settle(ownerC, 'members', 3);
    expect(await alerts(orgC)).toEqual([]);
    // The 4th member of 5 is 80%: the same delivery twice, then down and up across it again.
    const crossing = randomUUID();
    await handled({ 'auth.member.joined': 2 }, async () => {
      await join(crossing);
      await join(crossing);
    });
    expect(await used(ownerC, 'members')).toBe(4);
    await publish('auth.member.removed', { organizationId: orgC, userId: randomUUID() });
    await settle(ownerC, 'members', 3);
    await join();
    await settle(ownerC, 'members', 4);
    expect(await alerts(orgC)).toEqual([
      {
        organizationId: orgC,
        plan: 'STARTER',
        limit: 'members',
        thresholdPercent: 80,
        usage: 4,
        max: 5,
        periodStart: '2026-06-03T08:00:00.000Z',
        periodEnd: '2026-07-03T08:00:00.000Z',
      },
    ]);
    const mail = await app.mail.waitForMessage(billingC, { subject: /80%/ });
    expect(mail.subject).toBe("You have used 80% of your STARTER plan's members");
    expect(mail.text).toContain('uses 4 of the 5 members');
    expect(mail.text).toContain('2026-07-03');
    expect(app.mail.messages().filter((m) => m.to.includes(billingC))).toHaveLength(1);
  });

  it('alerts once at 100%', async () => {
    const crossing = randomUUID();
    const payload = { organizationId: orgC, userId: randomUUID(), role: 'viewer' };
    await handled({ 'auth.member.joined': 2 }, async () => {
      await publish('auth.member.joined', payload, crossing);
      await publish('auth.member.joined', payload, crossing);
    });
    expect(await used(member(orgC, ['owner']), 'members')).toBe(5);
    expect((await alerts(orgC)).map((alert: { thresholdPercent: number }) => alert.thresholdPercent)).toEqual(
      [80, 100],
    );
    const mail = await app.mail.waitForMessage(billingC, { subject: /100%/ });
    expect(mail.text).toContain('uses 5 of the 5 members');
    expect(app.mail.messages().filter((m) => m.to.includes(billingC))).toHaveLength(2);
    expect(
      await app.bed.admin.query(
        `SELECT metric, threshold_percent AS "thresholdPercent", used::int AS used, max::int AS max
           FROM usage_alerts WHERE organization_id = $1 ORDER BY threshold_percent`,
        [orgC],
      ),
    ).toEqual([
      { metric: 'members', thresholdPercent: 80, used: 4, max: 5 },
      { metric: 'members', thresholdPercent: 100, used: 5, max: 5 },
    ]);
  });

  it('a FREE organization reaching 80% of its recordings gets the event (no billing address: no email)', async () => {
    await times(8, () =>
      publish('recordings.recording.created', { organizationId: orgB, recordingId: randomUUID() }),
    );
    await settle(ownerB, 'recordings', 8);
    expect(await alerts(orgB)).toEqual([
      expect.objectContaining({ plan: 'FREE', limit: 'recordings', thresholdPercent: 80, usage: 8, max: 10 }),
    ]);
    // Nothing of B's leaks into A's or C's numbers.
    expect(await used(ownerA, 'recordings')).toBe(3);
  });

  it('a new period starts API calls at 0 and carries levels over', async () => {
    app.clock.set(new Date('2026-07-05T00:00:00.000Z'));
    await publish('gateway.api-usage.recorded', {
      organizationId: orgA,
      calls: 2,
      windowStart: '2026-07-04T23:59:55.000Z',
      windowEnd: '2026-07-05T00:00:00.000Z',
    });
    await settle(ownerA, 'apiCalls', 2);
    const items = (await usage(ownerA)).items as { metric: string; used: number; periodStart: string }[];
    expect(items.map(({ metric, used: value, periodStart: start }) => [metric, value, start])).toEqual([
      ['apiCalls', 2, '2026-07-03T08:00:00.000Z'],
      ['recordings', 3, '2026-07-03T08:00:00.000Z'],
      ['storageBytes', 1000, '2026-07-03T08:00:00.000Z'],
      ['members', 1, '2026-07-03T08:00:00.000Z'],
    ]);
  });
});
