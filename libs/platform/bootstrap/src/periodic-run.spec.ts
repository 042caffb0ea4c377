import { PeriodicRun } from './periodic-run';

/** A pass the test finishes by hand, counting how often it started. */
function controlledPass() {
  let finish: () => void = () => undefined;
  const state = { started: 0 };
  const pass = () => {
    state.started += 1;
    return new Promise<void>((resolve) => (finish = resolve));
  };
  return { state, pass, finish: () => finish() };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('PeriodicRun.trigger', () => {
  it('runs a pass at once, without waiting for the interval', async () => {
    const { state, pass, finish } = controlledPass();
    const run = new PeriodicRun(pass, () => undefined);
    run.start(3_600_000);
    run.trigger();
    expect(state.started).toBe(1);
    finish();
    await run.stop();
  });

  it('during a pass asks for exactly one more right after it, however often it is called', async () => {
    const { state, pass, finish } = controlledPass();
    const run = new PeriodicRun(pass, () => undefined);
    run.start(3_600_000);
    run.trigger();
    run.trigger();
    run.trigger();
    expect(state.started).toBe(1);
    finish();
    await settled();
    expect(state.started).toBe(2);
    finish();
    await settled();
    expect(state.started).toBe(2);
    await run.stop();
  });

  it('after stop() runs nothing more, and stop() waits for the pass in flight', async () => {
    const { state, pass, finish } = controlledPass();
    const run = new PeriodicRun(pass, () => undefined);
    run.start(3_600_000);
    run.trigger();
    run.trigger();
    let stopped = false;
    const stopping = run.stop().then(() => (stopped = true));
    await settled();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(state.started).toBe(1);
    run.trigger();
    expect(state.started).toBe(1);
  });
});
