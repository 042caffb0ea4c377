import type { Logger } from 'pino';
import type { Principal } from '@platform/contracts';
import { WebSocket, type RawData } from 'ws';
import { CLOSE, clientCodeForUpstreamClose, closeReason, upstreamCodeForClientClose } from './close-codes';
import type { ConnectionLease } from './connection-leases';

export interface RelayOptions {
  idleTimeoutMs: number;
  /** Bytes queued towards one side above which the other side is no longer read. */
  highWaterBytes: number;
  /** A side that does not finish its closing handshake within this long is cut. */
  closeGraceMs: number;
  /**
   * When the credential the socket was opened with expires (ms since the epoch): both sides are
   * closed then, 4401 to the client (authenticate again and reconnect), 1001 to the service.
   */
  credentialExpiresAtMs?: number;
  /** That credential's revocation marker (an organization code's), re-checked on every heartbeat. */
  revocationMarker?: string;
  logger: Logger;
  onClosed(connection: RelayedConnection): void;
}

type Side = 'client' | 'upstream';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One client socket relayed to one service socket. Frames pass both ways unchanged (text stays
 * text, binary stays binary). Backpressure: when the socket being written to has more than
 * `highWaterBytes` queued, the socket being read from is paused (TCP then pushes back on its sender)
 * and resumed when the queue has been written out — so a slow reader costs the gateway at most about
 * one high-water mark plus one message per direction, never an unbounded buffer. Closing either side
 * closes the other with a code that says why (close-codes.ts); no data frame either way for the
 * idle timeout closes both, and so does the expiry of the credential the socket was opened with.
 */
export class RelayedConnection {
  private lastActivity = Date.now();
  private idleTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private readonly graceTimers: NodeJS.Timeout[] = [];
  private closing = false;
  private clientFailure: { code: number; reason: string } | undefined;
  private finished = false;
  /** Largest number of bytes the gateway held queued towards either side (for tests and metrics). */
  peakBufferedBytes = 0;

  constructor(
    readonly id: string,
    readonly routeId: string,
    /** Who opened it: re-checked against revocations while it is open. */
    readonly principal: Principal,
    readonly lease: ConnectionLease | null,
    private readonly client: WebSocket,
    private readonly upstream: WebSocket,
    private readonly options: RelayOptions,
  ) {}

  /** The credential's revocation marker, if it has one the principal does not name. */
  get revocationMarker(): string | undefined {
    return this.options.revocationMarker;
  }

  start(): void {
    this.pipe(this.client, this.upstream);
    this.pipe(this.upstream, this.client);
    this.client.on('close', (code, reason) => this.sideClosed('client', code, closeReason(reason)));
    this.upstream.on('close', (code, reason) => this.sideClosed('upstream', code, closeReason(reason)));
    // 'close' always follows 'error' in ws; the error itself is only worth a debug line.
    this.client.on('error', (error: Error & { code?: string }) => {
      // ws closes a client that broke the protocol itself (1009 too big, 1007 bad UTF-8, 1002): the
      // service hears the same code instead of an anonymous "client gone".
      this.clientFailure = failureOf(error.code);
      this.options.logger.debug({ err: error, connection: this.id }, 'client socket error');
    });
    this.upstream.on('error', (error) =>
      this.options.logger.debug({ err: error, connection: this.id }, 'service socket error'),
    );
    this.scheduleIdleCheck(this.options.idleTimeoutMs);
    if (this.options.credentialExpiresAtMs !== undefined)
      this.scheduleExpiry(this.options.credentialExpiresAtMs);
    this.upstream.resume();
  }

  /** Whether the gateway stopped reading one side because the other has a full queue. */
  get backpressured(): boolean {
    return this.client.isPaused || this.upstream.isPaused;
  }

  /** Bytes queued now towards the client and towards the service. */
  get bufferedBytes(): number {
    return this.client.bufferedAmount + this.upstream.bufferedAmount;
  }

