import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { BackendServiceName } from '@platform/contracts';
import type { ServiceEnv } from '@platform/config';
import {
  HealthModule,
  PostgresHealthIndicator,
  RabbitMqHealthIndicator,
  RedisHealthIndicator,
  type ReadinessIndicator,
} from '@platform/health';
import {
  CreateMessagingTables1764000000000,
  EventPublisher,
  MessagingModule,
  OutboxEventEntity,
  OutboxRelay,
  OutboxWriter,
  ProcessedEventEntity,
} from '@platform/messaging';
import { PersistenceModule } from '@platform/persistence';
import { RedisModule } from '@platform/redis';
import { TenancyModule } from '@platform/tenancy';
import { messagingOptionsFrom } from './messaging-options';
import { OutboxRelayLifecycle } from './outbox-relay.lifecycle';
import { LOGGER, SERVICE_CONFIG } from './tokens';

export interface ServiceCoreOptions {
  service: BackendServiceName;
  config: ServiceEnv;
  logger: Logger;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: Function[];
  /** Services that keep state in Redis (auth's denylist, storage's chunks) opt in. */
  redis?: boolean;
  /**
   * Services with tenant tables (row-level security) opt in: `TenantDatabase` is provided, with the
   * system role's pool from DATABASE_SYSTEM_URL, and the start refuses a DATABASE_URL that could
   * bypass RLS (it must be the service's app role).
   */
  tenancy?: boolean;
}

/**
 * What every backend service is made of: its own database (migrated at start, with the outbox and
 * processed-events tables), one AMQP connection with RPC and events, optional Redis, health and metrics.
 */
@Module({})
export class ServiceCoreModule {
  static forRoot(options: ServiceCoreOptions): DynamicModule {
    const { service, config, logger } = options;
    const indicators: Type<ReadinessIndicator>[] = [PostgresHealthIndicator, RabbitMqHealthIndicator];
    if (options.redis) indicators.push(RedisHealthIndicator);
    const entities = [OutboxEventEntity, ProcessedEventEntity, ...(options.entities ?? [])];
    return {
      module: ServiceCoreModule,
      global: true,
      imports: [
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          applicationName: service,
          poolSize: config.DATABASE_POOL_SIZE,
          entities,
          migrations: [CreateMessagingTables1764000000000, ...(options.migrations ?? [])],
          // The owner migrates; DATABASE_URL (the app role, under RLS) never runs DDL.
          migrationsUrl: config.DATABASE_MIGRATIONS_URL,
        }),
        ...(options.tenancy
          ? [
              TenancyModule.forRoot({
                system: {
                  url: config.DATABASE_SYSTEM_URL ?? config.DATABASE_URL,
                  applicationName: `${service}-system`,
                  // The same entities: system work writes the outbox as tenant work does.
                  entities,
                },
                logger,
              }),
            ]
          : []),
        ...(options.redis ? [RedisModule.forRoot({ url: config.REDIS_URL, connectionName: service })] : []),
        MessagingModule.forRoot(messagingOptionsFrom(service, config, logger)),
        HealthModule.forRoot({ service, version: config.SERVICE_VERSION, indicators, answerPing: true }),
      ],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        {
          provide: OutboxRelay,
          useFactory: (dataSource: DataSource, publisher: EventPublisher) =>
            new OutboxRelay(dataSource, publisher, logger, { pollIntervalMs: config.OUTBOX_POLL_MS }),
          inject: [DataSource, EventPublisher],
        },
        {
          provide: OutboxWriter,
          useFactory: (relay: OutboxRelay) => new OutboxWriter(() => relay.wake()),
          inject: [OutboxRelay],
        },
        OutboxRelayLifecycle,
      ],
      exports: [SERVICE_CONFIG, LOGGER, OutboxWriter],
    };
  }
}
