import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { LOGGER } from '@platform/bootstrap';
import { EVENT_NAMES, type BillingNotice } from '@platform/contracts';
import { OutboxWriter } from '@platform/messaging';

/**
 * A mail that the transaction deciding it queues before it commits. `to` is the billing address on
 * file then: without one nothing is queued (the sender reads the address again when it sends).
 */
export interface PendingNotice {
  to: string | null;
  notice: BillingNotice;
}

/**
 * Queues billing emails in the caller's transaction, through the outbox (the same transaction as
 * the state change that decided them): the email exists if and only if the change committed, and a
 * crash after the commit only delays it. BillingMailSender sends it (retries, dead-letter queue).
 */
@Injectable()
export class BillingNotices {
  constructor(
    private readonly outbox: OutboxWriter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * `cause` names the committed decision, unique per organization (`webhook:<inbox id>`,
   * `dunning:<run time>`...): each notice's mail key is `<cause>:<index>:<kind>`, so the key is the
   * same however often the notice is delivered, and readable in the ledger.
   */
  async queue(
    manager: EntityManager,
    organizationId: string,
    cause: string,
    pending: readonly PendingNotice[],
  ): Promise<void> {
    for (const [index, { to, notice }] of pending.entries()) {
      if (!to) {
        this.logger.warn(
          { notice: notice.kind, organizationId },
          'billing notice not sent: no billing email',
        );
        continue;
      }
      await this.outbox.addEvent(manager, EVENT_NAMES.billingNoticeRequested, {
        organizationId,
        mailKey: `${cause}:${index}:${notice.kind}`,
        notice,
      });
    }
  }
}
