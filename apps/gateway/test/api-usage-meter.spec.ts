import { randomUUID } from 'node:crypto';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import pino from 'pino';
import { EVENTS_EXCHANGE, type EventEnvelope } from '@platform/contracts';
import { AmqpConnection, EventPublisher, silentLogger } from '@platform/messaging';
import { createTestVhost, waitFor, type TestVhost } from '@platform/testing';
import type { GatewayEnv } from '../src/config/gateway-env.schema';
import { ApiUsageMeter } from '../src/metering/api-usage-meter';

/**
 * The gateway's API-call metering against a real broker: requests are counted in memory and
 * published as one `gateway.api-usage.recorded` per organization per flush (never one per request).
 */
describe('gateway: API usage meter', () => {
  let vhost: TestVhost;
  let connection: AmqpConnection;
  let meter: ApiUsageMeter;
  let reader: ChannelModel;
  let channel: Channel;
  const queue = `usage-probe-${randomUUID()}`;
  const received: EventEnvelope<{
    organizationId: string;
    calls: number;
    windowStart: string;
    windowEnd: string;
  }>[] = [];

  beforeAll(async () => {
    vhost = await createTestVhost('gateway_usage');
    connection = new AmqpConnection({ url: vhost.url, connectionName: `meter-${randomUUID()}` });
    await connection.connect();
    reader = await connect(vhost.url);
    channel = await reader.createChannel();
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    await channel.assertQueue(queue, { exclusive: true });
    await channel.bindQueue(queue, EVENTS_EXCHANGE, 'gateway.api-usage.recorded');
    await channel.consume(
      queue,
      (message) => {
        if (message) received.push(JSON.parse(message.content.toString('utf8')));
      },
      { noAck: true },
    );
    meter = new ApiUsageMeter(
      new EventPublisher(connection, silentLogger),
      { USAGE_FLUSH_MS: 3_600_000 } as GatewayEnv,
      pino({ level: 'silent' }),
    );
  });
  afterAll(async () => {
    await reader?.close();
    await connection?.close();
    await vhost?.delete();
  });

  it('publishes one batch per organization per flush, and nothing when nothing was admitted', async () => {
    const orgA = randomUUID();
    const orgB = randomUUID();
    for (let i = 0; i < 1000; i++) meter.record(orgA);
    meter.record(orgB);
    meter.record(orgB);
    await meter.flush();
    await waitFor('two batches received', async () => received.length === 2);
    const byOrg = Object.fromEntries(received.map((event) => [event.payload.organizationId, event]));
    expect(byOrg[orgA]!.payload.calls).toBe(1000);
    expect(byOrg[orgB]!.payload.calls).toBe(2);
    expect(byOrg[orgA]!.name).toBe('gateway.api-usage.recorded');
    expect(byOrg[orgA]!.payload.windowEnd).toBe(byOrg[orgB]!.payload.windowEnd);

    await meter.flush();
    meter.record(orgA);
    // Shutdown flushes what is left.
    await meter.beforeApplicationShutdown();
    await waitFor('the shutdown batch received', async () => received.length === 3);
    expect(received[2]!.payload).toMatchObject({ organizationId: orgA, calls: 1 });
    expect(received[2]!.payload.windowStart).toBe(byOrg[orgA]!.payload.windowEnd);
  });
});
