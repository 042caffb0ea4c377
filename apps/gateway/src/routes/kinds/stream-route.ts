import '../../http/fastify-request.augment';
import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SERVICE_CONFIG, exemptFromRequestTimeout } from '@platform/bootstrap';
import { ConfigError } from '@platform/config';
import { UnauthenticatedError } from '@platform/errors';
import { signEdgePrincipal } from '@platform/edge-principal';
import type { GatewayEnv } from '../../config/gateway-env.schema';
import { BackendGuard } from '../../resilience/backend-guard.service';
import { RouteAdmission } from '../route-admission';
import { internalUrlFor, streamRequestHeaders } from './forwarded-headers';
import { InternalUpstream, payloadTooLarge, relayableHeaders } from './internal-upstream';
import {
  isSignedUrlStream,
  signedUrlStreamProblems,
  type StreamRouteDefinition,
} from './stream-route.definition';

/** Answers that carry no body by definition: the service's (empty) stream is drained, not relayed. */
function hasNoBody(method: string, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
}

/**
 * Serves a stream route: admitted like an rpc route (authenticated, throttled, credential kind,
 * permission) before any body byte is read — or, for a signed-url route, throttled per client IP
 * and forwarded with no principal at all (the service verifies the URL's signature); then the body is piped — never buffered, with
 * backpressure both ways — to the owning service's internal port with a gateway-signed
 * `x-platform-principal`, behind the service's breaker and bulkhead (a stream holds one bulkhead
 * slot until the service's answer starts). At most `maxBodyBytes` are forwarded (413 before a byte
 * moves when Content-Length says more). A client that goes away aborts the upstream request.
 */
@Injectable()
export class StreamRouteKind {
  constructor(
    private readonly admission: RouteAdmission,
    private readonly backendGuard: BackendGuard,
    private readonly upstream: InternalUpstream,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  register(fastify: FastifyInstance, route: StreamRouteDefinition): void {
    // A table entry that would open a tenant's bytes to anonymous callers stops the start.
    const problems = signedUrlStreamProblems(route);
    if (problems.length > 0) throw new ConfigError(problems);
    // Fail the start, naming the variable, rather than answer every stream request with a 500.
    if (!isSignedUrlStream(route) && !this.config.EDGE_PRINCIPAL_SECRET) {
      throw new ConfigError([`EDGE_PRINCIPAL_SECRET: is required by the stream route ${route.id} (unset)`]);
    }
    void fastify.register(async (scope) => {
      // No parser reads the body: a catch-all that leaves the bytes in request.raw for the pipe.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
      scope.route({
        method: [...route.methods],
        url: route.path,
        exposeHeadRoute: false,
        onRequest: (request, reply) => this.admission.admit(route, request, reply),
        handler: (request, reply) => this.forward(route, request, reply),
      });
    });
  }

  private async forward(
    route: StreamRouteDefinition,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > route.maxBodyBytes) {
      void reply.header('connection', 'close');
      throw payloadTooLarge(route.maxBodyBytes);
    }
    const hasBody = declared > 0 || request.headers['transfer-encoding'] !== undefined;
    // Admitted: this upload may take longer than REQUEST_BODY_TIMEOUT_MS; the idle timeout guards it.
    if (hasBody) exemptFromRequestTimeout(request.raw);
    const token = await this.principalToken(route, request);
    const target = {
      service: route.service,
      url: internalUrlFor(this.config, route.service, request.url),
      method: request.method,
      headers: streamRequestHeaders(request, this.config.TRUSTED_PROXY_HOPS, token),
      connectTimeoutMs: this.config.EDGE_UPSTREAM_CONNECT_TIMEOUT_MS,
      idleTimeoutMs: this.config.EDGE_STREAM_IDLE_TIMEOUT_MS,
    };
    let response: IncomingMessage;
    try {
      response = await this.backendGuard.call(route.service, () =>
        this.upstream.stream(target, hasBody ? request.raw : null, route.maxBodyBytes, (abort) =>
          reply.raw.once('close', () => {
            if (!reply.raw.writableFinished) abort();
          }),
        ),
      );
    } catch (error) {
      // The client may still be sending (an over-limit or refused upload): it hears the answer, then
      // the connection closes instead of carrying the rest of its body.
      void reply.header('connection', 'close');
      throw error;
    }
    const status = response.statusCode ?? 502;
    void reply.status(status).headers(relayableHeaders(response.headers));
    if (!response.headers['cache-control']) void reply.header('cache-control', 'no-store');
    if (hasNoBody(request.method, status)) {
      response.resume();
      return reply.send();
    }
    return reply.send(response);
  }

  /**
   * The signed `x-platform-principal` of an authenticated stream; none for a signed-url stream, whose
   * service admits the request by the URL's signature alone. The client's own credential headers never
   * go upstream either way (NEVER_FORWARDED), so on a signed-url route they grant nothing.
   */
  private async principalToken(
    route: StreamRouteDefinition,
    request: FastifyRequest,
  ): Promise<string | null> {
    if (isSignedUrlStream(route)) return null;
    // Admission guarantees a principal on authenticated streams; the secret is checked at registration.
    if (!request.principal) throw new UnauthenticatedError();
    return signEdgePrincipal({
      secret: this.config.EDGE_PRINCIPAL_SECRET!,
      audience: route.service,
      method: request.method,
      path: request.url,
      requestId: String(request.id),
      principal: request.principal,
    });
  }
}
