import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { BackendServiceName, PlanCode } from '@platform/contracts';
import { bootstrapService, type RunningService, type ServiceDefinition } from '@platform/bootstrap';
import type { BaseEnv } from '@platform/config';
import {
  createTestDatabase,
  createTestRedis,
  createTestVhost,
  databaseEnv,
  startSmtpSink,
  type SmtpSink,
  type TestDatabase,
} from '@platform/testing';
import { analyticsService } from '../apps/analytics/src/service-definition';
import { audioWorkerService } from '../apps/audio-worker/src/service-definition';
import { authService } from '../apps/auth/src/service-definition';
import { campaignsService } from '../apps/campaigns/src/service-definition';
import { internalUrlVariable } from '../apps/gateway/src/config/gateway-env.schema';
import { GatewayModule } from '../apps/gateway/src/gateway.module';
import { GatewayInternalServer } from '../apps/gateway/src/health/gateway-internal.server';
import type { RouteDefinition } from '../apps/gateway/src/routes/route-definition';
import { ROUTE_TABLE } from '../apps/gateway/src/routes/route-table';
import { gatewayService } from '../apps/gateway/src/service-definition';
import { paymentsService } from '../apps/payments/src/service-definition';
import { recordingsService } from '../apps/recordings/src/service-definition';
import { storageService } from '../apps/storage/src/service-definition';
import { voiceService } from '../apps/voice/src/service-definition';

export const BACKEND_DEFINITIONS: Record<BackendServiceName, ServiceDefinition<never>> = {
  auth: authService,
  payments: paymentsService,
  recordings: recordingsService,
  voice: voiceService,
  storage: storageService,
  'audio-worker': audioWorkerService,
  campaigns: campaignsService,
  analytics: analyticsService,
};

type Running = RunningService<BaseEnv>;

/**
 * The whole platform in one test process: each backend on its own fresh database, all on a private
 * vhost and Redis prefix, and the gateway in front. Real PostgreSQL, Redis and RabbitMQ.
 */
export class PlatformHarness {
  readonly backends = new Map<BackendServiceName, Running>();
  gateway!: Running;
  /** Every email the platform sends (invitations, password resets) lands here. */
  mail!: SmtpSink;
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  private env: Record<string, string> = {};
  private readonly databases = new Map<BackendServiceName, TestDatabase>();
  /** Each backend's first port: a restarted backend binds it again, so the gateway's INTERNAL_URL holds. */
  private readonly ports = new Map<BackendServiceName, string>();
  private definitions: Record<BackendServiceName, ServiceDefinition<never>> = BACKEND_DEFINITIONS;

  /** The gateway's internal port (detailed readiness, metrics), never routed publicly. */
  get gatewayInternalUrl(): string {
    return this.gateway.app.get(GatewayInternalServer).url;
  }

