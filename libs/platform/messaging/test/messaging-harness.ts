import { randomUUID } from 'node:crypto';
import type { RpcEnvelope } from '@platform/contracts';
import { createTestVhost, type TestVhost } from '@platform/testing';
import {
  AmqpConnection,
  EventConsumer,
  EventPublisher,
  RpcClient,
  RpcServer,
  type EventSubscription,
} from '../src';

/** Builds real messaging components against a test vhost and closes them all afterwards. */
export class MessagingHarness {
  private readonly closers: (() => Promise<unknown>)[] = [];

  constructor(private readonly amqpUrl: string) {}

  async connection(name = `test-${randomUUID().slice(0, 8)}`): Promise<AmqpConnection> {
    const connection = new AmqpConnection({
      url: this.amqpUrl,
      connectionName: name,
      reconnectInitialDelayMs: 50,
      reconnectMaxDelayMs: 500,
    });
    await connection.connect();
    this.closers.push(() => connection.close());
    return connection;
  }

  async rpcClient(timeoutMs = 2000): Promise<RpcClient> {
    const client = new RpcClient(await this.connection('rpc-client'), timeoutMs);
    return client;
  }

  async rpcServer(
    service: string,
    handlers: Record<string, RpcServerHandler>,
    prefetch = 16,
  ): Promise<RpcServer> {
    const server = new RpcServer(await this.connection(`rpc-server-${service}`), {
      service,
      prefetch,
      logger: quietLogger,
    });
    for (const [pattern, handle] of Object.entries(handlers)) server.register({ pattern, handle });
    const channel = server.start();
    await channel.waitForChannel(5000);
    this.closers.unshift(() => server.stop());
    return server;
  }

  async publisher(): Promise<EventPublisher> {
    return new EventPublisher(await this.connection('publisher'), quietLogger);
  }

  async consumer<T>(
    subscription: Partial<EventSubscription<T>> &
      Pick<EventSubscription<T>, 'queue' | 'routingKeys' | 'handle'>,
  ) {
    const consumer = new EventConsumer<T>(
      await this.connection(`consumer-${subscription.queue}`),
      { maxAttempts: 3, retryBaseMs: 50, prefetch: 8, ...subscription },
      quietLogger,
    );
    await consumer.start().waitForChannel(5000);
    this.closers.unshift(() => consumer.stop());
    return consumer;
  }

  async close(): Promise<void> {
    for (const close of this.closers.splice(0)) await close().catch(() => undefined);
  }
}

export type RpcServerHandler = (envelope: RpcEnvelope) => Promise<unknown>;

export const quietLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

export function envelope<T>(data: T, organizationId = 'org-1'): RpcEnvelope<T> {
  return {
    principal: { kind: 'user', userId: 'user-1', organizationId, roles: ['owner'], scopes: [], apiKeyId: null },
    data,
    meta: { requestId: randomUUID() },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Jest hooks for a messaging suite: one private vhost for the file, a fresh harness per test.
 * Read `suite.vhost` / `suite.harness` inside tests (they are set by the hooks).
 */
export function useMessagingSuite(prefix: string): { vhost: TestVhost; harness: MessagingHarness } {
  const suite = {} as { vhost: TestVhost; harness: MessagingHarness };
  beforeAll(async () => {
    suite.vhost = await createTestVhost(prefix);
  });
  afterAll(() => suite.vhost.delete());
  beforeEach(() => {
    suite.harness = new MessagingHarness(suite.vhost.url);
  });
  afterEach(() => suite.harness.close());
  return suite;
}
