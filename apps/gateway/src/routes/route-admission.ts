import '../http/fastify-request.augment';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { Authenticator } from '../authentication/authenticator.service';
import type { PendingRevocationCheck } from '../authentication/token-denylist';
import { OrganizationSuspension } from '../billing/organization-suspension';
import { ApiUsageMeter } from '../metering/api-usage-meter';
import { admitCredential } from '../authorization/credential.policy';
import { authorize } from '../authorization/permission.policy';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { clientIp } from '../throttling/client-ip';
import { RequestThrottle } from '../throttling/request-throttle.service';
import {
  acceptedCredentials,
  type RouteAuth,
  type RouteCredential,
  type RouteDefinition,
} from './route-definition';

/** The part of any route kind that admission reads. */
type AdmittedRoute = RouteDefinition & { auth: RouteAuth; credentials?: readonly RouteCredential[] };

/**
 * Who may call a route, the same for every kind (rpc, webhook, stream): the client address, then
 * authenticate (public routes: nobody), throttle, admit the kind of credential, authorize. Runs in
 * onRequest, before any body byte is read, so unauthenticated or throttled callers cost no parsing
 * and no bytes reach a service. A new gate every route must pass belongs here, in one place.
 */
@Injectable()
export class RouteAdmission {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly throttle: RequestThrottle,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    private readonly suspension: OrganizationSuspension,
    private readonly usage: ApiUsageMeter,
  ) {}

  async admit(route: AdmittedRoute, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    request.clientIp = clientIp(request, this.config.TRUSTED_PROXY_HOPS);
    if (route.auth === 'public') {
      request.principal = null;
      await this.gate(route, null, request.clientIp, reply, request.method);
      return;
    }
    const { principal, revocation } = await this.authenticator.authenticateDeferringRevocation(
      request.headers,
      request.clientIp,
      String(request.id),
    );
    request.principal = principal;
    // A bearer token's denylist check rides in the throttle's script, which reads it first and
    // consumes nothing for a revoked token: one Redis round trip for both.
    await this.gate(route, principal, request.clientIp, reply, request.method, revocation);
  }

  /**
   * The gates after authentication — throttle, credential kind, permission, a suspended
   * organization's 402 — also for a caller authenticated another way than by its headers (a
   * WebSocket ticket or subprotocol token), so every kind passes the same gates, kept here in one place.
   */
  async gate(
    route: AdmittedRoute,
    principal: Principal | null,
    ip: string,
    reply: FastifyReply,
    method = 'GET',
    revocation?: PendingRevocationCheck,
  ): Promise<void> {
    await this.throttle.enforce(route, principal, ip, reply, revocation);
    admitCredential(route.auth, acceptedCredentials(route), principal);
    authorize(route.auth, principal);
    await this.suspension.assertOpen(method, route.path, principal);
    // Admitted: metering counts it (a Map increment; batches are published off the request path).
    if (principal?.organizationId) this.usage.record(principal.organizationId);
  }
}
