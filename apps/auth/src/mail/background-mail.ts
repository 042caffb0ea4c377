import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@platform/bootstrap';

/**
 * Mail work done after the reply: the caller's answer (and its timing) never depends on who has an
 * account or whether the SMTP server is slow. Failures are logged, never surfaced to the caller.
 */
@Injectable()
export class BackgroundMail implements BeforeApplicationShutdown {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  run(what: string, work: () => Promise<void>): void {
    const job: Promise<void> = Promise.resolve()
      .then(work)
      .catch((error: unknown) => this.logger.error({ err: error }, `${what} email failed`))
      .finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }

  /** Lets mails already under way finish before the database and Redis close. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
