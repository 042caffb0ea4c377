import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { healthPingPattern, type BackendServiceName, type Principal } from '@platform/contracts';
import { bootstrapService, type RunningService, type ServiceDefinition } from '@platform/bootstrap';
import type { BaseEnv } from '@platform/config';
import { AmqpConnection, RpcClient } from '@platform/messaging';
import { createTestDatabase, type TestDatabase } from '../postgres/test-database';
import { createTestRedis, type TestRedis } from '../redis/test-redis';
import { createTestVhost, type TestVhost } from '../rabbitmq/test-vhost';
import { waitFor } from '../wait-for';

export interface ServiceTestBedOptions {
  /** Extra env of the service (small windows, fakes' URLs...). */
  env?: Record<string, string>;
  /** Default RPC timeout of the bed's client. */
  rpcTimeoutMs?: number;
}

/**
 * One backend service booted for real on a fresh database, a private vhost and a Redis prefix, called
 * over RabbitMQ the way the gateway calls it. `call` goes through the service's RPC client; `admin`
 * is a superuser DataSource on its database for fixtures and assertions (it bypasses RLS).
 */
export class ServiceTestBed<C extends BaseEnv> {
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  service!: RunningService<C>;
  rpc!: RpcClient;
  database!: TestDatabase;
  vhost!: TestVhost;
  redis!: TestRedis;
  admin!: DataSource;

  private constructor(private readonly definition: ServiceDefinition<C>) {}

  static async start<C extends BaseEnv>(
    definition: ServiceDefinition<C>,
    options: ServiceTestBedOptions = {},
  ): Promise<ServiceTestBed<C>> {
    const bed = new ServiceTestBed(definition);
    try {
      await bed.boot(options);
    } catch (error) {
      await bed.stop();
      throw error;
    }
    return bed;
  }

  private async boot(options: ServiceTestBedOptions): Promise<void> {
    const name = this.definition.service as BackendServiceName;
    const label = name.replace(/-/g, '_');
    [this.database, this.vhost, this.redis] = await Promise.all([
      createTestDatabase(label),
      createTestVhost(label),
      createTestRedis(label),
    ]);
    this.cleanups.push(
      () => this.database.drop(),
      () => this.vhost.delete(),
      () => this.redis.cleanup(),
    );
    this.service = await bootstrapService(this.definition, {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      // As the launcher derives them: queries as the app role (under RLS), migrations as the owner,
      // cross-tenant work as the system role.
      DATABASE_URL: this.database.appUrl,
      DATABASE_MIGRATIONS_URL: this.database.url,
      DATABASE_SYSTEM_URL: this.database.systemUrl,
      AMQP_URL: this.vhost.url,
      REDIS_URL: this.redis.url,
      OUTBOX_POLL_MS: '50',
      ...options.env,
    });
    this.cleanups.unshift(() => this.service.app.close());
    const connection = new AmqpConnection({
      url: this.vhost.url,
      connectionName: `${name}-test-bed-${randomUUID()}`,
    });
    await connection.connect();
    this.cleanups.unshift(() => connection.close());
    this.rpc = new RpcClient(connection, options.rpcTimeoutMs ?? 5000);
    this.admin = await new DataSource({ type: 'postgres', url: this.database.url }).initialize();
    this.cleanups.unshift(() => this.admin.destroy());
    // The RPC queue is bound asynchronously after boot: wait until the health ping routes.
    await waitFor(
      `${name} RPC patterns bound`,
      () => this.call(healthPingPattern(name), {}).then(() => true),
      { timeoutMs: 15_000 },
    );
  }

  /** Calls a pattern with `data` as `principal` (null: anonymous); rejects with the service's error. */
  call<T = unknown>(pattern: string, data: unknown, principal: Principal | null = null): Promise<T> {
    return this.rpc.call<T>(pattern, { principal, data, meta: { requestId: randomUUID() } });
  }

  async stop(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0)) await cleanup().catch(() => undefined);
  }
}
