import { startFaultProxy, waitFor } from '@platform/testing';
import { AmqpConnection, EventPublisher } from '../src';
import { envelope, quietLogger, sleep, useMessagingSuite } from './messaging-harness';

describe('broker drops every connection mid-stream (real broker)', () => {
  const suite = useMessagingSuite('reconnect');

  it('reconnects producers and consumers, and delivers every confirmed event', async () => {
    const received = new Set<string>();
    await suite.harness.consumer({
      queue: 'analytics.all-uploads',
      routingKeys: ['storage.upload.completed'],
      handle: async (event) => {
        received.add(event.id);
      },
    });
    const publisher = await suite.harness.publisher();
    const confirmed: string[] = [];

    const producing = (async () => {
      for (let i = 0; i < 300; i++) {
        const event = await publisher.publish('storage.upload.completed', { organizationId: 'o', i });
        confirmed.push(event.id);
      }
    })();
    await waitFor('some events confirmed', () => confirmed.length >= 50);
    expect(await suite.vhost.closeAllConnections(2)).toBeGreaterThanOrEqual(2);
    await waitFor('more events confirmed after the first drop', () => confirmed.length >= 150, {
      timeoutMs: 20_000,
    });
    expect(await suite.vhost.closeAllConnections(2)).toBeGreaterThanOrEqual(2);
    await producing;

    await waitFor('every confirmed event delivered', () => confirmed.every((id) => received.has(id)), {
      timeoutMs: 20_000,
    });
    expect(confirmed).toHaveLength(300);
  });

  it('serves RPC again after the connections come back', async () => {
    await suite.harness.rpcServer('analytics', { 'analytics.report.get': async (request) => request.data });
    const client = await suite.harness.rpcClient(1000);
    expect(await client.call('analytics.report.get', envelope({ n: 1 }))).toEqual({ n: 1 });

    expect(await suite.vhost.closeAllConnections(2)).toBeGreaterThanOrEqual(2);
    await sleep(50);

    const answer = await waitFor('RPC to work again', () =>
      client.call('analytics.report.get', envelope({ n: 2 })).catch(() => undefined),
    );
    expect(answer).toEqual({ n: 2 });
  });
});

describe('shutting down while the broker has gone silent (real broker behind a proxy)', () => {
  const suite = useMessagingSuite('silent');

  it('closes the connection within its bound instead of waiting for an answer that never comes', async () => {
    const target = new URL(suite.vhost.url);
    const proxy = await startFaultProxy(target.hostname, Number(target.port || 5672));
    const viaProxy = new URL(suite.vhost.url);
    viaProxy.port = String(proxy.port);
    const connection = new AmqpConnection({ url: viaProxy.toString(), connectionName: 'silent-peer' });
    await connection.connect();
    const publisher = new EventPublisher(connection, quietLogger);
    await publisher.publish('storage.upload.completed', { organizationId: 'o' });

    proxy.freeze();
    const closing = connection.close().then(() => 'closed');
    const outcome = await Promise.race([closing, sleep(15_000).then(() => 'still waiting')]);

    expect(outcome).toBe('closed');
    await proxy.close();
  });
});
