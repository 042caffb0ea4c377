import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type DataSourceOptions } from 'typeorm';
import {
  healthPingPattern,
  type AnyServiceContract,
  type BackendServiceName,
  type HealthPingResult,
} from '@platform/contracts';
import { bootstrapService, type RunningService, type ServiceDefinition } from '@platform/bootstrap';
import type { BaseEnv } from '@platform/config';
import { AmqpConnection, RpcClient } from '@platform/messaging';
import { databaseEnv, createTestDatabase, type TestDatabase } from '../postgres/test-database';
import { createTestRedis, type TestRedis } from '../redis/test-redis';
import { createTestVhost, type TestVhost } from '../rabbitmq/test-vhost';
import { waitFor } from '../wait-for';
import { contractCaller, type ContractCall } from './contract-caller';

export interface ServiceTestBedOptions<K extends AnyServiceContract> {
  /** The service's contract: it types `call` and checks every reply against the result schemas. */
  contract: K;
  /** Extra env of the service (small windows, fakes' URLs...). */
  env?: Record<string, string>;
  /** Default RPC timeout of the bed's client. */
  rpcTimeoutMs?: number;
}

/**
 * One backend service booted for real on a fresh database, a private vhost and a Redis prefix, called
 * over RabbitMQ the way the gateway calls it. `call` is typed from the service's contract (request and
 * result inferred from the pattern) and every reply must match it; `rpc` is the raw client for what a
 * contract cannot type (deliberately malformed data). `admin` is a superuser DataSource on the
 * service's database, with the service's entities, for fixtures and assertions (it bypasses RLS).
 */
export class ServiceTestBed<C extends BaseEnv, K extends AnyServiceContract = AnyServiceContract> {
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  service!: RunningService<C>;
  rpc!: RpcClient;
  call!: ContractCall<K>;
  database!: TestDatabase;
  vhost!: TestVhost;
  redis!: TestRedis;
  admin!: DataSource;
  /** The env the service was booted with (replicas start from it). */
  env: Record<string, string> = {};

  private constructor(private readonly definition: ServiceDefinition<C>) {}

  static async start<C extends BaseEnv, K extends AnyServiceContract>(
    definition: ServiceDefinition<C>,
    options: ServiceTestBedOptions<K>,
  ): Promise<ServiceTestBed<C, K>> {
    const bed = new ServiceTestBed<C, K>(definition);
    try {
      await bed.boot(options);
    } catch (error) {
      await bed.stop();
      throw error;
    }
    return bed;
  }

  private get name(): BackendServiceName {
    return this.definition.service as BackendServiceName;
  }

  private async boot(options: ServiceTestBedOptions<K>): Promise<void> {
    const label = this.name.replace(/-/g, '_');
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
    this.env = {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      ...databaseEnv(this.database),
      AMQP_URL: this.vhost.url,
      REDIS_URL: this.redis.url,
      OUTBOX_POLL_MS: '50',
      // The bed's own secret: a test signs `x-platform-principal` with `bed.env.EDGE_PRINCIPAL_SECRET`.
      EDGE_PRINCIPAL_SECRET: randomBytes(32).toString('base64url'),
      ...options.env,
    };
    this.service = await bootstrapService(this.definition, this.env);
    this.cleanups.unshift(() => this.service.app.close());
    const connection = new AmqpConnection({
      url: this.vhost.url,
      connectionName: `${this.name}-test-bed-${randomUUID()}`,
    });
    await connection.connect();
    this.cleanups.unshift(() => connection.close());
    this.rpc = new RpcClient(connection, options.rpcTimeoutMs ?? 5000);
    this.call = contractCaller(this.rpc, options.contract);
    this.admin = await this.adminDataSource().initialize();
    this.cleanups.unshift(() => this.admin.destroy());
    // The RPC queue is bound asynchronously after boot: wait until the health ping routes.
    await waitFor(`${this.name} RPC patterns bound`, () => this.ping().then(() => true), {
      timeoutMs: 15_000,
    });
  }

  /** The service's own entities and naming when it has a database, on the superuser connection. */
  private adminDataSource(): DataSource {
    let base: DataSourceOptions = { type: 'postgres' };
    try {
      base = this.service.app.get(DataSource, { strict: false }).options;
    } catch {
      // A service without a database of its own: a bare connection still serves fixtures.
    }
    return new DataSource({
      ...base,
      url: this.database.url,
      applicationName: `${this.name}-test-admin`,
      extra: { max: 4 },
    } as DataSourceOptions);
  }

  /** Every backend answers `<service>.health.ping` (outside its contract). */
  ping(): Promise<HealthPingResult> {
    return this.rpc.call(healthPingPattern(this.name), {
      principal: null,
      data: {},
      meta: { requestId: randomUUID() },
    });
  }

  /** A second instance of the service on the same database, vhost and Redis (a replica). */
  async startReplica(overrides: Record<string, string> = {}): Promise<RunningService<C>> {
    const replica = await bootstrapService(this.definition, { ...this.env, ...overrides });
    this.cleanups.unshift(() => replica.app.close());
    return replica;
  }

  async stop(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0)) await cleanup().catch(() => undefined);
  }
}
