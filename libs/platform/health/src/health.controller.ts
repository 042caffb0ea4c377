import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ReadinessCheck } from './readiness.check';

/**
 * `/health/live`: the process serves requests (no dependency checks: a DB outage must not get every
 * pod restarted). `/health/ready`: every dependency answers; 503 with the failing ones otherwise.
 */
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessCheck) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const { httpStatus, result } = await this.readiness.run();
    void reply.status(httpStatus).send(result);
  }
}

/** Liveness alone, for a public port that must not expose dependencies or versions (the gateway's). */
@Controller('health')
export class LivenessController {
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
