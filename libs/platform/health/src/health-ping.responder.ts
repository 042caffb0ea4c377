import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { healthPingPattern, type BackendServiceName, type HealthPingResult } from '@platform/contracts';
import { RpcServer } from '@platform/messaging';
import { READINESS_INDICATORS, type ReadinessIndicator } from './indicators/readiness-indicator';
import { HEALTH_OPTIONS, type HealthModuleOptions } from './health-options';

/** Answers `<service>.health.ping`, which the gateway's readiness asks every backend service. */
@Injectable()
export class HealthPingResponder implements OnModuleInit {
  private readonly startedAt = Date.now();

  constructor(
    private readonly rpcServer: RpcServer,
    @Inject(READINESS_INDICATORS) private readonly indicators: ReadinessIndicator[],
    @Inject(HEALTH_OPTIONS) private readonly options: HealthModuleOptions,
  ) {}

  onModuleInit(): void {
    this.rpcServer.register({
      pattern: healthPingPattern(this.options.service as BackendServiceName),
      handle: () => this.ping(),
    });
  }

  async ping(): Promise<HealthPingResult> {
    const results = await Promise.all(this.indicators.map((indicator) => indicator.check()));
    const checks = Object.fromEntries(
      results.flatMap((result) => Object.entries(result).map(([key, value]) => [key, value.status])),
    ) as Record<string, 'up' | 'down'>;
    return {
      service: this.options.service,
      status: Object.values(checks).every((status) => status === 'up') ? 'up' : 'down',
      checks,
      version: this.options.version,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }
}
