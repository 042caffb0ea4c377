import { z } from 'zod';
import { ERROR_CATALOG, type ErrorCode } from '@platform/contracts';
import { DomainError, fromRpcError, NotFoundError, RemoteError, toRpcError, ValidationError } from './index';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('toRpcError', () => {
  it('sends a DomainError as code, message and details', () => {
    expect(toRpcError(new NotFoundError('Recording', 'rec_1'))).toEqual({
      code: 'NOT_FOUND',
      message: 'Recording rec_1 not found',
      details: { entity: 'Recording', id: 'rec_1' },
    });
    expect(toRpcError(new DomainError('RATE_LIMITED', 'Slow down'))).toEqual({
      code: 'RATE_LIMITED',
      message: 'Slow down',
    });
  });

  it('sends a ZodError as VALIDATION_FAILED with its issues', () => {
    const error = z.object({ name: z.string() }).safeParse({}).error!;
    expect(toRpcError(error)).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'The request is invalid',
      details: { issues: [{ path: 'name', message: expect.any(String), code: 'invalid_type' }] },
    });
  });

  it.each([
    ['an Error', new Error('connect ECONNREFUSED 10.0.0.5:5432')],
    ['a thrown string', 'boom'],
    ['a DomainError saying INTERNAL', new DomainError('INTERNAL', 'pool exhausted on db-1')],
  ])('hides %s behind a fresh errorId reported to onUnexpected', (_label, thrown) => {
    const reported: Array<[string, unknown]> = [];
    const payload = toRpcError(thrown, (errorId, err) => reported.push([errorId, err]));
    expect(payload).toEqual({
      code: 'INTERNAL',
      message: 'Internal error',
      errorId: expect.stringMatching(UUID),
    });
    expect(reported).toEqual([[payload.errorId, thrown]]);
  });

  it('gives every unexpected error its own id', () => {
    expect(toRpcError(new Error('a')).errorId).not.toBe(toRpcError(new Error('a')).errorId);
  });

  it('passes a remote failure on with its original errorId without reporting it again', () => {
    const onUnexpected = jest.fn();
    const remote = fromRpcError(
      { code: 'INTERNAL', message: 'Internal error', errorId: 'abc' },
      'storage.upload.get',
    );
    expect(toRpcError(remote, onUnexpected)).toEqual({
      code: 'INTERNAL',
      message: 'Internal error',
      errorId: 'abc',
    });
    expect(onUnexpected).not.toHaveBeenCalled();
  });
});

describe('fromRpcError', () => {
  it.each(Object.keys(ERROR_CATALOG) as ErrorCode[])(
    'rebuilds a %s as a RemoteError of the same code',
    (code) => {
      const error = fromRpcError({ code, message: 'm', details: { a: 1 }, errorId: 'e1' }, 'auth.user.get');
      expect(error).toBeInstanceOf(RemoteError);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        code,
        message: 'm',
        details: { a: 1 },
        pattern: 'auth.user.get',
        errorId: 'e1',
      });
      expect(error.name).toBe('RemoteError');
    },
  );

  it('maps an unknown code to INTERNAL and keeps the remote code for the logs', () => {
    const error = fromRpcError({ code: 'BRAND_NEW_CODE', message: 'm', details: 1 }, 'voice.call.start');
    expect(error.code).toBe('INTERNAL');
    expect(error.details).toEqual({ remoteCode: 'BRAND_NEW_CODE', remoteDetails: 1 });
  });

  it('round-trips a ValidationError through toRpcError', () => {
    const issues = [{ path: 'email', message: 'Invalid', code: 'invalid_format' }];
    const error = fromRpcError(toRpcError(new ValidationError(issues)), 'auth.user.create');
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', details: { issues } });
  });
});
