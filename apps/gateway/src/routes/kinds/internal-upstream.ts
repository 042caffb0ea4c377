import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '@platform/errors';
import { UpstreamTimeoutError, UpstreamUnavailableError } from '../../resilience/upstream-unavailable.error';

/** Headers that describe one connection, never the message: not forwarded in either direction (RFC 9110 §7.6.1). */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export interface UpstreamTarget {
  /** The owning service, for errors and the breaker. */
  service: string;
  url: URL;
  method: string;
  headers: OutgoingHttpHeaders;
  connectTimeoutMs: number;
  /** No byte either way for this long: aborted (504 when nothing was answered yet). */
  idleTimeoutMs: number;
}

/** The client went away mid-request; nobody is left to answer, this only stops the work. */
export class ClientAbortedError extends DomainError {
  constructor() {
    super('BAD_REQUEST', 'The client closed the request');
  }
}

export function payloadTooLarge(limit: number): DomainError {
  return new DomainError(
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than this endpoint accepts (${limit} bytes)`,
  );
}

/** Passes bytes through until `limit`, then fails with 413 instead of passing one more. */
class ByteLimit extends Transform {
  private seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) callback(payloadTooLarge(this.limit));
    else callback(null, chunk);
  }
}

/**
 * Response headers worth relaying: everything but the connection's own and CORS. The gateway's
 * CORS_ORIGINS policy is the only one: a service echoing any Origin (tus servers do) must not widen it.
 */
export function relayableHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP_HEADERS.has(name) || name.startsWith('access-control-')) continue;
    out[name] = value;
  }
  return out;
}

/**
 * HTTP to the backends' internal ports (webhook and stream routes). One keep-alive agent per
 * gateway, so chunk after chunk of a tus upload reuses connections. Every failure to get an answer
 * becomes UpstreamUnavailableError / UpstreamTimeoutError, which the service's breaker counts.
 */
@Injectable()
export class InternalUpstream implements OnApplicationShutdown {
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** Sends a whole (small) body; resolves with the response, whose body the caller reads. */
  send(target: UpstreamTarget, body: Buffer | undefined): Promise<IncomingMessage> {
    return this.open(target, (request) => request.end(body));
  }

  /**
   * Pipes `source` (the client's request) to the service with backpressure and at most `limit`
   * bytes, resolving when the service's response headers arrive. `aborted` fires when the client
   * goes away: the upstream request is destroyed, so the service sees the abort too.
   */
  stream(
    target: UpstreamTarget,
    source: IncomingMessage | null,
    limit: number,
    onClientGone: (abort: () => void) => void,
  ): Promise<IncomingMessage> {
    return this.open(target, (request, fail) => {
      onClientGone(() => request.destroy(new ClientAbortedError()));
      if (!source) {
        request.end();
        return;
      }
      const limiter = new ByteLimit(limit);
      // pipe (not pipeline) from the client: an over-limit body must not destroy the client's socket
      // before it hears 413; the rest of its body is drained instead.
      source.pipe(limiter);
      source.once('close', () => {
        if (!source.complete) limiter.destroy(new ClientAbortedError());
      });
      pipeline(limiter, request, (error) => {
        if (!error) return;
        source.unpipe(limiter);
        source.resume();
        fail(error);
      });
    });
  }

  private open(
    target: UpstreamTarget,
    write: (request: http.ClientRequest, fail: (error: unknown) => void) => void,
  ): Promise<IncomingMessage> {
    const { service, url } = target;
    return new Promise<IncomingMessage>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        reject(classify(service, error));
      };
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request(
        url,
        {
          method: target.method,
          headers: target.headers,
          agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
        },
        (response) => {
          if (settled) {
            response.destroy();
            return;
          }
          settled = true;
          resolve(response);
        },
      );
      request.on('error', fail);
      request.on('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(
          () => request.destroy(new UpstreamUnavailableError(service, 'connect timeout')),
          target.connectTimeoutMs,
        );
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      // Socket inactivity, both directions: a stalled upload, a stalled download, or no answer.
      request.setTimeout(target.idleTimeoutMs, () => request.destroy(new UpstreamTimeoutError(service)));
      write(request, fail);
    });
  }
}

/** Our own errors pass; anything the socket says (ECONNREFUSED, ECONNRESET, EPIPE...) means unanswered. */
function classify(service: string, error: unknown): unknown {
  if (error instanceof DomainError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return new UpstreamUnavailableError(service, code ?? 'connection failed');
}

/** Reads a small response body whole, refusing more than `limit` bytes (a webhook's answer). */
export async function readSmallBody(response: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      response.destroy();
      throw new DomainError('INTERNAL', 'The service answered more than a webhook answer may hold');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
