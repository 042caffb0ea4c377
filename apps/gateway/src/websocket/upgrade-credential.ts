import type { IncomingHttpHeaders } from 'node:http';
import { UnauthenticatedError } from '@platform/errors';

/**
 * The subprotocol that carries an access token: a browser cannot set `Authorization` on a
 * WebSocket, so it offers `new WebSocket(url, ['bearer', accessToken, ...appProtocols])`. The entry
 * after `bearer` is the token; the gateway answers `Sec-WebSocket-Protocol: bearer` (or the app
 * protocol the service chose) and never echoes, logs or forwards the token.
 */
export const BEARER_SUBPROTOCOL = 'bearer';

/** Headers that carry a credential the normal way (non-browser clients). */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'x-organization-code'] as const;

export type UpgradeCredential =
  { kind: 'ticket'; ticket: string } | { kind: 'subprotocol-bearer'; token: string } | { kind: 'headers' };

export interface OfferedProtocols {
  /** Whether the client offered the `bearer` marker (then it must get it back if nothing else is chosen). */
  bearer: boolean;
  /** What the client offered apart from the token pair: these, and only these, go to the service. */
  application: string[];
}

/** `Sec-WebSocket-Protocol: a, b` (possibly repeated) → the offered list. */
export function offeredProtocols(headers: IncomingHttpHeaders): string[] {
  const raw = headers['sec-websocket-protocol'];
  const joined = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return joined
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/**
 * Which one credential an upgrade carries: `?ticket=`, the `bearer` subprotocol pair, or the
 * ordinary credential headers. More than one is refused, as on every route: a request judged by one
 * credential and limited or logged by another is how confusions start.
 */
export function readUpgradeCredential(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): { credential: UpgradeCredential; protocols: OfferedProtocols } {
  const offered = offeredProtocols(headers);
  const bearerAt = offered.indexOf(BEARER_SUBPROTOCOL);
  const token = bearerAt >= 0 ? offered[bearerAt + 1] : undefined;
  if (bearerAt >= 0 && !token) {
    throw new UnauthenticatedError('The "bearer" subprotocol must be followed by the access token');
  }
  const application = offered.filter(
    (_, index) => bearerAt < 0 || (index !== bearerAt && index !== bearerAt + 1),
  );
  const tickets = query.getAll('ticket');
  const withHeaders = CREDENTIAL_HEADERS.some((name) => headers[name] !== undefined);
  const count = (tickets.length > 0 ? 1 : 0) + (token ? 1 : 0) + (withHeaders ? 1 : 0);
  if (count > 1 || tickets.length > 1) throw new UnauthenticatedError('Send exactly one credential');
  const protocols = { bearer: bearerAt >= 0, application };
  if (tickets.length === 1) return { credential: { kind: 'ticket', ticket: tickets[0]! }, protocols };
  if (token) return { credential: { kind: 'subprotocol-bearer', token }, protocols };
  if (!withHeaders) {
    throw new UnauthenticatedError(
      'Send a ticket (?ticket= from POST /v1/ws-tickets), the access token as subprotocols ["bearer", <token>], or a credential header',
    );
  }
  return { credential: { kind: 'headers' }, protocols };
}

/** The query string without `ticket`: what the service sees (a spent ticket is nobody's business). */
export function queryWithoutTicket(query: URLSearchParams): string {
  const rest = new URLSearchParams(query);
  rest.delete('ticket');
  const text = rest.toString();
  return text ? `?${text}` : '';
}
