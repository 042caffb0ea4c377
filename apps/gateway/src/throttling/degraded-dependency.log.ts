import type { Logger } from 'pino';

const REPEAT_EVERY_MS = 10_000;

/**
 * Says loudly that a dependency failed and what the gateway does about it, without writing one line
 * per request during an outage: the first failure logs at once, then at most every 10 s, and the
 * recovery logs once.
 */
export class DegradedDependencyLog {
  private failingSince: number | undefined;
  private lastLoggedAt = 0;
  private suppressed = 0;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  failed(error: unknown, consequence: string): void {
    const now = Date.now();
    this.failingSince ??= now;
    if (now - this.lastLoggedAt < REPEAT_EVERY_MS) {
      this.suppressed++;
      return;
    }
    this.logger.error(
      { err: error, failingForMs: now - this.failingSince, suppressedSinceLast: this.suppressed },
      `${this.what}: Redis unavailable, ${consequence}`,
    );
    this.lastLoggedAt = now;
    this.suppressed = 0;
  }

  recovered(): void {
    if (this.failingSince === undefined) return;
    this.logger.warn({ failedForMs: Date.now() - this.failingSince }, `${this.what}: Redis is back`);
    this.failingSince = undefined;
    this.lastLoggedAt = 0;
  }
}
