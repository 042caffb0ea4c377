import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HealthPingResponder } from './health-ping.responder';
import { HEALTH_OPTIONS, type HealthModuleOptions } from './health-options';
import { READINESS_INDICATORS, type ReadinessIndicator } from './indicators/readiness-indicator';
import { MetricsController } from './metrics.controller';

/** `/health/live`, `/health/ready`, `/metrics`, and the RPC health ping of backend services. */
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
      controllers: [HealthController, MetricsController],
      providers,
      exports: [READINESS_INDICATORS],
    };
  }
}
