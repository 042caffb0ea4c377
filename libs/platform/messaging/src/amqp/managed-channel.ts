import { EventEmitter } from 'node:events';
import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import type { AmqpConnection } from './amqp-connection';
import { boundedBy } from '@platform/timeouts';
import { CLOSE_TIMEOUT_MS } from './bounded';
import type { MessagingLogger } from './messaging-logger';

export interface ManagedChannelOptions {
  /** Used in logs. */
  name: string;
  confirm?: boolean;
  prefetch?: number;
  /** Declares topology and starts consumers; runs on every (re)open, so it must be idempotent. */
  setup?: (channel: ConfirmChannel | Channel) => Promise<void>;
}

/**
 * A channel that survives its own death: when the broker closes it (connection loss, or a channel
 * error such as a failed declare) it is opened again and `setup` re-runs, once the connection is back.
 */
export class ManagedChannel extends EventEmitter {
  private current: Channel | ConfirmChannel | undefined;
  private closed = false;
  private opening: Promise<void> | undefined;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly options: ManagedChannelOptions,
    private readonly logger: MessagingLogger,
  ) {
    super();
    // Every caller waiting through a reconnect listens for 'open'; there may be hundreds.
    this.setMaxListeners(0);
  }

  get channel(): Channel | ConfirmChannel | undefined {
    return this.current;
  }

  /** The open channel, waiting through reconnects up to `timeoutMs`. */
  async waitForChannel(timeoutMs: number): Promise<Channel | ConfirmChannel> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.closed) throw new Error(`channel "${this.options.name}" is closed`);
      if (this.current) return this.current;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`channel "${this.options.name}" not available after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.off('open', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, 1000));
        this.once('open', done);
      });
    }
  }

  open(model: ChannelModel): Promise<void> {
    this.opening ??= this.doOpen(model).finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  async close(): Promise<void> {
    this.closed = true;
    const channel = this.current;
    this.current = undefined;
    if (channel)
      await boundedBy(
        channel.close().catch(() => undefined),
        CLOSE_TIMEOUT_MS,
      );
    this.emit('closed');
  }

  private async doOpen(model: ChannelModel): Promise<void> {
    if (this.closed) return;
    let channel: Channel | ConfirmChannel | undefined;
    try {
      channel = this.options.confirm ? await model.createConfirmChannel() : await model.createChannel();
      channel.on('error', (error: Error) =>
        this.logger.warn({ err: error, channel: this.options.name }, 'AMQP channel error'),
      );
      const opened = channel;
      channel.once('close', () => this.onChannelClosed(opened, model));
      if (this.options.prefetch) await channel.prefetch(this.options.prefetch);
      await this.options.setup?.(channel);
      this.current = channel;
      this.emit('open', channel);
    } catch (error) {
      this.logger.error({ err: error, channel: this.options.name }, 'AMQP channel setup failed');
      // A failed declare closes the channel; onChannelClosed retries while the connection lives.
      if (channel && !this.current) await channel.close().catch(() => undefined);
    }
  }

  private onChannelClosed(channel: Channel | ConfirmChannel, model: ChannelModel): void {
    if (this.current === channel) this.current = undefined;
    this.emit('lost');
    if (this.closed) return;
    // Connection-level loss: AmqpConnection re-opens every channel after reconnecting.
    // Channel-level loss: re-open on the same connection after a short pause.
    setTimeout(() => {
      if (!this.closed && !this.current && this.connection.isConnected) {
        void this.connection
          .waitForConnection(1000)
          .then((live) => (live === model ? this.open(live) : undefined));
      }
    }, 250).unref();
  }
}
