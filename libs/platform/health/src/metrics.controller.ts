import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { renderMetrics } from '@platform/observability';

/** Prometheus scrape endpoint (internal port only; the gateway's is not routed publicly by the ingress). */
@Controller()
export class MetricsController {
  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    const { contentType, body } = await renderMetrics();
    void reply.header('content-type', contentType).send(body);
  }
}