  /**
   * `gatewayRoutes` join the real route table, e.g. routes to a backend that has no public route
   * yet (its health ping), so a suite can watch that backend's routes through the gateway.
   * `organizationsStartOn`: every organization registered from then on starts on that plan instead
   * of FREE (as if it had bought it), for suites about something else than plan caps that need
   * several members (FREE allows one). Fixture only: a trigger in auth's test database.
   * `backends`: a backend built differently, e.g. payments on a controllable clock.
   */
  async start(
    extraEnv: Record<string, string> = {},
    options: {
      gatewayRoutes?: readonly RouteDefinition[];
      organizationsStartOn?: PlanCode;
      backends?: Partial<Record<BackendServiceName, ServiceDefinition<never>>>;
    } = {},
  ): Promise<this> {
    this.definitions = { ...BACKEND_DEFINITIONS, ...options.backends };
    const [vhost, redis, mail] = await Promise.all([
      createTestVhost('e2e'),
      createTestRedis('e2e'),
      startSmtpSink(),
    ]);
    this.mail = mail;
    const storageRoot = await mkdtemp(join(tmpdir(), 'e2e-storage-'));
    this.cleanups.push(() => rm(storageRoot, { recursive: true, force: true }));
    this.cleanups.push(
      () => vhost.delete(),
      () => redis.cleanup(),
      () => mail.close(),
    );
    this.env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      GATEWAY_INTERNAL_PORT: '0',
      AMQP_URL: vhost.url,
      REDIS_URL: redis.url,
      // The gateway's own keys (limits, credential cache) under the suite's prefix: suites running in
      // parallel from the same IP never share a counter, and cleanup removes them.
      GATEWAY_REDIS_KEY_PREFIX: `${redis.keyPrefix}gateway:`,
      SMTP_URL: mail.url,
      // Password hashing at test strength (production refuses these values).
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
      // Redis answers in a millisecond, but on a loaded CI machine (2 cores, load 15+) the event loop
      // can stall for longer than the 250 ms default, and the gateway then fails open (limits skipped,
      // counts drift) or closed (denylist: 503). Suites about those modes set their own timeout.
      RATE_LIMIT_REDIS_TIMEOUT_MS: '5000',
      // Gateway and services share it: stream routes' x-platform-principal (ADR 0007).
      EDGE_PRINCIPAL_SECRET: randomBytes(32).toString('base64url'),
      // Storage's objects and staged uploads in a directory of the suite, never under the repo.
      STORAGE_LOCAL_ROOT: storageRoot,
      // The audio worker reads storage's local files (AUDIO_SOURCE=local, the default) on the same root.
      AUDIO_LOCAL_ROOT: storageRoot,
      ...extraEnv,
    };
    const names = Object.keys(BACKEND_DEFINITIONS) as BackendServiceName[];
    const databases = await Promise.all(names.map((name) => createTestDatabase(name.replace('-', '_'))));
    this.cleanups.push(() => Promise.all(databases.map((db) => db.drop())));
    names.forEach((name, i) => this.databases.set(name, databases[i]));
    // Storage first: the audio worker (AUDIO_SOURCE=storage) needs its URL, which port 0 only gives at start.
    await this.startBackend('storage');
    this.env[internalUrlVariable('storage')] = this.backends.get('storage')!.url;
    await Promise.all(names.filter((name) => name !== 'storage').map((name) => this.startBackend(name)));
    // Webhook and stream routes reach each backend's HTTP port, wherever port 0 put it.
    for (const [name, running] of this.backends) this.env[internalUrlVariable(name)] = running.url;
    const routes = [...ROUTE_TABLE, ...(options.gatewayRoutes ?? [])];
    const gateway: ServiceDefinition<never> = {
      ...(gatewayService as ServiceDefinition<never>),
      module: (config, logger) => GatewayModule.forRoot(config as never, logger, routes),
    };
    this.gateway = await bootstrapService(gateway, this.env);
    if (options.organizationsStartOn) await this.startOrganizationsOn(options.organizationsStartOn);
    return this;
  }

  /** Puts an organization on `plan` in auth's database, as a bought subscription would (fixture). */
  async setOrganizationPlan(organizationId: string, plan: PlanCode): Promise<void> {
    await this.onAuthDatabase((client) =>
      client.query(`UPDATE organizations SET plan = $2 WHERE id = $1`, [organizationId, plan]),
    );
  }

  private async onAuthDatabase(work: (client: Client) => Promise<unknown>): Promise<void> {
    const client = new Client({ connectionString: this.databases.get('auth')!.url });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.end();
    }
  }

  private async startOrganizationsOn(plan: PlanCode): Promise<void> {
    await this.onAuthDatabase((client) =>
      client.query(`
        CREATE FUNCTION e2e_organizations_start_on() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.plan := '${plan}'; RETURN NEW; END $$;
        CREATE TRIGGER e2e_organizations_start_on BEFORE INSERT ON organizations
          FOR EACH ROW EXECUTE FUNCTION e2e_organizations_start_on();`),
    );
  }

  /**
   * Another gateway on the same platform (same vhost and Redis), configured differently, e.g. to
   * expect another token issuer. Stopped with the platform.
   */
  async startExtraGateway(overrides: Record<string, string>): Promise<Running> {
    const gateway = await bootstrapService(gatewayService as ServiceDefinition<never>, {
      ...this.env,
      ...overrides,
    });
    this.cleanups.push(() => gateway.app.close());
    return gateway;
  }

  async stopBackend(name: BackendServiceName): Promise<void> {
    await this.backends.get(name)?.app.close();
    this.backends.delete(name);
  }

  /** Starts a stopped backend again, on the database it had (as a redeployed pod would). */
  async restartBackend(name: BackendServiceName): Promise<void> {
    if (this.backends.has(name)) throw new Error(`${name} is still running`);
    await this.startBackend(name);
  }

  async stop(): Promise<void> {
    await this.gateway?.app.close();
    await Promise.all([...this.backends.values()].map((service) => service.app.close()));
    for (const cleanup of this.cleanups.reverse()) await cleanup().catch(() => undefined);
  }

  private async startBackend(name: BackendServiceName): Promise<void> {
    const database = this.databases.get(name)!;
    const running = await bootstrapService(this.definitions[name], {
      ...this.env,
      ...databaseEnv(database),
      HTTP_PORT: this.ports.get(name) ?? this.env.HTTP_PORT!,
    });
    this.backends.set(name, running);
    this.ports.set(name, new URL(running.url).port);
  }
}
