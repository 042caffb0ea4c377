import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  NotImplementedError,
  UnauthenticatedError,
  ValidationError,
} from './index';

describe('domain errors', () => {
  it.each([
    [new NotFoundError('Recording', 'rec_1'), 'NotFoundError', 'NOT_FOUND', 'Recording rec_1 not found'],
    [new NotFoundError('Recording'), 'NotFoundError', 'NOT_FOUND', 'Recording not found'],
    [new ForbiddenError(), 'ForbiddenError', 'FORBIDDEN', 'You are not allowed to do this'],
    [new ForbiddenError('Owners only'), 'ForbiddenError', 'FORBIDDEN', 'Owners only'],
    [new UnauthenticatedError(), 'UnauthenticatedError', 'UNAUTHENTICATED', 'Authentication required'],
    [new ConflictError('Email taken'), 'ConflictError', 'CONFLICT', 'Email taken'],
    [
      new NotImplementedError('Voice cloning'),
      'NotImplementedError',
      'NOT_IMPLEMENTED',
      'Voice cloning is not implemented',
    ],
  ])('%s has name %s, code %s and message %s', (error, name, code, message) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.stack).toContain(name);
  });

  it('keeps details only when given', () => {
    expect(new DomainError('CONFLICT', 'x')).not.toHaveProperty('details');
    expect(new ConflictError('Email taken', { field: 'email' }).details).toEqual({ field: 'email' });
    expect(new NotFoundError('Recording', 'rec_1').details).toEqual({ entity: 'Recording', id: 'rec_1' });
  });

  it('ValidationError carries its issues in details for the wire', () => {
    const issues = [{ path: 'body.email', message: 'Invalid email', code: 'invalid_format' }];
    const error = new ValidationError(issues);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.issues).toEqual(issues);
    expect(error.details).toEqual({ issues });
  });
});
