/** Queue names of one event consumer: its quorum queue, retry tiers and dead-letter queue. */
export interface ConsumerTopology {
  queue: string;
  deadLetterQueue: string;
  /** Delay of the retry after the n-th failed attempt (index n-1), one tier queue per delay. */
  retryDelaysMs: number[];
  retryQueue(delayMs: number): string;
}

/** The longest wait between two attempts, whatever the base and the attempt number. */
export const MAX_RETRY_DELAY_MS = 5 * 60_000;

export function consumerTopology(queue: string, maxAttempts: number, retryBaseMs: number): ConsumerTopology {
  const retryDelaysMs = Array.from({ length: Math.max(maxAttempts - 1, 0) }, (_, i) =>
    Math.min(retryBaseMs * 2 ** i, MAX_RETRY_DELAY_MS),
  );
  return {
    queue,
    deadLetterQueue: `${queue}.dlq`,
    retryDelaysMs,
    // The delay is part of the name: a queue's TTL argument cannot change once declared.
    retryQueue: (delayMs) => `${queue}.retry.${delayMs}ms`,
  };
}
