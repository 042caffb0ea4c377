import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { PROBLEM_CONTENT_TYPE, catalogEntryFor, problemTypeFor } from '@platform/errors';
import { ReadinessCheck } from '@platform/health';
import { renderMetrics } from '@platform/observability';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { BackendServicesReport } from './backend-services.health';

/**
 * The gateway's internal port (GATEWAY_INTERNAL_PORT): `/health/ready` (the gateway's own
 * dependencies: Redis, RabbitMQ), `/health/services` (each backend's RPC ping and circuit breaker,
 * informational: always 200), `/metrics`, and `/health/live`. The service table is expensive (one
 * RPC per backend) and tells versions and topology, metrics tell traffic: neither belongs on the
 * public port, which keeps only the cheap `/health/live`. Probes and Prometheus reach this port
 * inside the cluster; the Ingress and the public Service never route to it.
 */
@Injectable()
export class GatewayInternalServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: FastifyInstance = Fastify({ logger: false });
  private boundUrl = '';

  constructor(
    private readonly readiness: ReadinessCheck,
    private readonly services: BackendServicesReport,
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
    // 200 whatever it says: a backend down is that backend's routes' business (503 by its breaker),
    // never a reason to take the gateway out of rotation.
    this.server.get('/health/services', async () => this.services.table());
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
