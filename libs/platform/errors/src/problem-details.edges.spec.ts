import { DomainError } from './domain.error';
import { problemTypeFor } from './problem-details';
import { toProblemDetails } from './problem-details.mapper';
import { resolveRequestId } from './request-id';
import { readValidationIssues } from './validation-issue';

const ctx = { instance: '/v1/orgs', requestId: 'req-1' };

describe('problem details, at their edges', () => {
  it('names the problem type from the code, every underscore a dash', () => {
    expect(problemTypeFor('PLAN_LIMIT_REACHED')).toBe(
      'https://docs.platform.dev/problems/plan-limit-reached',
    );
    expect(problemTypeFor('CONFLICT')).toBe('https://docs.platform.dev/problems/conflict');
  });

  it('carries only the known fields of a plan or account limit', () => {
    const limit = { name: 'members', plan: 'FREE', max: 3, usage: 3, internalNote: 'x' };
    expect(toProblemDetails(new DomainError('PLAN_LIMIT_REACHED', 'Full', { limit }), ctx)).toEqual({
      type: 'https://docs.platform.dev/problems/plan-limit-reached',
      title: expect.any(String),
      status: 403,
      detail: 'Full',
      instance: '/v1/orgs',
      code: 'PLAN_LIMIT_REACHED',
      requestId: 'req-1',
      limit: { name: 'members', plan: 'FREE', max: 3, usage: 3 },
    });
    const account = { name: 'organizations', max: 5, usage: 5, plan: 7 };
    expect(
      toProblemDetails(new DomainError('ACCOUNT_LIMIT_REACHED', 'Cap', { limit: account }), ctx).limit,
    ).toEqual({ name: 'organizations', max: 5, usage: 5 });
  });

  it.each([
    ['no details', undefined],
    ['details without limit', { other: 1 }],
    ['a null limit', { limit: null }],
    ['a limit that is text', { limit: 'members' }],
    ['a limit without a name', { limit: { max: 1, usage: 1 } }],
    ['a limit with a text max', { limit: { name: 'm', max: '1', usage: 1 } }],
    ['a limit with a text usage', { limit: { name: 'm', max: 1, usage: '1' } }],
  ])('drops the limit for %s', (_label, details) => {
    expect(toProblemDetails(new DomainError('PLAN_LIMIT_REACHED', 'Full', details), ctx)).not.toHaveProperty(
      'limit',
    );
  });

  it('reports a limit only for the limit codes', () => {
    const details = { limit: { name: 'm', max: 1, usage: 1 } };
    expect(toProblemDetails(new DomainError('CONFLICT', 'x', details), ctx)).not.toHaveProperty('limit');
  });

  it.each([
    [0, undefined],
    [Infinity, undefined],
    [Number.NaN, undefined],
    ['5', undefined],
    [0.1, 1],
    [5, 5],
  ])('reads retryAfterSeconds %p as %p', (retryAfterSeconds, expected) => {
    const problem = toProblemDetails(new DomainError('RATE_LIMITED', 'x', { retryAfterSeconds }), ctx);
    expect(problem.retryAfterSeconds).toBe(expected);
  });

  it('ignores retryAfterSeconds in details that are not an object', () => {
    expect(toProblemDetails(new DomainError('RATE_LIMITED', 'x', 'soon'), ctx)).not.toHaveProperty(
      'retryAfterSeconds',
    );
    expect(toProblemDetails(new DomainError('RATE_LIMITED', 'x', null), ctx)).not.toHaveProperty(
      'retryAfterSeconds',
    );
  });

  it('gives VALIDATION_FAILED an empty issue list when the details have none', () => {
    expect(toProblemDetails(new DomainError('VALIDATION_FAILED', 'Bad'), ctx).errors).toEqual([]);
    expect(toProblemDetails(new DomainError('CONFLICT', 'x', { issues: [] }), ctx)).not.toHaveProperty(
      'errors',
    );
  });
});

describe('validation issues from untrusted details', () => {
  it('keeps only well-formed issues, and only their three fields', () => {
    expect(
      readValidationIssues({
        issues: [
          { path: 'a', message: 'm', code: 'c', extra: 'dropped' },
          { path: 1, message: 'm', code: 'c' },
          { path: 'a', message: null, code: 'c' },
          { path: 'a', message: 'm' },
          null,
          'text',
        ],
      }),
    ).toEqual([{ path: 'a', message: 'm', code: 'c' }]);
  });

  it('reads nothing out of details without an issue list', () => {
    expect(readValidationIssues(undefined)).toBeUndefined();
    expect(readValidationIssues(null)).toBeUndefined();
    expect(readValidationIssues('issues')).toBeUndefined();
    expect(readValidationIssues({ issues: 'a' })).toBeUndefined();
  });
});

describe('request ids', () => {
  it('echoes a short, plain client id', () => {
    expect(resolveRequestId('abc-DEF_1.2:3', 'fallback')).toBe('abc-DEF_1.2:3');
    expect(resolveRequestId('r'.repeat(128), 'fallback')).toBe('r'.repeat(128));
    expect(resolveRequestId(['first', 'second'], 'fallback')).toBe('first');
  });

  it.each([undefined, '', 'r'.repeat(129), 'a b', 'a\nb', 'id;drop', 'x<script>', ' id', 'id '])(
    'replaces %j with the server’s id',
    (header) => {
      expect(resolveRequestId(header, 'fallback')).toBe('fallback');
    },
  );
});
