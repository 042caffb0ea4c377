import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { EVENTS_EXCHANGE, EVENT_NAMES, eventPayloadSchemas, type EventEnvelope } from '@platform/contracts';
import { LOGGER } from '@platform/bootstrap';
import { AmqpConnection, QueueConsumer } from '@platform/messaging';
import { CredentialCache } from './credential-cache';

const READY_TIMEOUT_MS = 10_000;
const revokedSchema = eventPayloadSchemas[EVENT_NAMES.apiKeyRevoked];

/** Something else on this replica that remembers credentials (an in-process cache) and must forget them too. */
export interface CredentialInvalidationListener {
  apiKeyRevoked(apiKeyId: string): void | Promise<void>;
  /** Events may have been missed (the consumer was disconnected): drop everything remembered. */
  resync(): void | Promise<void>;
}

/**
 * Every gateway replica hears every `auth.api-key.revoked` (auth publishes it through its outbox) on
 * its OWN exclusive, auto-delete queue bound to `platform.events` — fan-out to each replica, not
 * competing consumers — and drops the key from the shared credential cache and from any listener's
 * memory, so a revoked key stops working on every replica within the event's latency.
 *
 * A replica cut off from the broker misses events: its queue (exclusive) dies with the connection,
 * and events published meanwhile reach only the replicas that were connected. What bounds that gap:
 * the Redis cache is shared (a connected replica's drop covers everyone) and every hit is still
 * checked against auth's revocation marker in Redis (TokenDenylist.isApiKeyRevoked); entries live at
 * most CREDENTIAL_CACHE_TTL_SECONDS; and when the queue is declared again after a reconnect, every
 * listener is told to `resync` (forget everything), since nothing says which events were missed.
 */
@Injectable()
export class CredentialInvalidationConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Unique per replica and process: exclusive queues cannot be shared. */
  readonly queue = `gateway.credential-invalidation.${hostname()}.${process.pid}.${randomUUID().slice(0, 8)}`;
  /** Events this replica handled, and how often it re-subscribed after losing its queue. */
  readonly counts = { received: 0, resyncs: 0 };
  private consumer: QueueConsumer | undefined;
  private declarations = 0;
  private readonly listeners = new Set<CredentialInvalidationListener>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly cache: CredentialCache,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  subscribe(listener: CredentialInvalidationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new QueueConsumer(this.connection, {
      name: 'gateway:credential-invalidation',
      queue: this.queue,
      prefetch: 32,
      declare: (channel) => this.declare(channel),
      handle: (channel, message) => this.handle(channel, message),
    });
    await this.consumer
      .start()
      .waitForChannel(READY_TIMEOUT_MS)
      .catch((error: unknown) =>
        this.logger.error(
          { err: error },
          'credential invalidation queue not ready; revoked keys rely on the revocation marker and the cache TTL until it is',
        ),
      );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  private async declare(channel: Channel): Promise<void> {
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    await channel.assertQueue(this.queue, { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(this.queue, EVENTS_EXCHANGE, EVENT_NAMES.apiKeyRevoked);
    this.declarations += 1;
    if (this.declarations > 1) await this.resync();
  }

  private async resync(): Promise<void> {
    this.counts.resyncs += 1;
    this.logger.warn(
      'credential invalidation queue re-declared after a disconnect: in-process credential memory is dropped',
    );
    for (const listener of this.listeners) await Promise.resolve(listener.resync()).catch(() => undefined);
  }

  private async handle(channel: Channel, message: ConsumeMessage): Promise<void> {
    try {
      const envelope = JSON.parse(message.content.toString('utf8')) as EventEnvelope;
      const payload = revokedSchema.safeParse(envelope.payload);
      if (!payload.success) {
        this.logger.error(
          { routingKey: message.fields.routingKey },
          'unreadable credential invalidation event dropped',
        );
        return;
      }
      const { apiKeyId } = payload.data;
      await this.cache.forgetApiKey(apiKeyId);
      for (const listener of this.listeners)
        await Promise.resolve(listener.apiKeyRevoked(apiKeyId)).catch(() => undefined);
      this.counts.received += 1;
    } catch (error) {
      // Nothing to retry on a fan-out queue: the marker and the TTL still stop the key.
      this.logger.error({ err: error }, 'credential invalidation event failed');
    } finally {
      channel.ack(message);
    }
  }
}
