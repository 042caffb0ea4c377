import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { getTracer, startTracing } from './tracing';

const execFileAsync = promisify(execFile);

describe('startTracing', () => {
  it('registers a provider that records spans with the service resource, once', async () => {
    const exporter = new InMemorySpanExporter();
    const processor = new SimpleSpanProcessor(exporter);
    const handle = startTracing({
      serviceName: 'payments',
      serviceVersion: '1.2.3',
      spanProcessors: [processor],
    });
    try {
      expect(startTracing({ serviceName: 'other' })).toBe(handle);

      getTracer().startActiveSpan('charge', (span) => {
        const headers: Record<string, string> = {};
        propagation.inject(trace.setSpan(ROOT_CONTEXT, span), headers);
        expect(headers.traceparent).toContain(span.spanContext().traceId);
        span.end();
      });
      await processor.forceFlush();

      const [span] = exporter.getFinishedSpans();
      expect(span?.name).toBe('charge');
      expect(span?.resource.attributes[ATTR_SERVICE_NAME]).toBe('payments');
      expect(span?.resource.attributes[ATTR_SERVICE_VERSION]).toBe('1.2.3');
    } finally {
      await handle.shutdown();
    }
  });

  it('samples new traces by ratio but follows a sampled caller (ParentBased)', async () => {
    const exporter = new InMemorySpanExporter();
    const processor = new SimpleSpanProcessor(exporter);
    const handle = startTracing({ serviceName: 'voice', samplerRatio: 0, spanProcessors: [processor] });
    try {
      getTracer().startSpan('new-root').end();
      const caller = propagation.extract(ROOT_CONTEXT, {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      getTracer().startSpan('handle-rpc', {}, caller).end();
      await processor.forceFlush();

      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => s.name)).toEqual(['handle-rpc']);
      expect(spans[0]!.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(spans[0]!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    } finally {
      await handle.shutdown();
    }
  });

  it('still gives spans real ids when nothing exports them (for log correlation)', async () => {
    const handle = startTracing({ serviceName: 'auth' });
    try {
      const span = getTracer().startSpan('no-export');
      expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
      span.end();
    } finally {
      await handle.shutdown();
    }
  });

  it('records nothing it would not export: new traces go out unsampled, a sampled caller is followed', async () => {
    const handle = startTracing({ serviceName: 'gateway' });
    try {
      const root = getTracer().startSpan('rpc auth.profile.get');
      expect(root.isRecording()).toBe(false);
      const headers: Record<string, string> = {};
      propagation.inject(trace.setSpan(ROOT_CONTEXT, root), headers);
      expect(headers.traceparent).toBe(
        `00-${root.spanContext().traceId}-${root.spanContext().spanId}-00`,
      );
      root.end();

      const caller = propagation.extract(ROOT_CONTEXT, {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      const child = getTracer().startSpan('handle-rpc', {}, caller);
      expect(child.isRecording()).toBe(true);
      expect(child.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      child.end();
    } finally {
      await handle.shutdown();
    }
  });

  describe('with an OTLP endpoint', () => {
    let server: Server;
    const received: Array<{ url?: string; contentType?: string; body: string }> = [];

    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          received.push({ url: req.url, contentType: req.headers['content-type'], body });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('batches spans to <endpoint>/v1/traces over OTLP/HTTP and flushes them on shutdown', async () => {
      const { port } = server.address() as AddressInfo;
      // A child Node process: the exporter's dynamic import() of `http` cannot run inside Jest's VM.
      await execFileAsync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(__dirname, '__fixtures__', 'otlp-export.fixture.ts'),
          `http://127.0.0.1:${port}/`,
        ],
        { env: { ...process.env, OTEL_SDK_DISABLED: '' }, timeout: 20_000 },
      );

      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ url: '/v1/traces', contentType: 'application/json' });
      expect(received[0]!.body).toContain('"upload"');
      expect(received[0]!.body).toContain('"storage"');
    });
  });
});
