import { randomBytes } from 'node:crypto';
import type { RpcEnvelope } from '@platform/contracts';
import { bootstrapService, type RunningService, type ServiceDefinition } from '@platform/bootstrap';
import { AmqpConnection, EventPublisher, RpcServer, silentLogger } from '@platform/messaging';
import {
  createTestRedis,
  createTestVhost,
  infraUrls,
  startFaultProxy,
  type FaultProxy,
  type TestRedis,
  type TestVhost,
} from '@platform/testing';
import type { GatewayEnv } from '../../src/config/gateway-env.schema';
import { GatewayInternalServer } from '../../src/health/gateway-internal.server';
import { GatewayModule } from '../../src/gateway.module';
import type { RouteDefinition } from '../../src/routes/route-definition';
import { ROUTE_TABLE } from '../../src/routes/route-table';
import { gatewayService } from '../../src/service-definition';
import { TEST_AUDIENCE, TEST_ISSUER } from './token-mint';

export type StandInHandler = (envelope: RpcEnvelope) => Promise<unknown>;
export interface StandInService {
  stop(): Promise<void>;
}

/**
 * The gateway alone, on a private vhost and Redis prefix, with the auth service's side of the RPC
 * contract played by a stand-in whose handlers each test sets. Gateway-only behaviour (token
 * verification, caching, throttling, adaptive limits, timeouts) is exercised here with exact
 * control over keys and failures; the real auth service is exercised end to end in e2e/.
 */
export class GatewayTestBed {
  gateway!: RunningService<GatewayEnv>;
  redis!: TestRedis;
  private vhost!: TestVhost;
  private server!: RpcServer;
  private connection!: AmqpConnection;
  /** Calls received by the stand-in, by pattern. */
  readonly calls = new Map<string, RpcEnvelope[]>();
  readonly handlers = new Map<string, StandInHandler>();
  private readonly standIns: StandInService[] = [];
  private readonly replicas: RunningService<GatewayEnv>[] = [];
  private definition!: ServiceDefinition<GatewayEnv>;
  private env: Record<string, string> = {};
  /** Publishes on the bed's vhost as a service's outbox relay would (e.g. auth's `auth.api-key.revoked`). */
  publisher!: EventPublisher;
  /** The gateway's EDGE_PRINCIPAL_SECRET: stand-in services verify `x-platform-principal` with it. */
  readonly edgePrincipalSecret = randomBytes(32).toString('base64url');
  /** With `brokerThroughProxy`: cut it to take the broker away from the gateway alone. */
  broker?: FaultProxy;

  /**
   * `extraRoutes` join the real route table, e.g. a data-plane route that accepts API keys and
   * organization codes, which the real table does not have yet. With `brokerThroughProxy` the
   * gateway reaches RabbitMQ through a proxy the test can cut.
   */
  constructor(
    private readonly patterns: readonly string[],
    private readonly options: {
      brokerThroughProxy?: boolean;
      extraRoutes?: readonly RouteDefinition[];
    } = {},
  ) {}

  get url(): string {
    return this.gateway.url;
  }

  /** The gateway's internal port: detailed readiness and metrics. */
  get internalUrl(): string {
    return this.gateway.app.get(GatewayInternalServer).url;
  }

  async start(env: Record<string, string> = {}): Promise<this> {
    [this.vhost, this.redis] = await Promise.all([createTestVhost('gw'), createTestRedis('gw')]);
    this.connection = new AmqpConnection({ url: this.vhost.url, connectionName: 'auth-stand-in' });
    await this.connection.connect();
    this.server = new RpcServer(this.connection, { service: 'auth', prefetch: 64, logger: silentLogger });
    for (const pattern of this.patterns) {
      this.server.register({
        pattern,
        handle: async (envelope) => {
          this.calls.set(pattern, [...(this.calls.get(pattern) ?? []), envelope]);
          const handler = this.handlers.get(pattern);
          if (!handler) throw new Error(`no stand-in handler for ${pattern}`);
          return handler(envelope);
        },
      });
    }
    await this.server.start().waitForChannel(5000);
    this.publisher = new EventPublisher(this.connection, silentLogger);
    let gatewayAmqpUrl = this.vhost.url;
    if (this.options.brokerThroughProxy) {
      const upstream = new URL(infraUrls().amqp);
      this.broker = await startFaultProxy(upstream.hostname, Number(upstream.port || 5672));
      const viaProxy = new URL(this.vhost.url);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(this.broker.port);
      gatewayAmqpUrl = viaProxy.toString();
    }
    const routes = [...ROUTE_TABLE, ...(this.options.extraRoutes ?? [])];
    this.definition = {
      ...gatewayService,
      module: (config, logger) => GatewayModule.forRoot(config, logger, routes),
    };
    this.env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      GATEWAY_INTERNAL_PORT: '0',
      REDIS_URL: this.redis.url,
      GATEWAY_REDIS_KEY_PREFIX: this.redis.keyPrefix,
      JWT_ISSUER: TEST_ISSUER,
      JWT_AUDIENCE: TEST_AUDIENCE,
      EDGE_PRINCIPAL_SECRET: this.edgePrincipalSecret,
      ...env,
    };
    this.gateway = await bootstrapService(this.definition as ServiceDefinition<never>, {
      ...this.env,
      AMQP_URL: gatewayAmqpUrl,
    });
    return this;
  }

  /**
   * Another gateway replica: same routes, env, Redis and vhost (reaching the broker directly, never
   * through the bed's proxy), as a second pod would. Stopped with the bed.
   */
  async startReplica(): Promise<RunningService<GatewayEnv>> {
    const replica = await bootstrapService(this.definition as ServiceDefinition<never>, {
      ...this.env,
      AMQP_URL: this.vhost.url,
    });
    this.replicas.push(replica);
    return replica as RunningService<GatewayEnv>;
  }

  /**
   * Another backend played by a stand-in with its own connection and queue consumer (e.g. for
   * `extraRoutes` to `payments.*`), so one stand-in being slow or stopped never holds up another.
   */
  async startStandIn(service: string, handlers: Record<string, StandInHandler>): Promise<StandInService> {
    const connection = new AmqpConnection({ url: this.vhost.url, connectionName: `${service}-stand-in` });
    await connection.connect();
    const server = new RpcServer(connection, { service, prefetch: 64, logger: silentLogger });
    for (const [pattern, handle] of Object.entries(handlers)) server.register({ pattern, handle });
    await server.start().waitForChannel(5000);
    const standIn: StandInService = {
      stop: async () => {
        await server.stop().catch(() => undefined);
        await connection.close().catch(() => undefined);
      },
    };
    this.standIns.push(standIn);
    return standIn;
  }

  /** Shuts one replica down now, as a pod being stopped (the bed does not close it again). */
  async stopReplica(replica: RunningService<GatewayEnv>): Promise<void> {
    this.replicas.splice(this.replicas.indexOf(replica), 1);
    await replica.app.close();
  }

  callsOf(pattern: string): RpcEnvelope[] {
    return this.calls.get(pattern) ?? [];
  }

  async stop(): Promise<void> {
    for (const replica of this.replicas) await replica.app.close().catch(() => undefined);
    await this.gateway?.app.close().catch(() => undefined);
    for (const standIn of this.standIns) await standIn.stop();
    await this.server?.stop().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    await this.broker?.close().catch(() => undefined);
    await this.vhost?.delete().catch(() => undefined);
    await this.redis?.cleanup().catch(() => undefined);
  }
}

export { jsonRequest as request, type JsonResponse } from '@platform/testing';
