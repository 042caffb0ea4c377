import { WebSocket } from 'ws';
import type { BackendServiceName } from '@platform/contracts';
import { DomainError } from '@platform/errors';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { UpstreamUnavailableError } from '../resilience/upstream-unavailable.error';
import { internalUrlFor } from '../routes/kinds/forwarded-headers';

/**
 * The service's socket URL: its `<SERVICE>_INTERNAL_URL` origin + the request's path and query
 * (as for stream routes: the client never picks the host), `http(s)` becoming `ws(s)`.
 */
export function internalSocketUrl(
  config: GatewayEnv,
  service: BackendServiceName,
  pathAndQuery: string,
): URL {
  const url = internalUrlFor(config, service, pathAndQuery);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

/**
 * Opens the service's side before the client's upgrade is answered, so that a service that is down
 * or refuses is a plain 503 to the client (with the service named), never an accepted socket that
 * closes at once. The service picks among the client's application subprotocols.
 * A service that cannot be reached (refused, reset, handshake timeout) is UpstreamUnavailableError,
 * which its circuit breaker counts; a service that answers the handshake with an HTTP status has
 * answered (as on stream routes) and is not counted.
 */
export function openUpstream(
  target: URL,
  options: {
    service: BackendServiceName;
    protocols: string[];
    headers: Record<string, string>;
    maxPayload: number;
    timeoutMs: number;
  },
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(target, options.protocols, {
      headers: options.headers,
      maxPayload: options.maxPayload,
      handshakeTimeout: options.timeoutMs,
      perMessageDeflate: false,
      followRedirects: false,
    });
    const refused = (detail: string) =>
      new DomainError('SERVICE_UNAVAILABLE', `The ${options.service} service ${detail}`, {
        retryAfterSeconds: 1,
      });
    // Kept for the socket's whole life: an error with no listener would crash the process.
    socket.on('error', () => undefined);
    socket.once('open', () => {
      // Nothing is read until the relay listens (RelayedConnection.start resumes it): a frame the
      // service sends right after accepting must not be emitted before anyone relays it.
      socket.pause();
      resolve(socket);
    });
    socket.once('unexpected-response', (request, response) => {
      request.destroy();
      response.resume();
      reject(refused(`did not accept the connection (HTTP ${response.statusCode})`));
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      reject(new UpstreamUnavailableError(options.service, error.code ?? 'cannot be reached')),
    );
  });
}
