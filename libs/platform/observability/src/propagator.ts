import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { TextMapPropagator } from '@opentelemetry/api';

/**
 * W3C `traceparent`/`tracestate` plus `baggage`: the format RPC envelopes (`meta.traceparent`) and
 * AMQP headers carry, so one request is one trace across services. Fixed in code rather than read
 * from OTEL_PROPAGATORS, because a service speaking another format would break the chain.
 */
export function createW3cPropagator(): TextMapPropagator {
  return new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
}