  /** Closes both sides from the gateway's side (idle timeout, shutdown). */
  close(toClient: { code: number; reason: string }, toUpstream: { code: number; reason: string }): void {
    if (this.closing) return;
    this.closing = true;
    this.closeSide(this.client, toClient.code, toClient.reason);
    this.closeSide(this.upstream, toUpstream.code, toUpstream.reason);
  }

  private pipe(from: WebSocket, to: WebSocket): void {
    from.on('message', (data: RawData, isBinary: boolean) => {
      this.lastActivity = Date.now();
      if (to.readyState !== WebSocket.OPEN) return;
      to.send(data, { binary: isBinary }, () => {
        // Written out: read the other side again once the queue is below the mark.
        if (from.isPaused && to.bufferedAmount < this.options.highWaterBytes) from.resume();
      });
      const queued = to.bufferedAmount;
      if (queued > this.peakBufferedBytes) this.peakBufferedBytes = queued;
      if (queued >= this.options.highWaterBytes && !from.isPaused) from.pause();
    });
  }

  private sideClosed(side: Side, code: number, reason: string): void {
    if (!this.closing) {
      this.closing = true;
      if (side === 'client') {
        const next =
          code === CLOSE.abnormal && this.clientFailure
            ? this.clientFailure
            : upstreamCodeForClientClose(code, reason);
        this.closeSide(this.upstream, next.code, next.reason);
      } else {
        const next = clientCodeForUpstreamClose(code, reason);
        this.closeSide(this.client, next.code, next.reason);
      }
    }
    if (this.client.readyState === WebSocket.CLOSED && this.upstream.readyState === WebSocket.CLOSED) {
      this.finish();
    }
  }

  private closeSide(socket: WebSocket, code: number, reason: string): void {
    if (socket.readyState === WebSocket.OPEN) {
      // A paused socket would never read the peer's close frame.
      if (socket.isPaused) socket.resume();
      socket.close(code, reason);
    } else if (socket.readyState === WebSocket.CONNECTING) {
      socket.terminate();
    }
    const timer = setTimeout(() => {
      if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
    }, this.options.closeGraceMs);
    timer.unref();
    this.graceTimers.push(timer);
  }

  private scheduleIdleCheck(delayMs: number): void {
    this.idleTimer = setTimeout(() => {
      const idleFor = Date.now() - this.lastActivity;
      if (idleFor < this.options.idleTimeoutMs) {
        this.scheduleIdleCheck(this.options.idleTimeoutMs - idleFor);
        return;
      }
      this.close(
        { code: CLOSE.idleTimeout, reason: 'idle timeout' },
        { code: CLOSE.goingAway, reason: 'idle timeout' },
      );
    }, delayMs);
    this.idleTimer.unref();
  }

  private scheduleExpiry(expiresAtMs: number): void {
    const left = expiresAtMs - Date.now();
    // setTimeout holds at most 2^31 - 1 ms (~24.8 days); longer waits go in steps.
    this.expiryTimer = setTimeout(
      () => {
        if (Date.now() < expiresAtMs) {
          this.scheduleExpiry(expiresAtMs);
          return;
        }
        this.close(
          { code: CLOSE.credentialRevoked, reason: 'credential expired' },
          { code: CLOSE.goingAway, reason: 'credential expired' },
        );
      },
      Math.min(Math.max(0, left), MAX_TIMER_MS),
    );
    this.expiryTimer.unref();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.expiryTimer);
    for (const timer of this.graceTimers) clearTimeout(timer);
    this.options.onClosed(this);
  }
}

function failureOf(code: string | undefined): { code: number; reason: string } | undefined {
  if (!code?.startsWith('WS_ERR_')) return undefined;
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
    return { code: CLOSE.tooBig, reason: 'client message too big' };
  if (code === 'WS_ERR_INVALID_UTF8') return { code: 1007, reason: 'client sent invalid UTF-8' };
  return { code: 1002, reason: 'client protocol error' };
}
