import { PeriodicTask } from './periodic-task';

/** A task whose passes the test counts and finishes by hand. */
class CountingTask extends PeriodicTask {
  passes = 0;
  failures: unknown[] = [];
  private finish: () => void = () => undefined;

  constructor(
    private readonly every: number,
    private readonly fail = false,
  ) {
    super();
  }

  endPass(): void {
    this.finish();
  }

  askNow(): void {
    this.runSoon();
  }

  protected runPass(): Promise<void> {
    this.passes += 1;
    return new Promise<void>((resolve, reject) => {
      this.finish = () => (this.fail ? reject(new Error('pass failed')) : resolve());
    });
  }

  protected intervalMs(): number {
    return this.every;
  }

  protected passFailed(error: unknown): void {
    this.failures.push(error);
  }
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('PeriodicTask', () => {
  it('with an interval of 0 never starts, not even when asked', async () => {
    const task = new CountingTask(0);
    task.onApplicationBootstrap();
    task.askNow();
    expect(task.passes).toBe(0);
    await task.onApplicationShutdown();
  });

  it('runs a pass when asked, reports a failed one to the subclass, and shutdown waits for the pass in flight', async () => {
    const task = new CountingTask(3_600_000, true);
    task.onApplicationBootstrap();
    task.askNow();
    expect(task.passes).toBe(1);
    let down = false;
    const shutdown = task.onApplicationShutdown().then(() => (down = true));
    await settled();
    expect(down).toBe(false);
    task.endPass();
    await shutdown;
    expect(task.failures).toEqual([new Error('pass failed')]);
  });
});
