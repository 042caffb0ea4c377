import { trace } from '@opentelemetry/api';
import { startInMemoryTracing, type InMemoryTracing } from '@platform/observability';
import { createLogger } from './logger.factory';
import { requestContext } from './request-context';

/** A pino destination that keeps each JSON line, parsed. */
function memoryDestination(): { write(line: string): void; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes JSON with service, version, ISO time and the level as a word', () => {
    const dest = memoryDestination();
    createLogger({ service: 'auth', version: '1.4.0', destination: dest }).info(
      { userId: 'u1' },
      'signed in',
    );
    expect(dest.lines).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        service: 'auth',
        version: '1.4.0',
        userId: 'u1',
        msg: 'signed in',
      },
    ]);
  });

  it('honours the level', () => {
    const dest = memoryDestination();
    const logger = createLogger({ service: 'auth', level: 'warn', destination: dest });
    logger.info('dropped');
    logger.warn('kept');
    expect(dest.lines.map((l) => l.msg)).toEqual(['kept']);
  });

  it('adds requestId and organizationId from the request context, also in child loggers made earlier', async () => {
    const dest = memoryDestination();
    const logger = createLogger({ service: 'gateway', destination: dest });
    const child = logger.child({ component: 'rpc' });

    logger.info('outside');
    await requestContext.run({ requestId: 'req-7', organizationId: 'org-1' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      child.info('inside');
    });

    expect(dest.lines[0]).not.toHaveProperty('requestId');
    expect(dest.lines[1]).toMatchObject({ requestId: 'req-7', organizationId: 'org-1', component: 'rpc' });
  });

  describe('with tracing', () => {
    let tracing: InMemoryTracing;

    beforeAll(() => {
      tracing = startInMemoryTracing();
    });

    afterAll(async () => {
      await tracing.shutdown();
    });

    it('adds traceId and spanId of the active span', () => {
      const dest = memoryDestination();
      const logger = createLogger({ service: 'payments', destination: dest });

      logger.info('before');
      trace.getTracer('spec').startActiveSpan('charge', (span) => {
        logger.info('during');
        const { traceId, spanId } = span.spanContext();
        expect(dest.lines[1]).toMatchObject({ traceId, spanId });
        span.end();
      });

      expect(dest.lines[0]).not.toHaveProperty('traceId');
      expect(dest.lines[1]!.traceId).toMatch(/^[0-9a-f]{32}$/);
    });
  });

  it('redacts credentials and secrets', () => {
    const dest = memoryDestination();
    const logger = createLogger({ service: 'auth', destination: dest });
    logger.info(
      {
        req: {
          method: 'POST',
          headers: {
            authorization: 'Bearer abc',
            cookie: 'sid=1',
            'x-api-key': 'pk_live_1',
            accept: 'application/json',
          },
        },
        body: { email: 'a@b.c', password: 'hunter2', refreshToken: 'rt', secret: 's' },
        stripe: { token: 'tok_1' },
        token: 'top-level',
      },
      'login',
    );
    const [line] = dest.lines;
    expect(line).toMatchObject({
      req: {
        method: 'POST',
        headers: {
          authorization: '[redacted]',
          cookie: '[redacted]',
          'x-api-key': '[redacted]',
          accept: 'application/json',
        },
      },
      body: { email: 'a@b.c', password: '[redacted]', refreshToken: '[redacted]', secret: '[redacted]' },
      stripe: { token: '[redacted]' },
      token: '[redacted]',
    });
    expect(JSON.stringify(line)).not.toMatch(/hunter2|Bearer|pk_live|tok_1|top-level/);
  });
});
