import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@platform/contracts';
import { ForbiddenError, UnauthenticatedError } from '@platform/errors';
import { Authenticator } from '../authentication/authenticator.service';
import { TokenDenylist } from '../authentication/token-denylist';
import type { WebSocketRouteDefinition } from '../routes/kinds/websocket-route';
import { RouteAdmission } from '../routes/route-admission';
import { readUpgradeCredential, type OfferedProtocols } from './upgrade-credential';
import { WebSocketTickets } from './websocket-tickets';

export interface AdmittedUpgrade {
  principal: Principal & { organizationId: string };
  protocols: OfferedProtocols;
  /** When the credential expires (ms since the epoch): the socket is closed then (4401). */
  credentialExpiresAtMs?: number;
  /** The credential's revocation marker (an organization code's), re-checked while the socket is open. */
  revocationMarker?: string;
}

/**
 * Who may open a socket, decided before the upgrade: one credential (ticket, `bearer` subprotocol or
 * credential headers), then the very gates every other route passes (RouteAdmission.gate: throttle,
 * credential kind, permission) and an organization. Refusals are the same errors, so the same
 * problem+json; the RateLimit headers the throttle sets land in `headers` for the refusal.
 */
@Injectable()
export class WebSocketAdmission {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly tickets: WebSocketTickets,
    private readonly denylist: TokenDenylist,
    private readonly routes: RouteAdmission,
  ) {}

  async admit(
    route: WebSocketRouteDefinition,
    request: IncomingMessage,
    target: { path: string; query: URLSearchParams },
    caller: { ip: string; requestId: string; headers: Record<string, string> },
  ): Promise<AdmittedUpgrade> {
    const { credential, protocols } = readUpgradeCredential(request.headers, target.query);
    let principal: Principal;
    let credentialExpiresAtMs: number | undefined;
    let revocationMarker: string | undefined;
    switch (credential.kind) {
      case 'ticket': {
        const redeemed = await this.tickets.consume(credential.ticket, route.id, target.path);
        ({ principal, credentialExpiresAtMs, revocationMarker } = redeemed);
        // The credential it was issued to may have been revoked in the ticket's few seconds.
        if (await this.revoked(principal, revocationMarker)) {
          throw new UnauthenticatedError('The credential of this ticket was revoked');
        }
        break;
      }
      case 'subprotocol-bearer':
        ({ principal, expiresAtMs: credentialExpiresAtMs } = await this.authenticator.authenticate(
          { authorization: `Bearer ${credential.token}` },
          caller.ip,
          caller.requestId,
        ));
        break;
      case 'headers':
        // A bearer token's `exp`, or an API key's / organization code's `expiresAt`.
        ({
          principal,
          expiresAtMs: credentialExpiresAtMs,
          revocationMarker,
        } = await this.authenticator.authenticate(request.headers, caller.ip, caller.requestId));
        break;
    }
    await this.routes.gate(route, principal, caller.ip, headerSink(caller.headers));
    const admitted: AdmittedUpgrade = { principal: withOrganization(principal), protocols };
    if (credentialExpiresAtMs !== undefined) admitted.credentialExpiresAtMs = credentialExpiresAtMs;
    if (revocationMarker !== undefined) admitted.revocationMarker = revocationMarker;
    return admitted;
  }

  /**
   * `POST /v1/ws-tickets`: the target route's gates for the caller now (its own throttle bucket, the
   * route's credential kinds and permission), so a ticket never widens what a credential may do.
   */
  async admitTicketRequest(
    route: WebSocketRouteDefinition,
    ticketRouteId: string,
    principal: Principal,
    ip: string,
    reply: FastifyReply,
  ): Promise<void> {
    await this.routes.gate({ ...route, id: ticketRouteId, rateLimit: 'write' }, principal, ip, reply);
    withOrganization(principal);
  }

  /**
   * Whether auth revoked the credential behind a principal since it was checked: its token or
   * session, its API key, or — for a credential the principal does not name — its revocation marker
   * (a replaced organization code).
   */
  revoked(principal: Principal, revocationMarker?: string): Promise<boolean> {
    if (revocationMarker) return this.denylist.isMarkedRevoked(revocationMarker);
    if (principal.apiKeyId) return this.denylist.isApiKeyRevoked(principal.apiKeyId);
    if (principal.tokenId && principal.sessionId) {
      return this.denylist.isRevoked(principal.tokenId, principal.sessionId);
    }
    return Promise.resolve(false);
  }
}

/** Connection limits and the service's tenancy both hang on the organization. */
function withOrganization(principal: Principal): AdmittedUpgrade['principal'] {
  if (!principal.organizationId) throw new ForbiddenError('A WebSocket needs an organization');
  return principal as AdmittedUpgrade['principal'];
}

/** What the throttle needs of a reply (its RateLimit headers), for an upgrade that has none yet. */
function headerSink(headers: Record<string, string>): FastifyReply {
  const sink = {
    header(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
      return sink;
    },
  };
  return sink as unknown as FastifyReply;
}
