import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { billingNoticeRequestedSchema, EVENT_NAMES } from '@platform/contracts';
import { AmqpConnection, ManagedEventConsumer, type EventSubscription } from '@platform/messaging';
import type { PaymentsEnv } from '../config/payments-env.schema';
import { BillingMailSender, type BillingNoticeRequest } from './billing-mail.sender';

/** Payments' mail queue; failed sends wait in `<queue>.retry.<delay>ms`, then land in `<queue>.dlq`. */
export const BILLING_MAIL_QUEUE = 'payments.billing-mail';

/**
 * Consumes the queued billing notices with its own retry schedule, not the service's event default:
 * an SMTP outage lasts minutes to hours, so a failed send is retried with exponential backoff
 * (MAIL_RETRY_BASE_MS doubling, at most 5 minutes apart) for MAIL_MAX_ATTEMPTS attempts, then parked
 * in the dead-letter queue with its last error (`x-last-error`) for an operator to shovel back.
 */
@Injectable()
export class BillingMailConsumer extends ManagedEventConsumer<BillingNoticeRequest> {
  constructor(
    connection: AmqpConnection,
    private readonly sender: BillingMailSender,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super(connection, logger);
  }

  protected subscription(): EventSubscription<BillingNoticeRequest> {
    return {
      queue: BILLING_MAIL_QUEUE,
      routingKeys: [EVENT_NAMES.billingNoticeRequested],
      schema: billingNoticeRequestedSchema,
      maxAttempts: this.config.MAIL_MAX_ATTEMPTS,
      retryBaseMs: this.config.MAIL_RETRY_BASE_MS,
      // Each send holds a database connection while SMTP answers: keep it well under the pool.
      prefetch: this.config.MAIL_CONCURRENCY,
      handle: async ({ payload }) => {
        const outcome = await this.sender.send(payload);
        this.logger.info({ mailKey: payload.mailKey, kind: payload.notice.kind, outcome }, 'billing notice');
      },
    };
  }
}
