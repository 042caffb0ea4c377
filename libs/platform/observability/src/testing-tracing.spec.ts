import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { getTracer } from './tracing';
import { startInMemoryTracing, type InMemoryTracing } from './testing-tracing';

describe('startInMemoryTracing', () => {
  let tracing: InMemoryTracing;

  beforeAll(() => {
    tracing = startInMemoryTracing('spec-service');
  });

  afterAll(async () => {
    await tracing.shutdown();
  });

  beforeEach(() => tracing.reset());

  it('records a child span whose parent is the span active when it started, across awaits', async () => {
    const tracer = getTracer('spec');
    await tracer.startActiveSpan('parent', async (parent) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      tracer.startSpan('child').end();
      parent.end();
    });

    const spans = tracing.exporter.getFinishedSpans();
    const parent = spans.find((s) => s.name === 'parent')!;
    const child = spans.find((s) => s.name === 'child')!;
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(parent.parentSpanContext).toBeUndefined();
    expect(child.resource.attributes[ATTR_SERVICE_NAME]).toBe('spec-service');
  });

  it('propagates the trace through W3C headers, as over AMQP', () => {
    const tracer = getTracer('spec');
    const headers: Record<string, string> = {};
    const producer = tracer.startSpan('publish');
    propagation.inject(trace.setSpan(ROOT_CONTEXT, producer), headers);
    producer.end();
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const consumer = tracer.startSpan('consume', {}, propagation.extract(ROOT_CONTEXT, headers));
    consumer.end();

    const [published, consumed] = tracing.exporter.getFinishedSpans();
    expect(consumed!.spanContext().traceId).toBe(published!.spanContext().traceId);
    expect(consumed!.parentSpanContext?.spanId).toBe(published!.spanContext().spanId);
  });

  it('reset() clears finished spans', () => {
    getTracer().startSpan('x').end();
    expect(tracing.exporter.getFinishedSpans()).toHaveLength(1);
    tracing.reset();
    expect(tracing.exporter.getFinishedSpans()).toHaveLength(0);
    expect(context.active()).toBe(ROOT_CONTEXT);
  });
});
