import { atCap, restartDelayMs, type RestartPolicy } from './backoff';

const POLICY: RestartPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  resetAfterMs: 60_000,
  jitterRatio: 0.2,
};

describe('restartDelayMs', () => {
  it('doubles from the initial delay and stays at the cap', () => {
    const noJitter = () => 0;
    const delays = [1, 2, 3, 4, 5, 6, 7, 50, 5000].map((attempt) =>
      restartDelayMs(POLICY, attempt, noJitter),
    );
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000]);
  });

  it('takes up to jitterRatio off a delay, never adding to it (the cap holds)', () => {
    expect(restartDelayMs(POLICY, 1, () => 0.5)).toBe(900);
    expect(restartDelayMs(POLICY, 1, () => 0.999999)).toBe(800);
    expect(restartDelayMs(POLICY, 9, () => 0.5)).toBe(27_000);
    expect(restartDelayMs(POLICY, 9, () => 0.999999)).toBe(24_000);
  });
});

describe('atCap', () => {
  it('is true from the first attempt whose doubled delay reaches the cap', () => {
    expect([5, 6, 7].map((attempt) => atCap(POLICY, attempt))).toEqual([false, true, true]);
  });
});
