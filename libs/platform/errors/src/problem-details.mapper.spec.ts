import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  InternalServerErrorException,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ERROR_CATALOG, PROBLEM_TYPE_BASE, type ErrorCode } from '@platform/contracts';
import { z } from 'zod';
import {
  DomainError,
  fromRpcError,
  NotFoundError,
  PROBLEM_CONTENT_TYPE,
  toProblemDetails,
  ValidationError,
  type ProblemDetails,
} from './index';

const ctx = { instance: '/v1/recordings/rec_1', requestId: 'req-42' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Builds an error shaped like the ones Fastify raises itself (fastify-error). */
function fastifyError(code: string, message: string, statusCode: number): Error {
  return Object.assign(new Error(message), { name: 'FastifyError', code, statusCode });
}

describe('toProblemDetails', () => {
  it('uses the problem+json media type', () => {
    expect(PROBLEM_CONTENT_TYPE).toBe('application/problem+json');
  });

  describe('every catalog code', () => {
    const codes = (Object.keys(ERROR_CATALOG) as ErrorCode[]).filter((code) => code !== 'INTERNAL');

    it.each(codes)('%s gets its catalog status, title and a kebab-case type', (code) => {
      const problem = toProblemDetails(new DomainError(code, 'Something specific'), ctx);
      expect(problem).toEqual<ProblemDetails>({
        type: PROBLEM_TYPE_BASE + code.toLowerCase().replaceAll('_', '-'),
        title: ERROR_CATALOG[code].title,
        status: ERROR_CATALOG[code].status,
        detail: 'Something specific',
        instance: '/v1/recordings/rec_1',
        code,
        requestId: 'req-42',
        ...(code === 'VALIDATION_FAILED' ? { errors: [] } : {}),
      });
    });

    it('INTERNAL never shows its message and gets an errorId', () => {
      const problem = toProblemDetails(new DomainError('INTERNAL', 'disk /dev/sda1 full'), ctx);
      expect(problem).toMatchObject({
        type: `${PROBLEM_TYPE_BASE}internal`,
        status: 500,
        code: 'INTERNAL',
        detail: 'Internal error',
        errorId: expect.stringMatching(UUID),
      });
    });

    it('covers the whole catalog with distinct types', () => {
      const types = (Object.keys(ERROR_CATALOG) as ErrorCode[]).map(
        (code) => toProblemDetails(new DomainError(code, 'x'), ctx).type,
      );
      expect(new Set(types).size).toBe(Object.keys(ERROR_CATALOG).length);
    });
  });

  it('lists validation issues of a ValidationError as `errors`', () => {
    const issues = [{ path: 'body.email', message: 'Invalid email', code: 'invalid_format' }];
    expect(toProblemDetails(new ValidationError(issues), ctx)).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: issues,
    });
  });

  it('lists validation issues that came over RPC, dropping malformed ones', () => {
    const remote = fromRpcError(
      {
        code: 'VALIDATION_FAILED',
        message: 'The request is invalid',
        details: { issues: [{ path: 'name', message: 'Required', code: 'invalid_type' }, { path: 3 }] },
      },
      'auth.user.create',
    );
    expect(toProblemDetails(remote, ctx).errors).toEqual([
      { path: 'name', message: 'Required', code: 'invalid_type' },
    ]);
  });

  it('maps a ZodError to VALIDATION_FAILED with dotted paths', () => {
    const error = z
      .object({ body: z.object({ email: z.email() }) })
      .safeParse({ body: { email: 'x' } }).error!;
    expect(toProblemDetails(error, ctx)).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'body.email', code: 'invalid_format' }],
    });
  });

  it('copies retryAfterSeconds from details, rounded up to whole seconds', () => {
    const problem = toProblemDetails(
      new DomainError('RATE_LIMITED', 'Slow down', { retryAfterSeconds: 2.2 }),
      ctx,
    );
    expect(problem).toMatchObject({ status: 429, retryAfterSeconds: 3 });
    expect(
      toProblemDetails(new DomainError('RATE_LIMITED', 'x', { retryAfterSeconds: -1 }), ctx),
    ).not.toHaveProperty('retryAfterSeconds');
  });

  it('does not report expected errors as unexpected', () => {
    const onUnexpected = jest.fn();
    const problem = toProblemDetails(new NotFoundError('Recording', 'rec_1'), { ...ctx, onUnexpected });
    expect(problem).not.toHaveProperty('errorId');
    expect(onUnexpected).not.toHaveBeenCalled();
  });

  describe('unexpected errors', () => {
    it.each([
      ['an Error', new Error('relation "users" does not exist')],
      ['a non-Error value', { weird: true }],
      ['a framework 500', new InternalServerErrorException('secret internals')],
      ['an SDK error carrying statusCode', Object.assign(new Error('No such customer'), { statusCode: 404 })],
    ])('%s becomes INTERNAL with an errorId also given to onUnexpected', (_label, thrown) => {
      const reported: Array<[string, unknown]> = [];
      const problem = toProblemDetails(thrown, {
        ...ctx,
        onUnexpected: (id, err) => reported.push([id, err]),
      });
      expect(problem).toMatchObject({ status: 500, code: 'INTERNAL', detail: 'Internal error' });
      expect(problem.errorId).toMatch(UUID);
      expect(reported).toEqual([[problem.errorId, thrown]]);
      expect(JSON.stringify(problem)).not.toMatch(/users|secret|customer/);
    });

    it('keeps the errorId of a remote internal failure (the remote service logged the stack)', () => {
      const onUnexpected = jest.fn();
      const remote = fromRpcError(
        { code: 'INTERNAL', message: 'Internal error', errorId: 'remote-id' },
        'x.y.get',
      );
      expect(toProblemDetails(remote, { ...ctx, onUnexpected })).toMatchObject({
        status: 500,
        errorId: 'remote-id',
      });
      expect(onUnexpected).not.toHaveBeenCalled();
    });
  });

  describe('NestJS HttpExceptions', () => {
    it.each<[string, HttpException, ErrorCode, number, string]>([
      [
        'route not found',
        new NotFoundException('Cannot GET /v1/nope'),
        'ROUTE_NOT_FOUND',
        404,
        'Cannot GET /v1/nope',
      ],
      [
        '405',
        new HttpException('Method not allowed here', 405),
        'METHOD_NOT_ALLOWED',
        405,
        'Method not allowed here',
      ],
      ['413', new PayloadTooLargeException('too big'), 'PAYLOAD_TOO_LARGE', 413, 'too big'],
      ['415', new UnsupportedMediaTypeException('no xml'), 'UNSUPPORTED_MEDIA_TYPE', 415, 'no xml'],
      ['401 from a guard', new UnauthorizedException(), 'UNAUTHENTICATED', 401, 'Unauthorized'],
      ['403 from a guard', new ForbiddenException(), 'FORBIDDEN', 403, 'Forbidden'],
      ['other 4xx', new HttpException('I am a teapot', 418), 'BAD_REQUEST', 400, 'I am a teapot'],
      [
        '400 with messages',
        new BadRequestException(['a is required', 'b is too long']),
        'BAD_REQUEST',
        400,
        'a is required; b is too long',
      ],
    ])('%s → %s', (_label, exception, code, status, detail) => {
      expect(toProblemDetails(exception, ctx)).toMatchObject({ code, status, detail });
    });

    it('rewords a Fastify error that NestJS rewrapped as HttpException (code lost, message kept)', () => {
      const rewrapped = new HttpException(
        "Body is not valid JSON but content-type is set to 'application/json'",
        400,
      );
      expect(toProblemDetails(rewrapped, ctx)).toMatchObject({
        code: 'BAD_REQUEST',
        status: 400,
        detail: 'The request body is not valid JSON',
      });
    });
  });

  describe('Fastify errors carrying statusCode', () => {
    it.each<[string, Error, ErrorCode, number, string]>([
      [
        'unsupported media type',
        fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 'Unsupported Media Type', 415),
        'UNSUPPORTED_MEDIA_TYPE',
        415,
        'The Content-Type of the request body is not supported',
      ],
      [
        'body too large',
        fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 'Request body is too large', 413),
        'PAYLOAD_TOO_LARGE',
        413,
        'The request body is larger than this endpoint accepts',
      ],
      [
        'invalid JSON',
        fastifyError(
          'FST_ERR_CTP_INVALID_JSON_BODY',
          "Body is not valid JSON but content-type is set to 'application/json'",
          400,
        ),
        'BAD_REQUEST',
        400,
        'The request body is not valid JSON',
      ],
      [
        'empty JSON body',
        fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 'Body cannot be empty', 400),
        'BAD_REQUEST',
        400,
        'The request body is empty but Content-Type says JSON',
      ],
      [
        'a body parser SyntaxError',
        Object.assign(new SyntaxError('Unexpected token } in JSON at position 9'), { statusCode: 400 }),
        'BAD_REQUEST',
        400,
        'The request body is not valid JSON: Unexpected token } in JSON at position 9',
      ],
      [
        'another FST_ 4xx',
        fastifyError('FST_ERR_SOMETHING', 'Something odd', 400),
        'BAD_REQUEST',
        400,
        'Something odd',
      ],
    ])('%s → %s', (_label, error, code, status, detail) => {
      expect(toProblemDetails(error, ctx)).toMatchObject({ code, status, detail });
    });
  });
});
