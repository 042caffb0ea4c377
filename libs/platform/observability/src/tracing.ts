import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  NoopSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { createW3cPropagator } from './propagator';

export interface TracingOptions {
  serviceName: string;
  serviceVersion?: string;
  /** OTLP/HTTP collector base URL (`http://otel-collector:4318`); `/v1/traces` is appended unless present. */
  otlpEndpoint?: string;
  spanProcessors?: SpanProcessor[];
  /** Share of new traces to record, 0..1 (default 1). Traces started elsewhere follow the caller's decision. */
  samplerRatio?: number;
}

export interface TracingHandle {
  shutdown(): Promise<void>;
}

let active: TracingHandle | undefined;

/**
 * Starts the OpenTelemetry SDK for this process. No auto-instrumentations: the platform creates
 * its spans where it knows the semantics (HTTP edge, RPC, events), which keeps traces small and boot
 * fast. Call before anything else at boot; later calls return the first handle.
 */
export function startTracing(opts: TracingOptions): TracingHandle {
  if (active) return active;

  const spanProcessors: SpanProcessor[] = [...(opts.spanProcessors ?? [])];
  if (opts.otlpEndpoint) {
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(opts.otlpEndpoint) })));
  }
  const exporting = spanProcessors.length > 0;
  // Without any processor NodeSDK would register no provider at all; with a no-op one, spans still
  // get real ids, so logs keep their traceId and the traceparent still flows to other services.
  if (!exporting) spanProcessors.push(new NoopSpanProcessor());
  // Nothing exports what this process records: the traces it starts are not sampled, so its spans
  // are non-recording (real ids, no attributes, events or timing kept; ~3 % of the gateway's CPU
  // per RPC when recorded for nothing) and the `traceparent` it sends says "not sampled", which
  // callees without an exporter follow too. A caller's sampled trace is still followed (ParentBased).
  const root = exporting ? new TraceIdRatioBasedSampler(opts.samplerRatio ?? 1) : new AlwaysOffSampler();

  const sdk = new NodeSDK({
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: opts.serviceName,
        ...(opts.serviceVersion === undefined ? {} : { [ATTR_SERVICE_VERSION]: opts.serviceVersion }),
      }),
    ),
    // Also given as serviceName, which NodeSDK merges after resource detection: OTEL_SERVICE_NAME left
    // in an environment cannot rename the service.
    serviceName: opts.serviceName,
    instrumentations: [],
    textMapPropagator: createW3cPropagator(),
    sampler: new ParentBasedSampler({ root }),
    spanProcessors,
    // Empty lists, not omitted: NodeSDK would otherwise default to OTLP metric and log exporters
    // polling a collector that may not exist. Metrics are Prometheus (metrics.ts), logs are pino.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();

  const handle: TracingHandle = {
    async shutdown() {
      if (active !== handle) return;
      active = undefined;
      await sdk.shutdown();
      // NodeSDK leaves its globals registered; dropping them lets a later start register again.
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
  active = handle;
  return handle;
}

export function getTracer(name = 'platform'): Tracer {
  return trace.getTracer(name);
}

function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}
