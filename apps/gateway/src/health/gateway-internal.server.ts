import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { PROBLEM_CONTENT_TYPE, catalogEntryFor, problemTypeFor } from '@platform/errors';
import { ReadinessCheck } from '@platform/health';
import { renderMetrics } from '@platform/observability';
import type { GatewayEnv } from '../config/gateway-env.schema';

/**
 * The gateway's internal port (GATEWAY_INTERNAL_PORT): `/health/ready` with every dependency and
 * every backend's RPC ping, `/metrics`, and `/health/live`. Readiness is expensive (one RPC per
 * backend) and tells versions and topology, metrics tell traffic: neither belongs on the public
 * port, which keeps only the cheap `/health/live`. Probes and Prometheus reach this port inside the
 * cluster; the Ingress and the public Service never route to it.
 */
@Injectable()
export class GatewayInternalServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: FastifyInstance = Fastify({ logger: false });
  private boundUrl = '';

  constructor(
    private readonly readiness: ReadinessCheck,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  /** Base URL of the bound internal port (useful with GATEWAY_INTERNAL_PORT=0 in tests). */
  get url(): string {
    return this.boundUrl;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.server.get('/health/live', async () => ({ status: 'ok' }));
    this.server.get('/health/ready', async (_request, reply) => {
      const { httpStatus, result } = await this.readiness.run();
      return reply.status(httpStatus).send(result);
    });
    this.server.get('/metrics', async (_request, reply) => {
      const { contentType, body } = await renderMetrics();
      return reply.header('content-type', contentType).send(body);
    });
    this.server.setNotFoundHandler((request, reply) => {
      const { status, title } = catalogEntryFor('ROUTE_NOT_FOUND');
      void reply
        .status(status)
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .send({
          type: problemTypeFor('ROUTE_NOT_FOUND'),
          title,
          status,
          detail: `No route ${request.method} ${request.url.split('?')[0]} on the internal port`,
          code: 'ROUTE_NOT_FOUND',
        });
    });
    await this.server.listen({
      port: this.config.GATEWAY_INTERNAL_PORT,
      host: this.config.GATEWAY_INTERNAL_HOST,
    });
    const address = this.server.server.address();
    const port = typeof address === 'object' && address ? address.port : this.config.GATEWAY_INTERNAL_PORT;
    this.boundUrl = `http://${this.config.GATEWAY_INTERNAL_HOST === '0.0.0.0' ? '127.0.0.1' : this.config.GATEWAY_INTERNAL_HOST}:${port}`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
  }
}
