import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { TenantDatabase } from '@platform/tenancy';
import type { PaymentsEnv } from '../config/payments-env.schema';
import { BillingNotices, type PendingNotice } from '../mail/billing-notices';
import type { NormalizedProviderEvent } from '../providers/payment-provider.port';
import { PaymentProviders } from '../providers/payment-providers';
import { Clock } from '../shared/clock';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import { BillingEventApplier } from './billing-event.applier';
import { WebhookInbox } from './webhook-inbox';
import type { WebhookInboxEntity } from './webhook-inbox.entity';
import { webhooksProcessedTotal } from './webhook-metrics';

const BATCH = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies inbox events durably. Each event is claimed and applied in ONE transaction of its
 * organization: `SELECT … FOR UPDATE SKIP LOCKED` on the inbox row (so replicas never apply the same
 * event together), the application, and `processed_at` — commit or nothing. A crash anywhere before
 * the commit leaves the row pending, and the next poll (this replica after a restart, or another)
 * applies it. Failures are counted and retried with backoff; after WEBHOOK_INBOX_MAX_ATTEMPTS the row
 * stays unprocessed with its last error for an operator.
 */
@Injectable()
export class WebhookInboxProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly inbox: WebhookInbox,
    private readonly providers: PaymentProviders,
    private readonly tenants: TenantDatabase,
    private readonly subscriptions: SubscriptionRepository,
    private readonly applier: BillingEventApplier,
    private readonly notices: BillingNotices,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Wakes the loop now (after an accept) instead of at the next poll. */
  wake(): void {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.drain().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.config.WEBHOOK_INBOX_POLL_MS);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** Processes every due event; answers how many were applied (tests and the bench call it too). */
  async drain(): Promise<number> {
    let applied = 0;
    for (;;) {
      const ids = await this.inbox.due(this.clock.now(), this.config.WEBHOOK_INBOX_MAX_ATTEMPTS, BATCH);
      if (ids.length === 0 || this.stopped) return applied;
      // A few events at once, each in its own transaction: the ordering rules (provider versions,
      // row locks) already make the result independent of the order events are applied in.
      let next = 0;
      const worker = async () => {
        let done = 0;
        while (next < ids.length && !this.stopped) {
          if (await this.attempt(ids[next++]!)) done += 1;
        }
        return done;
      };
      const counts = await Promise.all(
        Array.from({ length: Math.min(this.config.WEBHOOK_INBOX_CONCURRENCY, ids.length) }, worker),
      );
      const progressed = counts.reduce((sum, count) => sum + count, 0);
      applied += progressed;
      if (progressed === 0) return applied;
    }
  }

  /** One event; a failure is recorded on its row (retried later with backoff), never thrown. */
  private async attempt(id: string): Promise<boolean> {
    try {
      return await this.processOne(id);
    } catch (error) {
      webhooksProcessedTotal.inc({ provider: 'any', outcome: 'failed' });
      this.logger.error({ err: error, inboxId: id }, 'webhook event could not be applied; will retry');
      await this.inbox.recordFailure(id, error, this.clock.now());
      return false;
    }
  }

  private async processOne(id: string): Promise<boolean> {
    const stored = await this.inbox.read(id);
    if (!stored || stored.processedAt) return false;
    const provider = this.providers.get(stored.provider);
    const events = await provider.normalizeWebhook({
      provider: stored.provider,
      providerEventId: stored.providerEventId,
      type: stored.type,
      createdAt: stored.providerCreatedAt,
      payload: stored.payload,
    });
    const organizationId = events.length > 0 ? await this.organizationOf(stored, events[0]!) : null;
    if (!organizationId) {
      // Nothing we act on, or a customer that is not ours: done, with the reason kept.
      await this.tenants.runAsSystem('payments.webhook.skip', (manager) =>
        this.markProcessed(
          manager,
          id,
          events.length > 0 ? 'no organization for this provider object' : null,
        ),
      );
      webhooksProcessedTotal.inc({ provider: stored.provider, outcome: 'skipped' });
      return true;
    }
    const applied = await this.tenants.runInTenant(organizationId, async (manager) => {
      const claimed: unknown[] = await manager.query(
        `SELECT id FROM webhook_inbox WHERE id = $1 AND processed_at IS NULL FOR UPDATE SKIP LOCKED`,
        [id],
      );
      if (claimed.length === 0) return false; // another replica has it, or it is done
      const pending: PendingNotice[] = [];
      for (const event of events) {
        pending.push(...(await this.applier.apply(manager, organizationId, stored.provider, event)));
      }
      await this.notices.queue(manager, organizationId, `webhook:${id}`, pending);
      await this.markProcessed(manager, id, null);
      return true;
    });
    if (!applied) return false;
    webhooksProcessedTotal.inc({ provider: stored.provider, outcome: 'applied' });
    return true;
  }

  /**
   * The tenant of a provider object: the organization that owns the provider customer in our
   * database when there is one (we created it), else the organization id we attached as metadata.
   * A metadata id that contradicts our own record is refused (it cannot move a customer).
   */
  private async organizationOf(
    stored: WebhookInboxEntity,
    event: NormalizedProviderEvent,
  ): Promise<string | null> {
    const facts = factsOf(event);
    const owner = facts.providerCustomerId
      ? await this.subscriptions.organizationOfCustomer(stored.provider, facts.providerCustomerId)
      : null;
    if (owner && facts.organizationId && owner !== facts.organizationId) {
      this.logger.warn(
        { inboxId: stored.id },
        'webhook names another organization than the customer’s owner',
      );
      return null;
    }
    const organizationId = owner ?? facts.organizationId;
    return organizationId && UUID.test(organizationId) ? organizationId : null;
  }

  private async markProcessed(
    manager: import('typeorm').EntityManager,
    id: string,
    note: string | null,
  ): Promise<void> {
    await manager.query(`UPDATE webhook_inbox SET processed_at = $2, last_error = $3 WHERE id = $1`, [
      id,
      this.clock.now(),
      note,
    ]);
  }
}

function factsOf(event: NormalizedProviderEvent): {
  organizationId: string | null;
  providerCustomerId: string | null;
} {
  switch (event.kind) {
    case 'checkout.completed':
      return { organizationId: event.organizationId, providerCustomerId: event.providerCustomerId };
    // The fallback customer is no organization's billing customer (that one is AZUL's): the
    // organization we attached decides, and the applier checks the customer is its fallback one.
    case 'card.saved':
      return { organizationId: event.organizationId, providerCustomerId: null };
    case 'subscription.updated':
    case 'subscription.deleted':
      return {
        organizationId: event.subscription.organizationId,
        providerCustomerId: event.subscription.providerCustomerId,
      };
    case 'invoice.paid':
    case 'invoice.payment-failed':
      return {
        organizationId: event.invoice.organizationId,
        providerCustomerId: event.invoice.providerCustomerId,
      };
    case 'charge.updated':
      return { organizationId: event.organizationId, providerCustomerId: null };
    case 'three-ds.completed':
      return { organizationId: event.organizationId, providerCustomerId: null };
  }
}
