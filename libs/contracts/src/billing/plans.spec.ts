import { planRateLimit } from './plans';

describe('planRateLimit (the gateway enforces it, the usage endpoint shows it)', () => {
  it.each([
    ['FREE', 60, 72],
    ['STARTER', 300, 360],
    ['PROFESSIONAL', 1200, 1440],
    ['ENTERPRISE', 6000, 7200],
  ] as const)('%s: %i a minute, %i at once', (plan, requestsPerMinute, burst) => {
    expect(planRateLimit(plan)).toEqual({ requestsPerMinute, burst });
  });

  it('scales the rate (tests raise it) and rounds the burst up to a whole request', () => {
    expect(planRateLimit('FREE', 100)).toEqual({ requestsPerMinute: 6000, burst: 7200 });
    expect(planRateLimit('FREE', 0.1)).toEqual({ requestsPerMinute: 6, burst: 8 });
  });
});
