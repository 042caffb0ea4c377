import { nextKeyActivation, publishedKeys, signingKeyAt, type SchedulePolicy } from './key-schedule';

const HOUR = 3600;
const policy: SchedulePolicy = {
  rotationSeconds: 7 * 24 * HOUR,
  prepublishSeconds: HOUR,
  accessTtlSeconds: 900,
  retireGraceSeconds: 60,
};
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

describe('signing key schedule', () => {
  it('creates the first key active at once', () => {
    expect(nextKeyActivation([], t0, policy)).toEqual(t0);
  });

  it('pre-publishes the successor before the rotation instant, then switches to it', () => {
    const keys = [{ kid: 'a', activatesAt: t0 }];
    expect(nextKeyActivation(keys, at(7 * 24 * HOUR - 2 * HOUR), policy)).toBeUndefined();
    const created = nextKeyActivation(keys, at(7 * 24 * HOUR - HOUR), policy);
    expect(created).toEqual(at(7 * 24 * HOUR));

    const withNext = [...keys, { kid: 'b', activatesAt: created! }];
    expect(nextKeyActivation(withNext, at(7 * 24 * HOUR - 30), policy)).toBeUndefined();
    expect(signingKeyAt(withNext, at(7 * 24 * HOUR - 1))?.kid).toBe('a');
    expect(signingKeyAt(withNext, at(7 * 24 * HOUR))?.kid).toBe('b');
    expect(publishedKeys(withNext, at(7 * 24 * HOUR - 30), policy).map((k) => k.kid)).toEqual(['a', 'b']);
  });

  it('keeps a retired key published until its last token expired (plus grace), then drops it', () => {
    const keys = [
      { kid: 'a', activatesAt: t0 },
      { kid: 'b', activatesAt: at(7 * 24 * HOUR) },
    ];
    const switchAt = 7 * 24 * HOUR;
    expect(publishedKeys(keys, at(switchAt + 900 + 59), policy).map((k) => k.kid)).toEqual(['a', 'b']);
    expect(publishedKeys(keys, at(switchAt + 900 + 60), policy).map((k) => k.kid)).toEqual(['b']);
  });

  it('still pre-publishes when the service was down past the rotation time', () => {
    const keys = [{ kid: 'a', activatesAt: t0 }];
    expect(nextKeyActivation(keys, at(30 * 24 * HOUR), policy)).toEqual(at(30 * 24 * HOUR + HOUR));
  });
});
