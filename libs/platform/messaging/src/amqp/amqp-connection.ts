import { EventEmitter } from 'node:events';
import { connect, type ChannelModel } from 'amqplib';
import { boundedBy } from '@platform/timeouts';
import type { Socket } from 'node:net';
import { CLOSE_TIMEOUT_MS } from './bounded';
import { coalesceWrites } from './coalesced-writes';
import { type MessagingLogger, silentLogger } from './messaging-logger';
import { ManagedChannel, type ManagedChannelOptions } from './managed-channel';

export interface AmqpConnectionOptions {
  url: string;
  /** Shown in the RabbitMQ management UI and used by tests to find this process's connections. */
  connectionName: string;
  heartbeatSeconds?: number;
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  logger?: MessagingLogger;
}

/**
 * One AMQP connection per process that heals itself: when the broker drops it, it reconnects with
 * capped exponential backoff and re-creates every managed channel (which re-declares its topology
 * and consumers). Nagle's algorithm is off (`noDelay`): with it on, small RPC replies stall ~40 ms.
 * The frames written in one event-loop turn leave in one syscall (coalesceWrites).
 */
export class AmqpConnection extends EventEmitter {
  private model: ChannelModel | undefined;
  private closing = false;
  private connecting: Promise<ChannelModel> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly channels = new Set<ManagedChannel>();
  private readonly logger: MessagingLogger;

  constructor(private readonly options: AmqpConnectionOptions) {
    super();
    this.logger = options.logger ?? silentLogger;
  }

  get isConnected(): boolean {
    return this.model !== undefined;
  }

  get name(): string {
    return this.options.connectionName;
  }

  /** Connects once; retries with backoff until the broker answers or `timeoutMs` passes. */
  async connect(timeoutMs = 30_000): Promise<void> {
    this.closing = false;
    await this.waitForConnection(timeoutMs);
  }

  /** Resolves with the live connection, waiting through a reconnect if one is under way. */
  async waitForConnection(timeoutMs: number): Promise<ChannelModel> {
    if (this.model) return this.model;
    if (this.closing) throw new Error(`AMQP connection "${this.name}" is closed`);
    this.connecting ??= this.connectWithRetry();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.connecting,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`AMQP connection "${this.name}" not available after ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A channel that is re-created (and re-set-up) after every reconnect or channel-level error. */
  createChannel(options: ManagedChannelOptions): ManagedChannel {
    const channel = new ManagedChannel(this, options, this.logger);
    this.channels.add(channel);
    channel.once('closed', () => this.channels.delete(channel));
    if (this.model) void channel.open(this.model);
    return channel;
  }

  /**
   * Closes channels, then the connection. Each step is bounded: a peer that vanished without the
   * socket noticing yet never answers Close, and a shutdown must not wait for heartbeats to find out;
   * past the bound the socket is destroyed.
   */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    await boundedBy(Promise.all([...this.channels].map((channel) => channel.close())), CLOSE_TIMEOUT_MS);
    const model = this.model;
    this.model = undefined;
    if (!model) return;
    const closed = await boundedBy(
      model.close().then(
        () => true,
        () => true,
      ),
      CLOSE_TIMEOUT_MS,
    );
    if (!closed)
      (model as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }

  private async connectWithRetry(): Promise<ChannelModel> {
    let delay = this.options.reconnectInitialDelayMs ?? 100;
    const maxDelay = this.options.reconnectMaxDelayMs ?? 5_000;
    for (let attempt = 1; ; attempt++) {
      if (this.closing) throw new Error(`AMQP connection "${this.name}" is closed`);
      try {
        const model = await connect(this.urlWithHeartbeat(), {
          noDelay: true,
          timeout: 10_000,
          clientProperties: { connection_name: this.name },
        });
        this.onConnected(model);
        return model;
      } catch (error) {
        this.logger.warn({ err: error, attempt, retryInMs: delay }, 'AMQP connect failed; retrying');
        await new Promise((resolve) => {
          this.reconnectTimer = setTimeout(resolve, delay);
        });
        delay = Math.min(delay * 2, maxDelay);
      }
    }
  }

  /** Heartbeats notice a dead peer (e.g. a silently dropped NAT entry) within two intervals. */
  private urlWithHeartbeat(): string {
    const url = new URL(this.options.url);
    if (!url.searchParams.has('heartbeat'))
      url.searchParams.set('heartbeat', String(this.options.heartbeatSeconds ?? 10));
    return url.toString();
  }

  private onConnected(model: ChannelModel): void {
    // amqplib's socket (`connection.stream`, not in its typings): present in every amqplib version.
    const socket = (model as unknown as { connection?: { stream?: Socket } }).connection?.stream;
    if (socket) coalesceWrites(socket);
    this.model = model;
    this.connecting = undefined;
    model.on('error', (error: Error) => this.logger.warn({ err: error }, 'AMQP connection error'));
    model.once('close', () => this.onConnectionLost(model));
    this.logger.info({ connection: this.name }, 'AMQP connected');
    for (const channel of this.channels) void channel.open(model);
    this.emit('connected');
  }

  private onConnectionLost(model: ChannelModel): void {
    if (this.model !== model) return;
    this.model = undefined;
    this.emit('disconnected');
    if (this.closing) return;
    this.logger.warn({ connection: this.name }, 'AMQP connection lost; reconnecting');
    this.connecting = this.connectWithRetry();
    this.connecting.catch(() => undefined);
  }
}
