import { Counter } from 'prom-client';
import { metricsRegistry } from '@platform/observability';

/** Deliveries at the webhook endpoint: stored, duplicate (already in the inbox) or rejected (signature). */
export const webhooksReceivedTotal = new Counter<'provider' | 'outcome'>({
  name: 'payments_webhooks_received_total',
  help: 'Provider webhook deliveries, by provider and outcome (stored, duplicate, rejected).',
  labelNames: ['provider', 'outcome'],
  registers: [metricsRegistry],
});

/** Inbox events processed: applied, skipped (nothing to do / not ours) or failed (retried later). */
export const webhooksProcessedTotal = new Counter<'provider' | 'outcome'>({
  name: 'payments_webhooks_processed_total',
  help: 'Inbox events processed, by provider and outcome (applied, skipped, failed).',
  labelNames: ['provider', 'outcome'],
  registers: [metricsRegistry],
});
