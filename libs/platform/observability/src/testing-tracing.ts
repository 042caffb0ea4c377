import { context, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOnSampler, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { createW3cPropagator } from './propagator';

export interface InMemoryTracing {
  /** Finished spans, in the order they ended. */
  exporter: InMemorySpanExporter;
  reset(): void;
  shutdown(): Promise<void>;
}

/**
 * For tests that assert on spans (parent/child across RPC or AMQP). Registers globally a tracer
 * provider exporting synchronously to memory, the AsyncLocalStorage context manager and the W3C
 * propagator; whatever tracing was registered before is replaced. Built on NodeSDK like
 * `startTracing`, so tests exercise the same context and propagation setup as production.
 */
export function startInMemoryTracing(serviceName = 'test'): InMemoryTracing {
  disableGlobals();
  const exporter = new InMemorySpanExporter();
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    autoDetectResources: false,
    instrumentations: [],
    textMapPropagator: createW3cPropagator(),
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return {
    exporter,
    reset: () => exporter.reset(),
    async shutdown() {
      await sdk.shutdown();
      disableGlobals();
    },
  };
}

function disableGlobals(): void {
  trace.disable();
  context.disable();
  propagation.disable();
}
