import type { ZodType } from 'zod';

/** Options of one `@MessagePattern`/`@EventPattern` handler, carried as Nest handler extras. */
export interface AmqpHandlerOptions {
  /**
   * At most this many messages of this handler in flight per process: the handler gets its own
   * queue/channel with this prefetch. Default: the service's shared prefetch (`AMQP_PREFETCH`).
   * A CPU-heavy job takes 1.
   */
  concurrency?: number;
  /** Events only: attempts before the dead-letter queue (default `EVENT_MAX_ATTEMPTS`). */
  maxAttempts?: number;
}

/** Set by the contract decorators: the schema the contract declares for this pattern or event. */
export const CONTRACT_SCHEMA_EXTRA = 'platform:contract-schema';

export interface AmqpHandlerExtras extends AmqpHandlerOptions {
  [CONTRACT_SCHEMA_EXTRA]?: ZodType;
}
