import { requestContext } from './request-context';

describe('requestContext', () => {
  it('is undefined outside run', () => {
    expect(requestContext.get()).toBeUndefined();
  });

  it('follows async work started inside run and keeps concurrent requests apart', async () => {
    const seen = await Promise.all(
      ['a', 'b'].map((requestId) =>
        requestContext.run({ requestId }, async () => {
          await new Promise((resolve) => setTimeout(resolve, requestId === 'a' ? 5 : 1));
          return requestContext.get()?.requestId;
        }),
      ),
    );
    expect(seen).toEqual(['a', 'b']);
    expect(requestContext.get()).toBeUndefined();
  });

  it('returns what the function returns', () => {
    expect(requestContext.run({ requestId: 'r' }, () => 42)).toBe(42);
  });
});
