import 'reflect-metadata';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ServiceName } from '@platform/contracts';
import { ConfigError, loadConfig, redactConfig, type BaseEnv, type Env } from '@platform/config';
import { PinoNestLogger, createLogger, requestContext } from '@platform/logging';
import { connectAmqpTransport } from '@platform/messaging';
import { initMetrics, startTracing } from '@platform/observability';
import { problemClientErrorHandler } from './client-error.handler';
import { instrumentHttp } from './http-instrumentation';
import { requestIdFor } from './request-id';

export interface ServiceDefinition<C extends BaseEnv> {
  service: ServiceName;
  /** Must extend the base env shape and parse to `C` (e.g. `serviceEnvSchema`). */
  envSchema: z.ZodObject;
  /** The root module, built from the validated config (so wiring never reads process.env). */
  module(config: C, logger: Logger): DynamicModule | Type;
  /**
   * Serve `@MessagePattern`/`@EventPattern` controllers over the platform's AMQP transport (needs
   * MessagingModule, which every backend service has through ServiceCoreModule).
   */
  amqpTransport?: boolean;
}

export interface RunningService<C> {
  app: NestFastifyApplication;
  config: C;
  logger: Logger;
  /** Base URL of the HTTP port actually bound (useful with HTTP_PORT=0 in tests). */
  url: string;
}

/** Validates config, starts tracing and metrics, builds the Nest app on Fastify and listens. */
export async function bootstrapService<C extends BaseEnv>(
  definition: ServiceDefinition<C>,
  env: Env = process.env,
): Promise<RunningService<C>> {
  const config = loadConfig(definition.envSchema, env) as C;
  const logger = createLogger({
    service: definition.service,
    level: config.LOG_LEVEL,
    version: config.SERVICE_VERSION,
  });
  startTracing({
    serviceName: definition.service,
    serviceVersion: config.SERVICE_VERSION,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    samplerRatio: config.OTEL_TRACES_SAMPLER_RATIO,
  });
  initMetrics({ service: definition.service });
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: requestIdFor,
    // A whole request (headers + body) must arrive within REQUEST_BODY_TIMEOUT_MS: a body trickled
    // byte by byte otherwise holds a connection and a handler for minutes (Node's default is 300 s).
    requestTimeout: config.REQUEST_BODY_TIMEOUT_MS,
    http: {
      requestTimeout: config.REQUEST_BODY_TIMEOUT_MS,
      headersTimeout: Math.min(60_000, config.REQUEST_BODY_TIMEOUT_MS),
      // Node checks the timeouts on this period (default 30 s, which would double a 30 s limit).
      connectionsCheckingInterval: Math.min(1000, config.REQUEST_BODY_TIMEOUT_MS),
    },
    clientErrorHandler: problemClientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(definition.module(config, logger), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  instrumentHttp(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    requestContext.run({ requestId: String(request.id) }, done);
  });
  app.enableShutdownHooks();
  if (definition.amqpTransport) {
    connectAmqpTransport(app);
    // Handlers are bound before the HTTP port opens, like the ones of the core's own RpcServer.
    await app.init();
    await app.startAllMicroservices();
  }
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  const address = fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.HTTP_PORT;
  logger.info(
    { config: redactConfig(definition.envSchema, config), port },
    `${definition.service} listening`,
  );
  return { app, config, logger, url: `http://127.0.0.1:${port}` };
}

/** Entry point of a service's main.ts: a bad config or failed start exits non-zero with the reason. */
export function runService<C extends BaseEnv>(definition: ServiceDefinition<C>): void {
  bootstrapService(definition).catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${definition.service}: ${error.message}\n`);
    } else {
      process.stderr.write(`${definition.service}: failed to start: ${(error as Error)?.stack ?? error}\n`);
    }
    process.exit(1);
  });
}
