import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Principal } from '@platform/contracts';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { EDGE_PRINCIPAL_HEADER, signEdgePrincipal } from '@platform/edge-principal';
import { DomainError, resolveRequestId } from '@platform/errors';
import { CredentialInvalidationConsumer } from '../authentication/credential-invalidation.consumer';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { BackendGuard } from '../resilience/backend-guard.service';
import { pathMatcher, type WebSocketRouteDefinition } from '../routes/kinds/websocket-route';
import { clientIp } from '../throttling/client-ip';
import { CLOSE } from './close-codes';
import { ConnectionLeases, type ConnectionLease } from './connection-leases';
import { RelayedConnection, type RelayOptions } from './relayed-connection';
import { refuseUpgrade } from './upgrade-refusal';
import { BEARER_SUBPROTOCOL, queryWithoutTicket, type OfferedProtocols } from './upgrade-credential';
import { internalSocketUrl, openUpstream } from './upstream-socket';
import { WebSocketAdmission } from './websocket-admission';
import { liveEdges, upgradesCounter } from './websocket.metrics';

const CLOSE_GRACE_MS = 5000;

interface MountedRoute {
  route: WebSocketRouteDefinition;
  matches(path: string): boolean;
  server: WebSocketServer;
}

/** What the client's handshake answer should carry, decided once the service has chosen. */
const chosenProtocol = new WeakMap<IncomingMessage, string | false>();

/**
 * The WebSocket routes of the table, on the gateway's HTTP server's `upgrade` event: admission
 * (WebSocketAdmission), the organization's connection lease, the service's socket (opened first),
 * then the client's handshake and the relay (RelayedConnection). Any refusal before the handshake is
 * a plain HTTP problem+json answer. Open connections renew their leases on a heartbeat and are
 * closed with 1001 when the gateway shuts down. A socket lives longer than the request that opened
 * it, so its credential is re-checked while it is open: a revoked API key closes its sockets on the
 * `auth.api-key.revoked` event, a revoked token or session on the next heartbeat (4401), and an
 * access token's socket when the token expires (4401).
 */
