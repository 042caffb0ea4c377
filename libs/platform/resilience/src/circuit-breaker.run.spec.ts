import { CircuitBreaker, CircuitOpenError, type BreakerState } from './circuit-breaker';

class Outage extends Error {}
const isOutage = (error: unknown) => error instanceof Outage;

describe('CircuitBreaker.run (a payment provider: consecutive failures only)', () => {
  let now: number;
  let changes: Array<[BreakerState, BreakerState]>;
  let breaker: CircuitBreaker;
  let calls: number;
  const fail = () =>
    breaker
      .run(async () => {
        calls++;
        throw new Outage('down');
      }, isOutage)
      .catch((e: unknown) => e);
  const succeed = () =>
    breaker.run(async () => {
      calls++;
      return 'ok';
    }, isOutage);

  beforeEach(() => {
    now = 1_000_000;
    changes = [];
    calls = 0;
    breaker = new CircuitBreaker(
      'azul',
      { consecutiveFailures: 3, coolDownMs: 60_000 },
      () => now,
      (from, to) => changes.push([from, to]),
    );
  });

  it('opens after 3 outages in a row and then refuses without calling the provider', async () => {
    await fail();
    await fail();
    expect(breaker.state).toBe('closed');
    await fail();
    expect(breaker.state).toBe('open');
    expect(calls).toBe(3);

    const refused = await succeed().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect((refused as CircuitOpenError).retryAfterMs).toBe(60_000);
    expect(calls).toBe(3);
    expect(changes).toEqual([['closed', 'open']]);
  });

  it('a success in between resets the run; answers that are not outages count as success', async () => {
    await fail();
    await fail();
    await succeed();
    await fail();
    await breaker
      .run(async () => {
        throw new Error('declined: not an outage');
      }, isOutage)
      .catch(() => undefined);
    await fail();
    await fail();
    expect(breaker.state).toBe('closed');
  });

  it('after the cool-down one probe goes through: success closes, failure reopens for a fresh cool-down', async () => {
    for (let i = 0; i < 3; i++) await fail();
    now += 59_999;
    expect(breaker.state).toBe('open');
    now += 1;
    expect(breaker.state).toBe('half-open');

    await fail(); // the probe fails
    expect(breaker.state).toBe('open');
    now += 60_000;
    await expect(succeed()).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'open'],
      ['open', 'half-open'],
      ['half-open', 'closed'],
    ]);
  });

  it('lets only one probe out at a time while half-open', async () => {
    for (let i = 0; i < 3; i++) await fail();
    now += 60_000;
    let release: (v: string) => void = () => undefined;
    const probe = breaker.run(() => new Promise<string>((resolve) => (release = resolve)), isOutage);
    const refused = await succeed().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toMatchObject({ provider: 'azul', retryAfterMs: 1000, name: 'CircuitOpenError' });
    release('ok');
    await expect(probe).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });
});
