import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Principal } from '@platform/contracts';
import { EDGE_PRINCIPAL_HEADER, verifyEdgePrincipal } from '@platform/edge-principal';
import { WebSocket, WebSocketServer } from 'ws';

export interface UpstreamConnection {
  path: string;
  /** Path and query as the service received them. */
  url: string;
  headers: IncomingHttpHeaders;
  /**
   * The caller as `x-platform-principal` says, verified as a service does (library of ADR 0007:
   * signature, audience = this service, method GET, this path, lifetime); a failure refuses the handshake.
   */
  principal: Principal;
  requestId: string;
  socket: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
}

/**
 * A service's internal WebSocket port, as the gateway sees it: verifies `x-platform-principal`
 * (HS256, audience = the service) and refuses the handshake with 401 otherwise; picks `voice.v1`
 * when offered. Paths: `/v1/test/flood*` sends `flood` bytes in 64 KiB binary messages at once;
 * `/v1/test/refuse*` answers 404 (a service with no handler); everything else echoes.
 */
export class WebSocketUpstream {
  readonly connections: UpstreamConnection[] = [];
  private server!: Server;
  private wss!: WebSocketServer;
  floodBytes = 40 * 1024 * 1024;

  constructor(
    private readonly secret: string,
    private readonly audience: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: (offered) => (offered.has('voice.v1') ? 'voice.v1' : false),
    });
    this.server = createServer((_request, response) => response.writeHead(404).end());
    this.server.on('upgrade', (request, socket, head) => {
      void (async () => {
        const path = new URL(request.url ?? '/', 'http://upstream').pathname;
        if (path.startsWith('/v1/test/refuse')) return socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        let verified: { principal: Principal; requestId: string };
        try {
          const header = request.headers[EDGE_PRINCIPAL_HEADER];
          verified = await verifyEdgePrincipal(typeof header === 'string' ? header : undefined, {
            secret: this.secret,
            audience: this.audience,
            method: request.method ?? '',
            path: request.url ?? '',
          });
        } catch {
          return socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        }
        this.wss.handleUpgrade(request, socket, head, (ws) => {
          const closed = new Promise<{ code: number; reason: string }>((resolve) =>
            ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
          );
          ws.on('error', () => undefined);
          this.connections.push({
            path,
            url: request.url ?? '',
            headers: request.headers,
            ...verified,
            socket: ws,
            closed,
          });
          if (path.startsWith('/v1/test/flood')) {
            const chunk = Buffer.alloc(64 * 1024, 7);
            for (let sent = 0; sent < this.floodBytes; sent += chunk.length) ws.send(chunk);
            return;
          }
          ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
        });
      })();
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export type SocketOutcome =
  | { opened: true; socket: WebSocket; protocol: string; closed: Promise<{ code: number; reason: string }> }
  | {
      opened: false;
      status: number;
      contentType: string | undefined;
      body: { code?: string; detail?: string };
    };

/** Opens a socket through the gateway: the open socket, or the HTTP refusal (status and problem body). */
export function openSocket(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<SocketOutcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [], {
      headers: options.headers,
      perMessageDeflate: false,
    });
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      socket.on('close', (code, reason) => done({ code, reason: reason.toString() })),
    );
    socket.on('error', (error) => reject(error));
    socket.once('open', () => resolve({ opened: true, socket, protocol: socket.protocol, closed }));
    socket.once('unexpected-response', (upgradeRequest, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        upgradeRequest.destroy();
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          opened: false,
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'],
          body: text ? (JSON.parse(text) as { code?: string }) : {},
        });
      });
    });
  });
}

/** The next message a socket receives. */
export function nextMessage(socket: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) =>
    socket.once('message', (data, isBinary) => resolve({ data: data as Buffer, isBinary })),
  );
}
