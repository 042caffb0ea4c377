import { z } from 'zod';
import { ValidationError } from '@platform/errors';
import { defineRoute } from './route-definition';
import { parseRouteInput, rpcDataFor } from './route-input';

describe('route input', () => {
  const route = defineRoute({
    id: 'test.change',
    method: 'PATCH',
    path: '/v1/things/:thingId',
    rpc: 'auth.member.change-role',
    auth: 'authenticated',
    rateLimit: 'write',
    request: {
      params: z.object({ thingId: z.string().uuid() }),
      query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
      body: z.object({ name: z.string().min(2), size: z.number().int() }),
    },
    success: { status: 200, description: 'ok' },
    tag: 'Test',
    summary: 'test',
  });

  it('reports every invalid field at once, prefixed with the part of the request it came from', () => {
    const attempt = () =>
      parseRouteInput(route, {
        params: { thingId: 'nope' },
        query: { dryRun: 'maybe' },
        body: { name: 'x' },
      });

    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).issues.map((issue) => issue.path).sort()).toEqual([
        'body.name',
        'body.size',
        'params.thingId',
        'query.dryRun',
      ]);
    }
  });

  it('treats an absent body as an empty object and a non-object body as an error of `body`', () => {
    const empty = defineRoute({ ...route, request: { body: z.object({}) } } as never);
    expect(parseRouteInput(empty, { params: {}, query: {}, body: undefined }).body).toEqual({});
    expect(() =>
      parseRouteInput(route, { params: { thingId: crypto.randomUUID() }, query: {}, body: [1] }),
    ).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'body' })] }));
  });

  it('strips unknown fields and merges params over body over query into the RPC data', () => {
    const thingId = crypto.randomUUID();
    const input = parseRouteInput(route, {
      params: { thingId },
      query: { dryRun: 'true', extra: 'dropped' },
      body: { name: 'ok', size: 3, thingId: 'from-body-ignored', admin: true },
    });

    expect(rpcDataFor(route, input)).toEqual({ dryRun: 'true', name: 'ok', size: 3, thingId });
  });

  it('refuses a NUL character in any forwarded string, naming where it was', () => {
    const attempt = () =>
      parseRouteInput(route, {
        params: { thingId: '6f1c7a52-3d1e-4b8e-9a53-1f6a9b0c2d4e' },
        query: {},
        body: { name: 'ok\u0000', size: 1 },
      });

    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).issues).toEqual([
        { path: 'body.name', message: 'must not contain the NUL character', code: 'invalid_string' },
      ]);
    }
  });

  it('finds a NUL character inside arrays and nested objects, past nulls and numbers', () => {
    const nested = defineRoute({
      ...route,
      request: {
        body: z.object({
          tags: z.array(z.string()),
          meta: z.object({ inner: z.object({ note: z.string(), missing: z.null(), count: z.number() }) }),
          lines: z.array(z.object({ text: z.string() })),
        }),
      },
    } as never);
    const issuesOf = (body: unknown) => {
      try {
        parseRouteInput(nested, { params: {}, query: {}, body });
        return [];
      } catch (error) {
        return (error as ValidationError).issues.map((issue) => issue.path);
      }
    };
    const clean = { tags: ['a', 'b'], meta: { inner: { note: 'x', missing: null, count: 3 } }, lines: [] };
    expect(issuesOf(clean)).toEqual([]);
    expect(
      issuesOf({
        tags: ['a', 'b\u0000'],
        meta: { inner: { note: '\u0000x', missing: null, count: 3 } },
        lines: [{ text: 'fine' }, { text: 'bad\u0000' }],
      }),
    ).toEqual(['body.tags.1', 'body.meta.inner.note', 'body.lines.1.text']);
  });
});
