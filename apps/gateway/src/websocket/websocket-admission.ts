import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError, ForbiddenError, UnauthenticatedError } from '@platform/errors';
import { Authenticator } from '../authentication/authenticator.service';
import { TokenDenylist } from '../authentication/token-denylist';
import { admitCredential } from '../authorization/credential.policy';
import { authorize } from '../authorization/permission.policy';
import type { GatewayEnv } from '../config/gateway-env.schema';
import type { WebSocketRouteDefinition } from '../routes/kinds/websocket-route';
import { acceptedCredentials } from '../routes/route-definition';
import { AdaptiveLimitsService } from '../throttling/adaptive/adaptive-limits.service';
import { windowLimitsPerMinute, type RateLimitClass } from '../throttling/rate-limit-classes';
import { RateLimiter } from '../throttling/rate-limiter.service';
import { throttleLimits } from '../throttling/request-throttle.service';
import { readUpgradeCredential, type OfferedProtocols } from './upgrade-credential';
import { WebSocketTickets } from './websocket-tickets';

export interface AdmittedUpgrade {
  principal: Principal & { organizationId: string };
  protocols: OfferedProtocols;
}

/**
 * Who may open a socket, decided before the upgrade exactly as for any route: one credential
 * (ticket, `bearer` subprotocol or credential headers), the route's throttle, the kinds of
 * credential it accepts, its permission. Every refusal is thrown as the same errors the RPC
 * pipeline throws, so it becomes the same problem+json.
 */
@Injectable()
export class WebSocketAdmission {
  private readonly windowLimits: Record<RateLimitClass, number>;

  constructor(
    private readonly authenticator: Authenticator,
    private readonly tickets: WebSocketTickets,
    private readonly denylist: TokenDenylist,
    private readonly limiter: RateLimiter,
    private readonly adaptive: AdaptiveLimitsService,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {
    this.windowLimits = windowLimitsPerMinute(config);
  }

  async admit(
    route: WebSocketRouteDefinition,
    request: IncomingMessage,
    path: string,
    query: URLSearchParams,
    ip: string,
    requestId: string,
  ): Promise<AdmittedUpgrade> {
    const { credential, protocols } = readUpgradeCredential(request.headers, query);
    let principal: Principal;
    switch (credential.kind) {
      case 'ticket':
        principal = await this.tickets.consume(credential.ticket, route.id, path);
        // The credential it was issued to may have been revoked in the ticket's few seconds.
        if (await this.revoked(principal))
          throw new UnauthenticatedError('The credential of this ticket was revoked');
        break;
      case 'subprotocol-bearer':
        principal = await this.authenticator.authenticate(
          { authorization: `Bearer ${credential.token}` },
          ip,
          requestId,
        );
        break;
      case 'headers':
        principal = await this.authenticator.authenticate(request.headers, ip, requestId);
        break;
    }
    await this.throttle(route, principal, ip);
    this.authorize(route, principal);
    return { principal: principal as AdmittedUpgrade['principal'], protocols };
  }

  /** Whether auth revoked the credential behind a principal (token, session or API key) since it was checked. */
  revoked(principal: Principal): Promise<boolean> {
    if (principal.apiKeyId) return this.denylist.isApiKeyRevoked(principal.apiKeyId);
    if (principal.tokenId && principal.sessionId)
      return this.denylist.isRevoked(principal.tokenId, principal.sessionId);
    return Promise.resolve(false);
  }

  /** The route's credential kinds and permission against a principal (also when a ticket is issued). */
  authorize(route: WebSocketRouteDefinition, principal: Principal): void {
    admitCredential(route.auth, acceptedCredentials(route), principal);
    authorize(route.auth, principal);
    // Connection limits and the service's tenancy both hang on the organization.
    if (!principal.organizationId) throw new ForbiddenError('A WebSocket needs an organization');
  }

  async throttle(
    route: Pick<WebSocketRouteDefinition, 'id' | 'rateLimit' | 'service'>,
    principal: Principal,
    ip: string,
  ) {
    const decision = await this.limiter.check(
      throttleLimits(route, principal, ip, {
        config: this.config,
        windowLimits: this.windowLimits,
        factor: this.adaptive.factorFor(route.service),
      }),
    );
    if (decision && !decision.allowed) {
      throw new DomainError('RATE_LIMITED', `Rate limit exceeded; retry in ${decision.retryAfterSeconds} s`, {
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }
  }
}
