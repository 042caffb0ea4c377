/**
 * The auth service as `npm start` runs it (same service definition: AMQP transport, database under
 * RLS, Redis), hosting one extra bench-only HTTP route on its internal port: GET /bench/profile calls
 * the very handler method that answers the `auth.profile.get` RPC (ProfileHandlers.get: the tenant
 * transaction, the profile query), with the user and organization taken from two headers. It exists
 * only in this benchmark process, so "the same handler over plain HTTP" can be measured beside
 * "gateway → RabbitMQ → service".
 */
import { Controller, Get, Headers, Module, type DynamicModule } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { bootstrapService, type ServiceDefinition } from '@platform/bootstrap';
import { RpcServer } from '@platform/messaging';
import type { AuthEnv } from '../../apps/auth/src/config/auth-env.schema';
import { authService } from '../../apps/auth/src/service-definition';
import { ProfileHandlers } from '../../apps/auth/src/users/profile.handlers';
import { ProfileQuery } from '../../apps/auth/src/users/profile.query';
import { reportReady, stopWith } from './child';
import { installTracePoints, tracePointAround } from './trace-points';

/**
 * BENCH_TRACE: the RPC path's steps in auth (see trace-points.ts). Not on the handler method
 * itself: Nest reads its pattern from that function's metadata.
 */
function installTraces(): void {
  installTracePoints('auth');
  tracePointAround(RpcServer.prototype, 'handle', 'a rpc handle', 'a rpc handle done');
  tracePointAround(RpcServer.prototype, 'dispatch', 'a dispatch', 'a dispatch done');
  tracePointAround(ProfileQuery.prototype, 'find', 'a query', 'a query done');
}

@Controller('bench')
class BenchProfileController {
  constructor(private readonly modules: ModuleRef) {}

  @Get('profile')
  profile(
    @Headers('x-bench-user-id') userId: string,
    @Headers('x-bench-organization-id') organizationId: string,
  ) {
    return this.modules
      .get(ProfileHandlers, { strict: false })
      .get({ userId, organizationId, roles: ['owner'], sessionId: null, tokenId: null });
  }
}

@Module({})
class BenchAuthModule {
  static forRoot(inner: DynamicModule): DynamicModule {
    return { module: BenchAuthModule, imports: [inner], controllers: [BenchProfileController] };
  }
}

const benchAuthService: ServiceDefinition<AuthEnv> = {
  ...authService,
  module: (config, logger) => BenchAuthModule.forRoot(authService.module(config, logger) as DynamicModule),
};

async function main() {
  if (process.env.BENCH_TRACE) installTraces();
  const running = await bootstrapService(benchAuthService);
  stopWith(() => running.app.close());
  reportReady(running.url);
}

void main().catch((error: unknown) => {
  process.stderr.write(`auth: ${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
