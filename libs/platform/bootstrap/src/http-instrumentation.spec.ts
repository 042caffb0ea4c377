import Fastify from 'fastify';
import { httpServerDuration } from '@platform/observability';
import { instrumentHttp } from './http-instrumentation';

/** Observations recorded so far for exactly these labels. */
async function countOf(labels: Record<string, string>): Promise<number> {
  const { values } = await httpServerDuration.get();
  const sample = values.find(
    (value) =>
      value.metricName === 'http_server_request_duration_seconds_count' &&
      Object.entries(labels).every(
        ([key, expected]) => (value.labels as Record<string, string | number | undefined>)[key] === expected,
      ),
  );
  return sample?.value ?? 0;
}

describe('instrumentHttp', () => {
  it('records every answer once, by route template and status, and lets the answer complete', async () => {
    const fastify = Fastify({ logger: false });
    instrumentHttp(fastify);
    fastify.get('/v1/instrumented/:id', async () => ({ ok: true }));
    const route = { method: 'GET', route: '/v1/instrumented/:id', status_code: '200' };
    const unmatched = { method: 'GET', route: 'unmatched', status_code: '404' };
    const [routeBefore, unmatchedBefore] = [await countOf(route), await countOf(unmatched)];

    const answers = [
      await fastify.inject('/v1/instrumented/1'),
      await fastify.inject('/v1/instrumented/2'),
      await fastify.inject('/nowhere'),
    ];
    await fastify.close();

    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 404]);
    expect(await countOf(route)).toBe(routeBefore + 2);
    expect(await countOf(unmatched)).toBe(unmatchedBefore + 1);
  });
});
