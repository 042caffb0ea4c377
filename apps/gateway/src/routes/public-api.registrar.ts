import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { registerHttpEdge } from '../http/http-edge';
import { registerApiDocs } from '../openapi/api-docs';
import { buildOpenApiDocument } from '../openapi/openapi.builder';
import type { RouteDefinition } from './route-definition';
import { RoutePipeline } from './route-pipeline';
import { ROUTES } from './routes.tokens';

/**
 * Puts the public API on the Fastify instance before it starts listening: security headers and
 * CORS, one Fastify route per route-table entry, the OpenAPI document and Swagger UI. Routes are
 * registered on Fastify directly (not as Nest controllers) because they are data, not classes;
 * errors still reach Nest's global ProblemDetailsFilter through Fastify's error handler.
 */
@Injectable()
export class PublicApiRegistrar implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly pipeline: RoutePipeline,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(ROUTES) private readonly routes: readonly RouteDefinition[],
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.decorateRequest('principal', null);
    fastify.decorateRequest('clientIp', '');
    await registerHttpEdge(fastify, this.config);
    for (const route of this.routes) this.pipeline.register(fastify, route);
    await registerApiDocs(fastify, buildOpenApiDocument(this.routes, this.config.SERVICE_VERSION));
  }
}
