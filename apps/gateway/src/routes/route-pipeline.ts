import '../http/fastify-request.augment';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError } from '@platform/errors';
import { RpcClient } from '@platform/messaging';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { assertJsonMediaType } from '../http/json-media-type';
import { BackendGuard } from '../resilience/backend-guard.service';
import { AdaptiveLimitsService, isServiceFailure } from '../throttling/adaptive/adaptive-limits.service';
import { ROUTE_HOOKS, type RouteHook } from './route-hooks';
import { RouteAdmission } from './route-admission';
import type { RpcRouteDefinition, RouteInput } from './route-definition';
import { parseRouteInput, rpcDataFor } from './route-input';
import { serviceOfPattern } from './rpc-schemas';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/**
 * Turns a route-table entry into a Fastify route. Before the body is even read (onRequest): refuse
 * non-JSON bodies, authenticate, throttle, admit the kind of credential, authorize — so
 * unauthenticated or throttled callers cost no parsing.
 * Then (handler): validate, the route's own hook if it has one (the login guard), one RPC to the
 * owning service, the answer.
 * Any error becomes problem+json through the global ProblemDetailsFilter.
 */
@Injectable()
export class RoutePipeline {
  constructor(
    private readonly admission: RouteAdmission,
    private readonly rpc: RpcClient,
    private readonly adaptive: AdaptiveLimitsService,
    private readonly backendGuard: BackendGuard,
    @Inject(ROUTE_HOOKS) private readonly hooks: ReadonlyMap<string, RouteHook>,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  register(fastify: FastifyInstance, route: RpcRouteDefinition): void {
    fastify.route({
      method: route.method,
      url: route.path,
      bodyLimit: Math.min(route.bodyLimitBytes ?? Infinity, this.config.BODY_LIMIT_BYTES),
      onRequest: (request, reply) => this.admit(route, request, reply),
      handler: (request, reply) => this.handle(route, request, reply),
    });
  }

  private async admit(route: RpcRouteDefinition, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    assertJsonMediaType(request);
    await this.admission.admit(route, request, reply);
  }

  private async handle(route: RpcRouteDefinition, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const input = parseRouteInput(route, {
      params: request.params,
      query: request.query,
      body: request.body,
    });
    const idempotencyKey = route.idempotent ? readIdempotencyKey(request) : undefined;
    const hook = this.hooks.get(route.id);
    const hookState = hook ? await hook.before(input, request, reply) : undefined;

    const service = serviceOfPattern(route.rpc);
    // Who the adaptive rule counts as one caller: a tenant, or an address when anonymous.
    const caller = request.principal?.organizationId ?? `ip:${request.clientIp}`;
    const started = performance.now();
    let result: unknown;
    let replayed = false;
    try {
      // Behind the service's circuit breaker and bulkhead: open or full, 503 at once.
      ({ data: result, replayed } = await this.backendGuard.call(service, () =>
        this.rpc.callWithMeta(route.rpc, {
          principal: request.principal,
          data: rpcDataFor(route, input),
          meta: idempotencyKey
            ? { requestId: String(request.id), idempotencyKey }
            : { requestId: String(request.id) },
        }),
      ));
    } catch (error) {
      const serviceFailed = isServiceFailure(error);
      this.adaptive.record(service, performance.now() - started, serviceFailed, caller);
      if (hook?.failed) await hook.failed(hookState, serviceFailed);
      throw error;
    }
    this.adaptive.record(service, performance.now() - started, false, caller);
    if (hook?.succeeded) await hook.succeeded(hookState, reply);
    // The stored answer of the first request with this Idempotency-Key: same status and body.
    if (replayed) void reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    this.answer(route, input, result, reply);
  }

  private answer(route: RpcRouteDefinition, input: RouteInput, result: unknown, reply: FastifyReply): void {
    // Answers carry tokens and tenant data: no shared cache may keep them unless the route says so.
    void reply.header(
      'cache-control',
      route.cacheSeconds ? `public, max-age=${route.cacheSeconds}` : 'no-store',
    );
    if (route.present) {
      const presentation = route.present(result as never, input);
      void reply.status(presentation.status).headers(presentation.headers ?? {});
      void reply.send(presentation.body);
      return;
    }
    void reply.status(route.success.status);
    void reply.send(route.success.status === 204 ? undefined : result);
  }
}

function readIdempotencyKey(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new DomainError('BAD_REQUEST', 'Idempotency-Key must be 1–255 visible ASCII characters');
  }
  return value;
}
