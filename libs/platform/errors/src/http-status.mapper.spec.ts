import { HttpException } from '@nestjs/common';
import { mapFrameworkError } from './framework-error.mapper';
import { codeForHttpStatus } from './http-status.mapper';

/** Status → error code, written out by hand for every status the mapper names. */
describe('codeForHttpStatus', () => {
  it.each([
    [400, 'BAD_REQUEST'],
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [404, 'ROUTE_NOT_FOUND'],
    [405, 'METHOD_NOT_ALLOWED'],
    [409, 'CONFLICT'],
    [413, 'PAYLOAD_TOO_LARGE'],
    [415, 'UNSUPPORTED_MEDIA_TYPE'],
    [429, 'RATE_LIMITED'],
    [501, 'NOT_IMPLEMENTED'],
    [503, 'SERVICE_UNAVAILABLE'],
    [504, 'RPC_TIMEOUT'],
  ])('maps %i to %s', (status, code) => {
    expect(codeForHttpStatus(status)).toBe(code);
  });

  it.each([402, 406, 408, 410, 418, 422, 499])('maps any other 4xx (%i) to BAD_REQUEST', (status) => {
    expect(codeForHttpStatus(status)).toBe('BAD_REQUEST');
  });

  it.each([200, 302, 399, 500, 502, 505, 599])(
    'names no code for %i (the caller treats it as internal)',
    (status) => {
      expect(codeForHttpStatus(status)).toBeUndefined();
    },
  );
});

describe('mapFrameworkError', () => {
  const fastifyError = (props: { statusCode?: unknown; code?: unknown; name?: string }, message = 'm') =>
    Object.assign(new Error(message), props);

  it.each([
    [409, 'CONFLICT'],
    [429, 'RATE_LIMITED'],
    [501, 'NOT_IMPLEMENTED'],
    [503, 'SERVICE_UNAVAILABLE'],
    [504, 'RPC_TIMEOUT'],
  ])('maps an HttpException %i to %s with its message', (status, code) => {
    expect(mapFrameworkError(new HttpException('Try later', status))).toEqual({ code, detail: 'Try later' });
  });

  it('hides a framework 500 and a 502 (no code: internal)', () => {
    expect(mapFrameworkError(new HttpException('db at 10.0.0.5 down', 500))).toBeUndefined();
    expect(mapFrameworkError(new HttpException('upstream', 502))).toBeUndefined();
  });

  it('reads the message of an HttpException from its response body', () => {
    expect(mapFrameworkError(new HttpException({ message: 'from body' }, 400))).toEqual({
      code: 'BAD_REQUEST',
      detail: 'from body',
    });
    expect(mapFrameworkError(new HttpException({ message: ['a is bad', 'b is bad'] }, 400))).toEqual({
      code: 'BAD_REQUEST',
      detail: 'a is bad; b is bad',
    });
    // A body message that is not text falls back to the exception's own message.
    const odd = new HttpException({ message: ['a', 42] }, 400);
    expect(mapFrameworkError(odd)).toEqual({ code: 'BAD_REQUEST', detail: odd.message });
    const none = new HttpException({ error: 'x' }, 403);
    expect(mapFrameworkError(none)).toEqual({ code: 'FORBIDDEN', detail: none.message });
  });

  it('trusts only Fastify errors for their status', () => {
    expect(mapFrameworkError(fastifyError({ statusCode: 429, code: 'FST_X' }, 'slow down'))).toEqual({
      code: 'RATE_LIMITED',
      detail: 'slow down',
    });
    expect(mapFrameworkError(fastifyError({ statusCode: 404, name: 'FastifyError' }, 'nope'))).toEqual({
      code: 'ROUTE_NOT_FOUND',
      detail: 'nope',
    });
    // An SDK's upstream 404 (no FST_ code) is ours to handle: internal.
    expect(mapFrameworkError(fastifyError({ statusCode: 404, code: 'NoSuchKey' }))).toBeUndefined();
    expect(mapFrameworkError(fastifyError({ statusCode: 404 }))).toBeUndefined();
    expect(mapFrameworkError(fastifyError({ statusCode: '404', code: 'FST_X' }))).toBeUndefined();
    expect(mapFrameworkError({ statusCode: 400, code: 'FST_X', message: 'not an Error' })).toBeUndefined();
    expect(mapFrameworkError('FST_ERR')).toBeUndefined();
  });

  it('trusts a body parser SyntaxError only with status 400, and says it was the body', () => {
    const syntax = Object.assign(new SyntaxError('Unexpected token } at 5'), { statusCode: 400 });
    expect(mapFrameworkError(syntax)).toEqual({
      code: 'BAD_REQUEST',
      detail: 'The request body is not valid JSON: Unexpected token } at 5',
    });
    expect(mapFrameworkError(Object.assign(new SyntaxError('x'), { statusCode: 500 }))).toBeUndefined();
    expect(mapFrameworkError(Object.assign(new SyntaxError('x'), { statusCode: 413 }))).toBeUndefined();
  });

  it.each([
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'BAD_REQUEST', 'The request body is not valid JSON'],
    [
      'FST_ERR_CTP_EMPTY_JSON_BODY',
      400,
      'BAD_REQUEST',
      'The request body is empty but Content-Type says JSON',
    ],
    [
      'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'The Content-Type of the request body is not supported',
    ],
    [
      'FST_ERR_CTP_BODY_TOO_LARGE',
      413,
      'PAYLOAD_TOO_LARGE',
      'The request body is larger than this endpoint accepts',
    ],
    [
      'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
      400,
      'BAD_REQUEST',
      'The request body size does not match its Content-Length',
    ],
  ])('rewords Fastify’s %s (%i) as %s', (code, statusCode, expected, detail) => {
    expect(mapFrameworkError(fastifyError({ statusCode, code }, 'fastify wording'))).toEqual({
      code: expected,
      detail,
    });
  });

  it.each([
    [
      "Body is not valid JSON but content-type is set to 'application/json'",
      400,
      'The request body is not valid JSON',
    ],
    [
      "Body cannot be empty when content-type is set to 'application/json'",
      400,
      'The request body is empty but Content-Type says JSON',
    ],
    ['Unsupported Media Type', 415, 'The Content-Type of the request body is not supported'],
    ['Request body is too large', 413, 'The request body is larger than this endpoint accepts'],
    [
      'Request body size did not match Content-Length',
      400,
      'The request body size does not match its Content-Length',
    ],
  ])('rewords the rewrapped message %j', (message, status, detail) => {
    expect(mapFrameworkError(new HttpException(message, status))?.detail).toBe(detail);
  });

  it('keeps the wording when the status does not match the known Fastify error', () => {
    expect(mapFrameworkError(new HttpException('Request body is too large', 400))).toEqual({
      code: 'BAD_REQUEST',
      detail: 'Request body is too large',
    });
  });
});
