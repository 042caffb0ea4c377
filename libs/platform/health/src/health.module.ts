import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController, LivenessController } from './health.controller';
import { HealthPingResponder } from './health-ping.responder';
import { HEALTH_OPTIONS, type HealthModuleOptions } from './health-options';
import { READINESS_INDICATORS, type ReadinessIndicator } from './indicators/readiness-indicator';
import { MetricsController } from './metrics.controller';
import { ReadinessCheck } from './readiness.check';

/**
 * `/health/live`, `/health/ready`, `/metrics`, and the RPC health ping of backend services. With
 * `httpPort: 'liveness-only'` the HTTP port gets `/health/live` alone and the owner serves
 * `ReadinessCheck` and metrics elsewhere (the gateway's internal port); with `httpPort: 'none'` the
 * owner serves liveness too.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: HEALTH_OPTIONS, useValue: options },
      ...options.indicators,
      {
        provide: READINESS_INDICATORS,
        useFactory: (...indicators: ReadinessIndicator[]) => indicators,
        inject: options.indicators,
      },
    ];
    if (options.answerPing) providers.push(HealthPingResponder);
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: controllersFor(options.httpPort ?? 'all'),
      providers: [...providers, ReadinessCheck],
      exports: [READINESS_INDICATORS, ReadinessCheck],
    };
  }
}

function controllersFor(httpPort: NonNullable<HealthModuleOptions['httpPort']>): Type[] {
  switch (httpPort) {
    case 'all':
      return [HealthController, MetricsController];
    case 'liveness-only':
      return [LivenessController];
    case 'none':
      return [];
  }
}
