import type { Channel, ConsumeMessage } from 'amqplib';
import type { AmqpConnection } from './amqp-connection';
import { boundedBy } from '@platform/timeouts';
import { CLOSE_TIMEOUT_MS } from './bounded';
import type { ManagedChannel } from './managed-channel';

export interface QueueConsumerOptions<C extends Channel> {
  /** Used in logs. */
  name: string;
  queue: string;
  confirm?: boolean;
  prefetch: number;
  /** Declares the queue and its bindings; re-run after every reconnect, so it must be idempotent. */
  declare(channel: C): Promise<void>;
  /** Handles one delivery and acks/nacks it on `channel`, the channel it arrived on. */
  handle(channel: C, message: ConsumeMessage): Promise<void>;
}

/**
 * Consumes one queue with manual acks on a self-healing channel. `stop()` cancels the consumer,
 * lets in-flight handlers finish (so nothing is cut off mid-work), then closes the channel.
 */
export class QueueConsumer<C extends Channel = Channel> {
  private channel: ManagedChannel | undefined;
  private consumerTag: string | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly options: QueueConsumerOptions<C>,
  ) {}

  start(): ManagedChannel {
    this.channel ??= this.connection.createChannel({
      name: this.options.name,
      confirm: this.options.confirm,
      prefetch: this.options.prefetch,
      setup: async (raw) => {
        const channel = raw as C;
        await this.options.declare(channel);
        const { consumerTag } = await channel.consume(
          this.options.queue,
          (message) => this.track(channel, message),
          { noAck: false },
        );
        this.consumerTag = consumerTag;
      },
    });
    return this.channel;
  }

  async stop(): Promise<void> {
    const channel = this.channel?.channel;
    if (channel && this.consumerTag) {
      await boundedBy(
        channel.cancel(this.consumerTag).catch(() => undefined),
        CLOSE_TIMEOUT_MS,
      );
    }
    await Promise.allSettled([...this.inFlight]);
    await this.channel?.close();
    this.channel = undefined;
  }

  private track(channel: C, message: ConsumeMessage | null): void {
    if (!message) return; // cancelled by the broker (queue deleted): the channel re-opens and re-declares
    const work = this.options.handle(channel, message).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }
}