@Injectable()
export class WebSocketEdge implements BeforeApplicationShutdown, OnApplicationShutdown {
  private mounted: MountedRoute[] = [];
  private readonly connections = new Map<string, RelayedConnection>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly admission: WebSocketAdmission,
    private readonly leases: ConnectionLeases,
    private readonly invalidations: CredentialInvalidationConsumer,
    private readonly backendGuard: BackendGuard,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  attach(server: Server, routes: readonly WebSocketRouteDefinition[]): void {
    if (routes.length === 0) return;
    if (!this.config.EDGE_PRINCIPAL_SECRET) {
      throw new Error('EDGE_PRINCIPAL_SECRET is required when the route table has WebSocket routes');
    }
    this.mounted = routes.map((route) => ({
      route,
      matches: pathMatcher(route.path),
      server: new WebSocketServer({
        noServer: true,
        maxPayload: route.maxMessageBytes,
        perMessageDeflate: false,
        handleProtocols: (_offered, request) => chosenProtocol.get(request) ?? false,
      }),
    }));
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.upgrade(request, socket, head);
    });
    liveEdges.add(this);
    this.heartbeat = setInterval(() => void this.beat(), Math.max(1000, this.leases.leaseMs / 3));
    this.heartbeat.unref();
    this.invalidations.subscribe({
      apiKeyRevoked: (apiKeyId) => {
        for (const connection of this.connections.values()) {
          if (connection.principal.apiKeyId === apiKeyId) closeRevoked(connection);
        }
      },
      // Missed events: the next heartbeat checks every socket's key against auth's marker anyway.
      resync: () => undefined,
    });
  }

  /** Open relayed connections and the bytes they hold queued (tests, metrics). */
  stats(): { open: number; backpressured: number; bufferedBytes: number; peakBufferedBytes: number } {
    let bufferedBytes = 0;
    let peakBufferedBytes = 0;
    let backpressured = 0;
    for (const connection of this.connections.values()) {
      bufferedBytes += connection.bufferedBytes;
      peakBufferedBytes = Math.max(peakBufferedBytes, connection.peakBufferedBytes);
      if (connection.backpressured) backpressured += 1;
    }
    return { open: this.connections.size, backpressured, bufferedBytes, peakBufferedBytes };
  }

  /** Open connections per route id (the `gateway_websocket_connections` gauge). */
  openByRoute(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { routeId } of this.connections.values()) counts.set(routeId, (counts.get(routeId) ?? 0) + 1);
    return counts;
  }

  onApplicationShutdown(): void {
    liveEdges.delete(this);
  }

  /** Before Redis and the HTTP server close: both sides hear 1001, and the leases are handed back now. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    const goingAway = { code: CLOSE.goingAway, reason: 'gateway shutting down' };
    const open = [...this.connections.values()];
    for (const connection of open) connection.close(goingAway, goingAway);
    for (const { server } of this.mounted) server.close();
    await Promise.all(open.map((connection) => this.leases.release(connection.lease)));
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // A client that disconnects during admission must not crash the process.
    socket.on('error', () => undefined);
    const requestId = resolveRequestId(request.headers['x-request-id'], randomUUID());
    // Origin-form targets only (`/path?query`): an absolute or `//host` target names no route here.
    const requestTarget = request.url ?? '';
    const url = new URL(
      requestTarget.startsWith('/') && !requestTarget.startsWith('//') ? requestTarget : '/',
      'http://gateway.invalid',
    );
    const path = url.pathname;
    const headers: Record<string, string> = {};
    let lease: ConnectionLease | null = null;
    let upstream: WebSocket | undefined;
    let routeId = 'none';
    try {
      const mounted = this.mounted.find((candidate) => candidate.matches(path));
      if (!mounted) throw new DomainError('ROUTE_NOT_FOUND', `No WebSocket route at ${path}`);
      routeId = mounted.route.id;
      if (request.method !== 'GET')
        throw new DomainError('METHOD_NOT_ALLOWED', 'A WebSocket upgrade is a GET');
      const { route } = mounted;
      assertWebSocketHandshake(request);
      const ip = clientIp(request, this.config.TRUSTED_PROXY_HOPS);
      const { principal, protocols, credentialExpiresAtMs, revocationMarker } = await this.admission.admit(
        route,
        request,
        { path, query: url.searchParams },
        { ip, requestId, headers },
      );
      const connectionId = randomUUID();
      lease = await this.leases.acquire(
        principal.organizationId,
        route.id,
        connectionId,
        route.maxConnectionsPerOrganization,
      );
      const target = internalSocketUrl(
        this.config,
        route.service,
        `${path}${queryWithoutTicket(url.searchParams)}`,
      );
      const edgePrincipal = await signEdgePrincipal({
        secret: this.config.EDGE_PRINCIPAL_SECRET!,
        audience: route.service,
        method: 'GET',
        path,
        requestId,
        principal,
      });
      // Under the service's breaker and bulkhead, like any call to it: an open breaker refuses before
      // dialling, a handshake that cannot reach the service counts against it; the bulkhead slot is
      // held for the handshake only (an open socket is bounded by the connection leases instead).
      upstream = await this.backendGuard.call(route.service, () =>
        openUpstream(target, {
          service: route.service,
          protocols: protocols.application,
          headers: { [EDGE_PRINCIPAL_HEADER]: edgePrincipal, 'x-request-id': requestId },
          maxPayload: route.maxMessageBytes,
          timeoutMs: this.config.EDGE_UPSTREAM_CONNECT_TIMEOUT_MS,
        }),
      );
      if (socket.destroyed) throw new Error('client left during admission');
      chosenProtocol.set(request, responseProtocol(upstream.protocol, protocols));
      const opened = upstream;
      const held = lease;
      let relayed = false;
      mounted.server.handleUpgrade(request, socket, head, (client) => {
        relayed = true;
        this.relay(connectionId, principal, held, client, opened, route, {
          credentialExpiresAtMs,
          revocationMarker,
        });
      });
      // ws answers a handshake it cannot complete (400) without calling back: nothing was relayed.
      if (!relayed) {
        opened.terminate();
        await this.leases.release(held);
        return;
      }
      upgradesCounter.inc({ route: routeId, outcome: 'opened' });
    } catch (error) {
      upstream?.terminate();
      await this.leases.release(lease);
      if (socket.destroyed) return;
      const problem = refuseUpgrade(socket, error, { path, requestId, logger: this.logger, headers });
      upgradesCounter.inc({ route: routeId, outcome: problem.code.toLowerCase() });
    }
  }

  private relay(
    id: string,
    principal: Principal,
    lease: ConnectionLease | null,
    client: WebSocket,
    upstream: WebSocket,
    route: WebSocketRouteDefinition,
    credential: Pick<RelayOptions, 'credentialExpiresAtMs' | 'revocationMarker'>,
  ): void {
    const connection = new RelayedConnection(id, route.id, principal, lease, client, upstream, {
      idleTimeoutMs: route.idleTimeoutSeconds * 1000,
      ...credential,
      highWaterBytes: this.config.WS_BACKPRESSURE_HIGH_WATER_BYTES,
      closeGraceMs: CLOSE_GRACE_MS,
      logger: this.logger,
      onClosed: (closed) => {
        this.connections.delete(closed.id);
        void this.leases.release(closed.lease);
      },
    });
    this.connections.set(id, connection);
    connection.start();
  }

  private async beat(): Promise<void> {
    const open = [...this.connections.values()];
    const leases = open
      .map((connection) => connection.lease)
      .filter((lease): lease is ConnectionLease => lease !== null);
    await this.leases.renew(leases);
    await Promise.all(open.map((connection) => this.closeIfRevoked(connection)));
  }

  /** Redis unable to say (fail-closed denylist): the socket stays; the next beat asks again. */
  private async closeIfRevoked(connection: RelayedConnection): Promise<void> {
    try {
      if (await this.admission.revoked(connection.principal, connection.revocationMarker))
        closeRevoked(connection);
    } catch {
      // logged by the denylist
    }
  }
}

