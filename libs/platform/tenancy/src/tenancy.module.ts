import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { createDataSource, type DatabaseOptions } from '@platform/persistence';
import type { TenancyLogger } from './system-work';
import { SYSTEM_DATA_SOURCE, TENANCY_LOGGER, TenantDatabase } from './tenant-database';

export interface TenancyModuleOptions {
  /** The system role's connection; no migrations run through it. A small pool is enough. */
  system: Omit<DatabaseOptions, 'migrations' | 'migrationsUrl'>;
  logger: TenancyLogger;
}

/**
 * Provides `TenantDatabase` (global). Needs the app DataSource from PersistenceModule, which must
 * connect as the app role (NOBYPASSRLS) with migrations run by the migrator (`migrationsUrl`).
 */
@Module({})
export class TenancyModule implements OnApplicationShutdown {
  constructor(@Inject(SYSTEM_DATA_SOURCE) private readonly systemDataSource: DataSource) {}

  static forRoot(options: TenancyModuleOptions): DynamicModule {
    return {
      module: TenancyModule,
      global: true,
      providers: [
        {
          provide: SYSTEM_DATA_SOURCE,
          useFactory: () => createDataSource({ poolSize: 2, ...options.system, migrations: [] }).initialize(),
        },
        { provide: TENANCY_LOGGER, useValue: options.logger },
        TenantDatabase,
      ],
      exports: [TenantDatabase, SYSTEM_DATA_SOURCE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.systemDataSource.isInitialized) await this.systemDataSource.destroy();
  }
}
