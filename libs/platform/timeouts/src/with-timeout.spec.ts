import { DependencyTimeoutError, boundedBy, withTimeout } from './with-timeout';

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('withTimeout', () => {
  it('passes the result through when the work is in time', async () => {
    await expect(withTimeout(after(5, 'ok'), 500, 'Redis')).resolves.toBe('ok');
  });

  it('rejects naming the dependency when the work is late', async () => {
    const late = withTimeout(after(500, 'late'), 10, 'Redis (denylist)');
    await expect(late).rejects.toBeInstanceOf(DependencyTimeoutError);
    await expect(late).rejects.toThrow('Redis (denylist) did not answer within 10 ms');
  });
});

describe('boundedBy', () => {
  it('gives the result in time, and undefined once the bound passed', async () => {
    await expect(boundedBy(after(5, 'closed'), 500)).resolves.toBe('closed');
    await expect(boundedBy(after(500, 'closed'), 10)).resolves.toBeUndefined();
  });
});
