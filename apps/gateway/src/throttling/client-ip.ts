import type { FastifyRequest } from 'fastify';

/**
 * The client's address for per-IP limits. Behind N trusted proxies (TRUSTED_PROXY_HOPS) it is the
 * N-th address from the right of X-Forwarded-For — entries further left were written by the client
 * and cannot be trusted. With 0 hops the socket address is used and X-Forwarded-For ignored.
 */
export function clientIp(request: Pick<FastifyRequest, 'headers' | 'socket'>, trustedHops: number): string {
  const socketAddress = request.socket.remoteAddress ?? 'unknown';
  if (trustedHops === 0) return socketAddress;
  const header = request.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  // The last proxy appended the address it saw; each earlier proxy did the same one hop further out.
  return chain[chain.length - trustedHops] ?? chain[0] ?? socketAddress;
}
