import 'reflect-metadata';
import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions } from 'fastify';
import { DomainError, NotFoundError, ProblemDetailsFilter } from './index';

@Controller('v1')
class ThingsController {
  @Get('things/:id')
  get(@Param('id') id: string): never {
    throw new NotFoundError('Thing', id);
  }

  @Get('boom')
  boom(): never {
    throw new Error('connect ECONNREFUSED 10.1.2.3:5432');
  }

  @Get('limited')
  limited(): never {
    throw new DomainError('RATE_LIMITED', 'Too many uploads', { retryAfterSeconds: 30 });
  }

  @Post('things')
  create(@Body() body: unknown): unknown {
    return body;
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('ProblemDetailsFilter on a real Nest + Fastify app', () => {
  let app: NestFastifyApplication;
  const logged: Array<{ obj: Record<string, unknown>; msg?: string }> = [];

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(
      ThingsModule,
      new FastifyAdapter({ bodyLimit: 1024 }),
      {
        logger: false,
      },
    );
    app.useGlobalFilters(
      new ProblemDetailsFilter({ error: (obj, msg) => logged.push({ obj: obj as never, msg }) }),
    );
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => {
    logged.length = 0;
  });

  const inject = (opts: InjectOptions) => app.getHttpAdapter().getInstance().inject(opts);

  it('answers a domain error with problem+json, status and echoed x-request-id', async () => {
    const res = await inject({
      method: 'GET',
      url: '/v1/things/t_1?token=abc',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.json()).toEqual({
      type: 'https://docs.platform.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'Thing t_1 not found',
      instance: '/v1/things/t_1',
      code: 'NOT_FOUND',
      requestId: 'abc-123',
    });
    expect(logged).toEqual([]);
  });

  it('falls back to the Fastify request id when the header is missing or unsafe', async () => {
    const res = await inject({
      method: 'GET',
      url: '/v1/things/t_1',
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    expect(res.headers['x-request-id']).toMatch(/^req-/);
    expect(res.json().requestId).toBe(res.headers['x-request-id']);
  });

  it('hides an unexpected error behind an errorId that is logged with the error', async () => {
    const res = await inject({ method: 'GET', url: '/v1/boom', headers: { 'x-request-id': 'r-1' } });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body).toMatchObject({ code: 'INTERNAL', detail: 'Internal error', errorId: expect.any(String) });
    expect(res.body).not.toContain('ECONNREFUSED');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.obj).toMatchObject({
      errorId: body.errorId,
      requestId: 'r-1',
      method: 'GET',
      path: '/v1/boom',
    });
    expect((logged[0]!.obj.err as Error).message).toContain('ECONNREFUSED');
  });

  it('sets Retry-After when the error carries retryAfterSeconds', async () => {
    const res = await inject({ method: 'GET', url: '/v1/limited' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.json()).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 30 });
  });

  it('maps an unknown route to ROUTE_NOT_FOUND', async () => {
    const res = await inject({ method: 'GET', url: '/v1/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', instance: '/v1/nowhere' });
  });

  it('maps invalid JSON to BAD_REQUEST with a readable detail', async () => {
    const res = await inject({
      method: 'POST',
      url: '/v1/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'BAD_REQUEST', detail: 'The request body is not valid JSON' });
  });

  it('maps an unsupported content type to 415', async () => {
    const res = await inject({
      method: 'POST',
      url: '/v1/things',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('maps a body over the limit to 413', async () => {
    const res = await inject({
      method: 'POST',
      url: '/v1/things',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ blob: 'x'.repeat(4096) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  });

  it('lets a valid request through untouched', async () => {
    const res = await inject({ method: 'POST', url: '/v1/things', payload: { name: 'ok' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ name: 'ok' });
  });
});
