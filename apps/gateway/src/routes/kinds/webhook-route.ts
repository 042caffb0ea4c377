import '../../http/fastify-request.augment';
import type { OutgoingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError } from '@platform/errors';
import type { GatewayEnv } from '../../config/gateway-env.schema';
import { BackendGuard } from '../../resilience/backend-guard.service';
import { UpstreamUnavailableError } from '../../resilience/upstream-unavailable.error';
import { RouteAdmission } from '../route-admission';
import { forwardedHeaders, internalUrlFor } from './forwarded-headers';
import { InternalUpstream, readSmallBody, relayableHeaders } from './internal-upstream';
import type { WebhookRouteDefinition } from './webhook-route.definition';

/** A service's answer to a provider is a short acknowledgement; more is a bug, not data to relay. */
const MAX_ANSWER_BYTES = 64 * 1024;
/** Besides the listed signature headers, what a service needs to read and trace the call. */
const ALWAYS_FORWARDED = ['content-type', 'traceparent', 'tracestate'];
/**
 * Answer headers worth relaying to a provider (never the service's connection or cookies).
 * `location`: a service may send a browser that posted to a webhook route on (AZUL's 3-D Secure
 * result, 303); the URL is the service's configuration, never taken from the request.
 */
const RELAYED_ANSWER_HEADERS = new Set(['content-type', 'retry-after', 'location']);

/**
 * Serves a webhook route: public (throttled per client IP), the raw body kept byte-exact (each
 * webhook route lives in its own Fastify context whose only content-type parser keeps the bytes as
 * a Buffer, so no JSON parser can touch them), POSTed to the owning service's internal port behind
 * its circuit breaker and bulkhead, status and body relayed.
 */
@Injectable()
export class WebhookRouteKind {
  constructor(
    private readonly admission: RouteAdmission,
    private readonly backendGuard: BackendGuard,
    private readonly upstream: InternalUpstream,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  register(fastify: FastifyInstance, route: WebhookRouteDefinition): void {
    void fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      scope.route({
        method: 'POST',
        url: route.path,
        bodyLimit: route.bodyLimitBytes,
        onRequest: (request, reply) => this.admission.admit(route, request, reply),
        handler: (request, reply) => this.relay(route, request, reply),
      });
    });
  }

  private async relay(
    route: WebhookRouteDefinition,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const headers: OutgoingHttpHeaders = {
      ...forwardedHeaders(request, this.config.TRUSTED_PROXY_HOPS),
      'content-length': String(body.length),
    };
    for (const name of [...ALWAYS_FORWARDED, ...route.signatureHeaders]) {
      const value = request.headers[name.toLowerCase()];
      if (value !== undefined) headers[name.toLowerCase()] = value;
    }
    const target = {
      service: route.service,
      url: internalUrlFor(this.config, route.service, request.url),
      method: 'POST',
      headers,
      connectTimeoutMs: this.config.EDGE_UPSTREAM_CONNECT_TIMEOUT_MS,
      idleTimeoutMs: this.config.EDGE_WEBHOOK_TIMEOUT_MS,
    };
    const { status, answerHeaders, answer } = await this.backendGuard.call(route.service, async () => {
      const response = await this.upstream.send(target, body);
      try {
        const answerBody = await readSmallBody(response, MAX_ANSWER_BYTES);
        return {
          status: response.statusCode ?? 502,
          answerHeaders: relayableHeaders(response.headers),
          answer: answerBody,
        };
      } catch (error) {
        if (error instanceof DomainError) throw error;
        throw new UpstreamUnavailableError(route.service, 'answer cut off');
      }
    });
    void reply.header('cache-control', 'no-store');
    for (const name of RELAYED_ANSWER_HEADERS) {
      const value = answerHeaders[name];
      if (value !== undefined) void reply.header(name, value);
    }
    void reply.status(status);
    void reply.send(status === 204 || answer.length === 0 ? undefined : answer);
  }
}
