import type { EventEnvelope } from '@platform/contracts';
import { waitFor } from '@platform/testing';
import { ATTEMPTS_HEADER, PoisonMessageError } from '../src';
import { sleep, useMessagingSuite } from './messaging-harness';
import { z } from 'zod';

describe('events on platform.events (real broker)', () => {
  const suite = useMessagingSuite('events');

  it('delivers an event once to every consumer queue, and once per queue across competing instances', async () => {
    const seen: Record<string, string[]> = { analytics: [], campaigns: [] };
    const record = (queue: string) => async (event: EventEnvelope) => {
      seen[queue].push(event.id);
    };
    await suite.harness.consumer({
      queue: 'analytics.upload-stats',
      routingKeys: ['storage.upload.*'],
      handle: record('analytics'),
    });
    await suite.harness.consumer({
      queue: 'analytics.upload-stats',
      routingKeys: ['storage.upload.*'],
      handle: record('analytics'),
    });
    await suite.harness.consumer({
      queue: 'campaigns.uploads',
      routingKeys: ['storage.#'],
      handle: record('campaigns'),
    });
    const publisher = await suite.harness.publisher();

    const events = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        publisher.publish('storage.upload.completed', { organizationId: 'o', i }),
      ),
    );

    await waitFor(
      'both queues to get all events',
      () => seen.analytics.length >= 20 && seen.campaigns.length >= 20,
    );
    await sleep(200);
    const ids = events.map((e) => e.id).sort();
    expect([...seen.analytics].sort()).toEqual(ids);
    expect([...seen.campaigns].sort()).toEqual(ids);
  });

  it('redelivers an event whose handler threw once, and the retry succeeds', async () => {
    const attempts: number[] = [];
    let handled = false;
    const consumer = await suite.harness.consumer({
      queue: 'analytics.flaky',
      routingKeys: ['auth.member.joined'],
      handle: async (_event, message) => {
        attempts.push(Number(message.properties.headers?.[ATTEMPTS_HEADER] ?? 0));
        if (attempts.length === 1) throw new Error('transient failure');
        handled = true;
      },
    });
    const publisher = await suite.harness.publisher();

    await publisher.publish('auth.member.joined', { organizationId: 'o', userId: 'u', role: 'viewer' });

    await waitFor('the retry to succeed', () => handled);
    expect(attempts).toEqual([0, 1]);
    await sleep(100);
    expect(await suite.vhost.readyCount(consumer.deadLetterQueue)).toBe(0);
    expect(await suite.vhost.readyCount(consumer.queue)).toBe(0);
  });

  it('moves a poison message to the DLQ after maxAttempts, with backoff between attempts', async () => {
    const attemptTimes: number[] = [];
    const consumer = await suite.harness.consumer({
      queue: 'analytics.poison',
      routingKeys: ['payments.subscription.activated'],
      maxAttempts: 3,
      retryBaseMs: 100,
      handle: async () => {
        attemptTimes.push(Date.now());
        throw new Error('always fails');
      },
    });
    const publisher = await suite.harness.publisher();

    const event = await publisher.publish('payments.subscription.activated', {
      organizationId: 'o',
      plan: 'FREE',
    });

    await waitFor(
      'the message in the DLQ',
      async () => (await suite.vhost.readyCount(consumer.deadLetterQueue)) === 1,
    );
    expect(attemptTimes).toHaveLength(3);
    expect(attemptTimes[1] - attemptTimes[0]).toBeGreaterThanOrEqual(90); // first retry delay: 100 ms
    expect(attemptTimes[2] - attemptTimes[1]).toBeGreaterThanOrEqual(190); // second: 200 ms
    const dead = await suite.harness.connection('dlq-reader').then((c) => c.waitForConnection(1000));
    const channel = await dead.createChannel();
    const message = await channel.get(consumer.deadLetterQueue, { noAck: true });
    expect(message && JSON.parse(message.content.toString()).id).toBe(event.id);
    expect(message && message.properties.headers?.[ATTEMPTS_HEADER]).toBe(3);
    expect(message && String(message.properties.headers?.['x-last-error'])).toContain('always fails');
    await channel.close();
  });

  it('sends a message that fails its schema, or is marked poison, straight to the DLQ', async () => {
    let calls = 0;
    const consumer = await suite.harness.consumer({
      queue: 'analytics.strict',
      routingKeys: ['auth.organization.created', 'auth.member.joined'],
      schema: z.object({ organizationId: z.string() }),
      maxAttempts: 5,
      handle: async (event) => {
        calls++;
        if (event.name === 'auth.member.joined') throw new PoisonMessageError('cannot ever work');
      },
    });
    const publisher = await suite.harness.publisher();

    await publisher.publish('auth.organization.created', { wrong: true });
    await publisher.publish('auth.member.joined', { organizationId: 'o' });

    await waitFor(
      'both in the DLQ',
      async () => (await suite.vhost.readyCount(consumer.deadLetterQueue)) === 2,
    );
    expect(calls).toBe(1);
  });

  it('acks nothing before it is handled: a consumer that dies mid-handler gets the message again', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const deliveries: boolean[] = [];
    const consumer = await suite.harness.consumer({
      queue: 'analytics.slow',
      routingKeys: ['storage.upload.completed'],
      handle: async (_event, message) => {
        deliveries.push(message.fields.redelivered);
        if (deliveries.length === 1) await blocked;
      },
    });
    const publisher = await suite.harness.publisher();
    await publisher.publish('storage.upload.completed', { organizationId: 'o', uploadId: 'u', sizeBytes: 1 });

    await waitFor('the handler to start', () => deliveries.length === 1);
    await waitFor(
      'the broker to count one unacked message',
      async () => {
        const queue = await suite.vhost.queue(consumer.queue);
        return queue?.messages_unacknowledged === 1 && queue.messages_ready === 0;
      },
      { timeoutMs: 15_000 },
    ); // management stats are sampled every 5 s
    await suite.vhost.closeAllConnections(2);

    await waitFor('the redelivery after reconnect', () => deliveries.length === 2, { timeoutMs: 15_000 });
    release();
    expect(deliveries).toEqual([false, true]);
    await waitFor(
      'the message to be acked',
      async () => {
        const queue = await suite.vhost.queue(consumer.queue);
        return queue?.messages === 0;
      },
      { timeoutMs: 15_000 },
    );
  });
});
