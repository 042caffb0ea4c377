import { Inject, Injectable } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { READINESS_INDICATORS, type ReadinessIndicator } from './indicators/readiness-indicator';

export interface ReadinessReport {
  httpStatus: 200 | 503;
  result: HealthCheckResult;
}

/** Runs every readiness indicator once; served by `/health/ready` on whichever port carries it. */
@Injectable()
export class ReadinessCheck {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(READINESS_INDICATORS) private readonly indicators: ReadinessIndicator[],
  ) {}

  async run(): Promise<ReadinessReport> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check(this.indicators.map((indicator) => () => indicator.check()));
    } catch (error) {
      // Terminus throws a 503 carrying the full result; answer it as is rather than as an error page.
      const response = (error as { getResponse?: () => HealthCheckResult }).getResponse?.();
      if (!response) throw error;
      result = response;
    }
    return { httpStatus: result.status === 'ok' ? 200 : 503, result };
  }
}
