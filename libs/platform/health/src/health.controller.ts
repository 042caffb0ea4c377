import { Controller, Get, Inject, Res } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { READINESS_INDICATORS, type ReadinessIndicator } from './indicators/readiness-indicator';

/**
 * `/health/live`: the process serves requests (no dependency checks: a DB outage must not get every
 * pod restarted). `/health/ready`: every dependency answers; 503 with the failing ones otherwise.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(READINESS_INDICATORS) private readonly indicators: ReadinessIndicator[],
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check(this.indicators.map((indicator) => () => indicator.check()));
    } catch (error) {
      // Terminus throws a 503 carrying the full result; answer it as is rather than as an error page.
      const response = (error as { getResponse?: () => HealthCheckResult }).getResponse?.();
      if (!response) throw error;
      result = response;
    }
    void reply.status(result.status === 'ok' ? 200 : 503).send(result);
  }
}
