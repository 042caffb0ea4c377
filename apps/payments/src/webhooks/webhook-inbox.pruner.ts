import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, PeriodicTask, SERVICE_CONFIG } from '@platform/bootstrap';
import type { PaymentsEnv } from '../config/payments-env.schema';
import { Clock } from '../shared/clock';
import { WebhookInbox } from './webhook-inbox';

const DAY_MS = 24 * 3600 * 1000;
/** Rows per DELETE: short transactions, so accepts and the processor never wait long on a prune. */
const BATCH = 1000;

/**
 * Keeps the webhook inbox small: every WEBHOOK_INBOX_PRUNE_INTERVAL_MS, events applied more than
 * WEBHOOK_INBOX_RETENTION_DAYS ago (by the service's clock) are deleted, in batches. Replicas may
 * prune at once: each DELETE is idempotent.
 */
@Injectable()
export class WebhookInboxPruner extends PeriodicTask {
  constructor(
    private readonly inbox: WebhookInbox,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  protected runPass() {
    return this.prune();
  }

  protected intervalMs() {
    return this.config.WEBHOOK_INBOX_PRUNE_INTERVAL_MS;
  }

  protected passFailed(error: unknown) {
    this.logger.error({ err: error }, 'webhook inbox pruning failed');
  }

  /** One pass; answers how many events were deleted. */
  async prune(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.config.WEBHOOK_INBOX_RETENTION_DAYS * DAY_MS);
    let total = 0;
    for (;;) {
      const deleted = await this.inbox.pruneProcessed(before, BATCH);
      total += deleted;
      if (deleted < BATCH) break;
    }
    if (total > 0) this.logger.info({ deleted: total, processedBefore: before }, 'webhook inbox pruned');
    return total;
  }
}
