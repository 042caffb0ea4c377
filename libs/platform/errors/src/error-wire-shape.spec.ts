import { z } from 'zod';
import {
  DomainError,
  fromRpcError,
  isDomainError,
  NotFoundError,
  NotImplementedError,
  RemoteError,
  toProblemDetails,
  toRpcError,
  ValidationError,
} from './index';
import { zodIssuesToValidationIssues } from './zod-issues.mapper';

// The exact shape errors take on the wire: which keys exist at all (an `errorId: undefined` key is a
// different RPC payload than none), whose errorId is trusted, and the texts docs/API_REFERENCE.md shows.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ctx = { instance: '/v1/x', requestId: 'req-1' };

describe('toRpcError: exactly the keys there is something to say in', () => {
  it('a DomainError without details has neither details nor errorId', () => {
    const payload = toRpcError(new DomainError('CONFLICT', 'Email taken'));
    expect(Object.keys(payload).sort()).toEqual(['code', 'message']);
  });

  it('an error of ours carrying an errorId property does not pass it on (only a RemoteError does)', () => {
    const local = Object.assign(new DomainError('CONFLICT', 'Email taken'), { errorId: 'planted' });
    expect(Object.keys(toRpcError(local)).sort()).toEqual(['code', 'message']);
  });

  it('a remote non-internal failure keeps the errorId it came with, and gets none without one', () => {
    const withId = fromRpcError(
      { code: 'NOT_FOUND', message: 'Recording not found', errorId: 'e-7' },
      'r.get',
    );
    expect(toRpcError(withId)).toEqual({ code: 'NOT_FOUND', message: 'Recording not found', errorId: 'e-7' });
    const withoutId = fromRpcError({ code: 'NOT_FOUND', message: 'Recording not found' }, 'r.get');
    expect(Object.keys(toRpcError(withoutId)).sort()).toEqual(['code', 'message']);
  });
});

describe('errorId of an internal failure', () => {
  it('a remote INTERNAL failure without an id gets a fresh one, reported here', () => {
    const remote = fromRpcError({ code: 'INTERNAL', message: 'Internal error' }, 'storage.upload.get');
    const reported: string[] = [];
    const payload = toRpcError(remote, (errorId) => reported.push(errorId));
    expect(payload.errorId).toMatch(UUID);
    expect(reported).toEqual([payload.errorId]);

    const problem = toProblemDetails(remote, { ...ctx, onUnexpected: (errorId) => reported.push(errorId) });
    expect(problem.errorId).toMatch(UUID);
    expect(reported).toEqual([payload.errorId, problem.errorId]);
  });

  it('an errorId property on a thrown error that is not a RemoteError is not trusted', () => {
    const thrown = Object.assign(new Error('db down'), { errorId: 'planted' });
    const payload = toRpcError(thrown);
    expect(payload.errorId).toMatch(UUID);
    expect(toProblemDetails(thrown, ctx).errorId).toMatch(UUID);
  });
});

describe('RemoteError', () => {
  it('has no errorId key when the reply had none', () => {
    const error = new RemoteError('NOT_FOUND', 'm', 'r.get');
    expect(error).not.toHaveProperty('errorId');
    expect(new RemoteError('INTERNAL', 'm', 'r.get', undefined, 'e-1').errorId).toBe('e-1');
  });
});

describe('common errors, as clients read them', () => {
  it('isDomainError tells our errors from anything else', () => {
    expect(isDomainError(new NotFoundError('Recording'))).toBe(true);
    expect(isDomainError(new Error('x'))).toBe(false);
    expect(isDomainError({ code: 'NOT_FOUND', message: 'looks like one' })).toBe(false);
    expect(isDomainError(undefined)).toBe(false);
  });

  it('NotFoundError without an id has details with the entity only', () => {
    expect(new NotFoundError('Recording').details).toStrictEqual({ entity: 'Recording' });
  });

  it('NotImplementedError names the feature in its details', () => {
    expect(new NotImplementedError('Voice cloning').details).toStrictEqual({ feature: 'Voice cloning' });
  });

  it('VALIDATION_FAILED reads "The request is invalid" (the problem+json example of docs/API_REFERENCE.md)', () => {
    expect(new ValidationError([]).message).toBe('The request is invalid');
    const zodError = z.object({ email: z.email() }).safeParse({ email: 'x' }).error!;
    expect(toProblemDetails(zodError, ctx)).toMatchObject({
      title: 'The request is invalid',
      detail: 'The request is invalid',
    });
  });
});

describe('problem details of limit errors', () => {
  it('a plan limit with null details answers without a limit', () => {
    const problem = toProblemDetails(new DomainError('PLAN_LIMIT_REACHED', 'Upgrade', null), ctx);
    expect(problem.code).toBe('PLAN_LIMIT_REACHED');
    expect(problem).not.toHaveProperty('limit');
  });
});

describe('zod issue paths', () => {
  it('name a symbol segment by its description', () => {
    const schema = z.string().superRefine((_value, issueCtx) => {
      issueCtx.addIssue({ code: 'custom', message: 'no', path: ['body', Symbol('secretField')] });
    });
    expect(zodIssuesToValidationIssues(schema.safeParse('x').error!)).toEqual([
      { path: 'body.secretField', message: 'no', code: 'custom' },
    ]);
  });
});
