import { context, trace } from '@opentelemetry/api';
import { startInMemoryTracing } from '@platform/observability';
import { createTestVhost, waitFor, type TestVhost } from '@platform/testing';
import { MessagingHarness, envelope } from './messaging-harness';

describe('trace context across AMQP (real broker)', () => {
  const tracing = startInMemoryTracing();
  let vhost: TestVhost;
  let harness: MessagingHarness;

  beforeAll(async () => {
    vhost = await createTestVhost('tracing');
  });

  beforeEach(() => {
    tracing.reset();
    harness = new MessagingHarness(vhost.url);
  });

  afterEach(() => harness.close());

  afterAll(async () => {
    await tracing.shutdown();
    await vhost.delete();
  });

  it('makes a span started in the RPC caller the ancestor of the handler span, in one trace', async () => {
    let handlerSpanId: string | undefined;
    await harness.rpcServer('auth', {
      'auth.profile.get': async () => {
        handlerSpanId = trace.getActiveSpan()?.spanContext().spanId;
        return 'ok';
      },
    });
    const client = await harness.rpcClient();
    const tracer = trace.getTracer('test');

    const caller = tracer.startSpan('gateway request');
    await context.with(trace.setSpan(context.active(), caller), () =>
      client.call('auth.profile.get', envelope({})),
    );
    caller.end();

    const spans = tracing.exporter.getFinishedSpans();
    const clientSpan = spans.find((s) => s.name === 'rpc auth.profile.get' && s.kind === 2);
    const serverSpan = spans.find((s) => s.name === 'rpc auth.profile.get' && s.kind === 1);
    const traceId = caller.spanContext().traceId;
    expect(clientSpan?.spanContext().traceId).toBe(traceId);
    expect(clientSpan?.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(serverSpan?.spanContext().traceId).toBe(traceId);
    expect(serverSpan?.parentSpanContext?.spanId).toBe(clientSpan?.spanContext().spanId);
    expect(handlerSpanId).toBe(serverSpan?.spanContext().spanId);
  });

  it('parents an event consumer span on the publishing span', async () => {
    await harness.consumer({
      queue: 'analytics.traced',
      routingKeys: ['auth.member.joined'],
      handle: async () => undefined,
    });
    const publisher = await harness.publisher();
    const tracer = trace.getTracer('test');

    const caller = tracer.startSpan('use case');
    await context.with(trace.setSpan(context.active(), caller), () =>
      publisher.publish('auth.member.joined', { organizationId: 'o' }),
    );
    caller.end();

    const consumerSpan = await waitFor('the consumer span', () =>
      tracing.exporter.getFinishedSpans().find((s) => s.name === 'consume auth.member.joined'),
    );
    const producerSpan = tracing.exporter
      .getFinishedSpans()
      .find((s) => s.name === 'publish auth.member.joined');
    expect(producerSpan?.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(consumerSpan.spanContext().traceId).toBe(caller.spanContext().traceId);
    expect(consumerSpan.parentSpanContext?.spanId).toBe(producerSpan?.spanContext().spanId);
  });
});