function closeRevoked(connection: RelayedConnection): void {
  connection.close(
    { code: CLOSE.credentialRevoked, reason: 'credential revoked' },
    { code: CLOSE.goingAway, reason: 'credential revoked' },
  );
}

const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * A WebSocket handshake (RFC 6455 §4.2.1) before anything costs a credential check, a lease or an
 * upstream socket; `ws` would refuse the same requests, but only after all of that.
 */
function assertWebSocketHandshake(request: IncomingMessage): void {
  const upgrade = request.headers.upgrade?.toLowerCase();
  const key = request.headers['sec-websocket-key'];
  if (upgrade !== 'websocket' || typeof key !== 'string' || !WEBSOCKET_KEY.test(key.trim())) {
    throw new DomainError(
      'BAD_REQUEST',
      'Not a WebSocket handshake (Upgrade: websocket and a Sec-WebSocket-Key are required)',
    );
  }
  if (request.headers['sec-websocket-version'] !== '13') {
    throw new DomainError(
      'BAD_REQUEST',
      'Only WebSocket version 13 is supported (Sec-WebSocket-Version: 13)',
    );
  }
}

/** The service's choice among the application protocols; else `bearer` when the client offered it. */
function responseProtocol(upstreamChoice: string, offered: OfferedProtocols): string | false {
  if (upstreamChoice && offered.application.includes(upstreamChoice)) return upstreamChoice;
  return offered.bearer ? BEARER_SUBPROTOCOL : false;
}
