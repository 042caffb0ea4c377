import '../../http/fastify-request.augment';
import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { BackendServiceName } from '@platform/contracts';
import { EDGE_PRINCIPAL_HEADER } from '@platform/edge-principal';
import { DomainError } from '@platform/errors';
import { internalUrlVariable, type GatewayEnv } from '../../config/gateway-env.schema';
import { HOP_BY_HOP_HEADERS } from './internal-upstream';

/**
 * Client headers that never reach a service: credentials (the gateway already turned them into
 * the signed principal; a service must not be able to replay them) and anything a client could
 * use to pose as the gateway or as another caller or address.
 */
export const NEVER_FORWARDED: ReadonlySet<string> = new Set([
  'authorization',
  'cookie',
  'x-api-key',
  EDGE_PRINCIPAL_HEADER,
  'x-organization-code',
  'x-user-id',
  'x-device-token',
  'host',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'x-request-id',
  // 100-continue is negotiated per hop: the gateway already answered it to the client.
  'expect',
  ...HOP_BY_HOP_HEADERS,
]);

/**
 * The origin of `<SERVICE>_INTERNAL_URL` + the request's path and query, unchanged. Concatenated, not
 * resolved: an absolute-form (`http://other/...`) or protocol-relative (`//other/...`) request target
 * must never choose the host the gateway connects to.
 */
export function internalUrlFor(config: GatewayEnv, service: BackendServiceName, requestUrl: string): URL {
  const base = new URL((config as unknown as Record<string, string>)[internalUrlVariable(service)]!);
  if (!requestUrl.startsWith('/')) throw new DomainError('BAD_REQUEST', 'The request target must be a path');
  return new URL(`${base.origin}${requestUrl}`);
}

function first(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  return raw?.split(',')[0]?.trim() || undefined;
}

/**
 * Where the client reached the gateway, so a service can build absolute URLs (a tus server's
 * `Location`) that point at the gateway. Behind trusted proxies their X-Forwarded-Host/Proto win.
 */
export function forwardedHeaders(request: FastifyRequest, trustedProxyHops: number): OutgoingHttpHeaders {
  const behindProxy = trustedProxyHops > 0;
  const host =
    (behindProxy ? first(request.headers['x-forwarded-host']) : undefined) ?? request.headers.host ?? '';
  const encrypted = (request.raw.socket as { encrypted?: boolean }).encrypted === true;
  const proto =
    (behindProxy ? first(request.headers['x-forwarded-proto']) : undefined) ?? (encrypted ? 'https' : 'http');
  return {
    'x-forwarded-for': request.clientIp,
    'x-forwarded-host': host,
    'x-forwarded-proto': proto,
    'x-request-id': String(request.id),
  };
}

/**
 * The client's headers minus NEVER_FORWARDED, plus the gateway's forwarded-* and request id, and the
 * signed principal when there is one (a signed-url stream forwards none: the URL is the credential).
 */
export function streamRequestHeaders(
  request: FastifyRequest,
  trustedProxyHops: number,
  principalToken: string | null,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && !NEVER_FORWARDED.has(name)) out[name] = value;
  }
  return {
    ...out,
    ...forwardedHeaders(request, trustedProxyHops),
    ...(principalToken === null ? {} : { [EDGE_PRINCIPAL_HEADER]: principalToken }),
  };
}
