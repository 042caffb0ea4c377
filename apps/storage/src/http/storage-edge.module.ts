import { Global, Module, type DynamicModule } from '@nestjs/common';
import { EdgePrincipalModule } from '@platform/edge-principal';
import type { StorageEnv } from '../config/storage-env.schema';
import { EdgePermissionGuard } from './edge-principal.guard';
import { RawBodyParser } from './raw-body.parser';
import { StorageProblemFilter } from './storage-problem.filter';

/**
 * Storage's internal HTTP port: the edge principal guard (its secret checked at boot), the
 * permission guard, the problem filter and the raw-body parser of upload streams.
 */
@Global()
@Module({})
export class StorageEdgeModule {
  static forRoot(config: StorageEnv): DynamicModule {
    const edge = EdgePrincipalModule.forRoot({ audience: 'storage', secret: config.EDGE_PRINCIPAL_SECRET });
    return {
      module: StorageEdgeModule,
      imports: [edge],
      providers: [EdgePermissionGuard, StorageProblemFilter, RawBodyParser],
      exports: [edge, EdgePermissionGuard, StorageProblemFilter],
    };
  }
}
