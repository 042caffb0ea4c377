import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** Sockets whose current request may take longer than REQUEST_BODY_TIMEOUT_MS to arrive. */
const exempt = new WeakSet<Socket>();

/**
 * REQUEST_BODY_TIMEOUT_MS (Node's `requestTimeout`) bounds how long a whole request may take to
 * arrive: the defence against bodies trickled byte by byte. An upload of hundreds of megabytes
 * legitimately takes longer. A handler that has already admitted such a request (authenticated at
 * the gateway, or carrying a gateway-signed principal at a service) exempts it, and must guard it with
 * an inactivity timeout of its own instead (the gateway's EDGE_STREAM_IDLE_TIMEOUT_MS). Node offers no
 * per-request setting: its expiry reaches the server's clientError handler, which skips exempt sockets
 * (problemClientErrorHandler). The exemption ends with the request's body.
 */
export function exemptFromRequestTimeout(request: IncomingMessage): void {
  const socket = request.socket;
  exempt.add(socket);
  const end = () => exempt.delete(socket);
  request.once('end', end);
  request.once('close', end);
}

export function isExemptFromRequestTimeout(socket: Socket): boolean {
  return exempt.has(socket);
}
