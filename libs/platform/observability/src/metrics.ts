import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The platform's own registry rather than prom-client's global one, so a library that registers
 * metrics globally cannot collide with ours or leak into `/metrics`.
 */
export const metricsRegistry = new Registry();

/**
 * Seconds, from 0.5 ms (an in-process cache hit) to 10 s (beyond the RPC timeout). Dense below
 * 100 ms, where RabbitMQ round trips and SQL queries of a healthy system land.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export type RpcOutcome = 'ok' | 'error' | 'timeout';
export type EventConsumeOutcome = 'ack' | 'retry' | 'dead_letter' | 'duplicate';

/** Calls made by this service. `outcome` is free text on purpose so callers can add e.g. `no_route`; prefer RpcOutcome. */
export const rpcClientDuration = new Histogram<'pattern' | 'outcome'>({
  name: 'rpc_client_duration_seconds',
  help: 'Duration of RPC calls made by this service, by pattern and outcome.',
  labelNames: ['pattern', 'outcome'],
  buckets: [...LATENCY_BUCKETS_SECONDS],
  registers: [metricsRegistry],
});

export const rpcServerDuration = new Histogram<'pattern' | 'outcome'>({
  name: 'rpc_server_duration_seconds',
  help: 'Duration of RPC requests handled by this service, by pattern and outcome.',
  labelNames: ['pattern', 'outcome'],
  buckets: [...LATENCY_BUCKETS_SECONDS],
  registers: [metricsRegistry],
});

/** `route` must be the route template (`/v1/recordings/:id`), never the raw URL, or cardinality explodes. */
export const httpServerDuration = new Histogram<'method' | 'route' | 'status_code'>({
  name: 'http_server_request_duration_seconds',
  help: 'Duration of HTTP requests served, by method, route template and status code.',
  labelNames: ['method', 'route', 'status_code'],
  buckets: [...LATENCY_BUCKETS_SECONDS],
  registers: [metricsRegistry],
});

export const eventsPublishedTotal = new Counter<'routing_key'>({
  name: 'events_published_total',
  help: 'Events published to the platform exchange, by routing key.',
  labelNames: ['routing_key'],
  registers: [metricsRegistry],
});

export const eventsConsumedTotal = new Counter<'queue' | 'outcome'>({
  name: 'events_consumed_total',
  help: 'Events handled, by queue and outcome (ack, retry, dead_letter, duplicate).',
  labelNames: ['queue', 'outcome'],
  registers: [metricsRegistry],
});

export const outboxRelayedTotal = new Counter({
  name: 'outbox_relayed_total',
  help: 'Outbox rows published to the broker and marked as sent.',
  registers: [metricsRegistry],
});

let defaultMetricsCollected = false;

/**
 * Call once at boot. Default labels go on every series (so dashboards can filter by service);
 * Node's default metrics (event loop lag, heap, GC) are registered only on the first call because
 * registering them twice throws.
 */
export function initMetrics(defaultLabels: { service: string }): void {
  metricsRegistry.setDefaultLabels({ ...defaultLabels });
  if (defaultMetricsCollected) return;
  collectDefaultMetrics({ register: metricsRegistry });
  defaultMetricsCollected = true;
}

/** The `/metrics` response. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}
