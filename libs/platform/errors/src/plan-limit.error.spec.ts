import { PlanLimitReachedError } from './plan-limit.error';
import { toProblemDetails } from './problem-details.mapper';

describe('PlanLimitReachedError', () => {
  it('is a 403 PLAN_LIMIT_REACHED naming the limit, the plan, its maximum and the usage', () => {
    const error = new PlanLimitReachedError(
      { name: 'storageBytes', plan: 'FREE', max: 1073741824, usage: 1073741000 },
      'The FREE plan stores 1 GiB',
      { requestedBytes: 5000 },
    );
    expect(error.code).toBe('PLAN_LIMIT_REACHED');
    expect(error.message).toBe('The FREE plan stores 1 GiB');
    expect(error.details).toEqual({
      requestedBytes: 5000,
      limit: { name: 'storageBytes', plan: 'FREE', max: 1073741824, usage: 1073741000 },
    });
    expect(toProblemDetails(error, { instance: '/v1/uploads', requestId: 'r-9' })).toMatchObject({
      status: 403,
      code: 'PLAN_LIMIT_REACHED',
      detail: 'The FREE plan stores 1 GiB',
      limit: { name: 'storageBytes', plan: 'FREE', max: 1073741824, usage: 1073741000 },
    });
  });

  it('keeps the limit when a detail of the same name is passed (the limit is the truth)', () => {
    const error = new PlanLimitReachedError({ name: 'members', plan: 'STARTER', max: 5, usage: 5 }, 'Full', {
      limit: 'forged',
    });
    expect(error.details).toEqual({ limit: { name: 'members', plan: 'STARTER', max: 5, usage: 5 } });
  });
});
