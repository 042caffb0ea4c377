import { createServer } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { waitFor } from '@platform/testing';
import type { RestartPolicy } from './backoff';
import { Supervisor, type ChildExit, type PlannedRestart, type SupervisorClock } from './supervisor';

/** Small figures so restarts happen within a test; no jitter unless a test asks for it. */
const FAST: RestartPolicy = { initialDelayMs: 20, maxDelayMs: 80, resetAfterMs: 60_000, jitterRatio: 0 };
const HTTP_CHILD = path.join(__dirname, 'test-fixtures', 'http-child.js');

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

function node(script: string) {
  return { command: process.execPath, args: ['-e', script], cwd: process.cwd(), env: process.env };
}

describe('Supervisor', () => {
  it('prefixes every output line with the padded name, keeping the line as is', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = collect(stdout);
    const err = collect(stderr);
    const exits: ChildExit[] = [];
    const supervisor = new Supervisor({
      labelWidth: 6,
      restart: { ...FAST, initialDelayMs: 60_000, maxDelayMs: 60_000 },
      onUnexpectedExit: (e) => exits.push(e),
      stdout,
      stderr,
      color: false,
    });

    supervisor.start({
      name: 'auth',
      ...node('console.log(\'{"level":30}\'); console.error("oops"); console.log("b")'),
    });
    await waitFor('the child to exit', () => exits.length === 1);
    await supervisor.stopAll(1000); // cancels the pending restart

    expect(out()).toBe('auth   | {"level":30}\nauth   | b\n');
    expect(err()).toBe('auth   | oops\n');
    expect(exits[0]).toMatchObject({ name: 'auth', code: 0, signal: null });
  });

  it('stops children with SIGTERM and kills the ones that ignore it after the grace period', async () => {
    const exits: ChildExit[] = [];
    const stdout = new PassThrough();
    const out = collect(stdout);
    const supervisor = new Supervisor({
      labelWidth: 8,
      restart: FAST,
      onUnexpectedExit: (e) => exits.push(e),
      stdout,
      color: false,
    });
    const keepAlive = 'setInterval(() => {}, 1000);';
    supervisor.start({ name: 'polite', ...node(`console.log("up"); ${keepAlive}`) });
    supervisor.start({
      name: 'stubborn',
      ...node(`process.on("SIGTERM", () => console.log("ignoring")); console.log("up"); ${keepAlive}`),
    });
    await waitFor('both children up', () => out().split('up').length === 3);

    const started = Date.now();
    await supervisor.stopAll(500);

    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(supervisor.stragglerNames()).toEqual([]);
    expect(out()).toContain('stubborn | ignoring');
    expect(exits).toEqual([]); // exits during a stop are expected ones
  });

  it('restarts a child killed with SIGKILL under a new pid while the other child keeps its pid and keeps answering', async () => {
    const exits: Array<{ exit: ChildExit; plan: PlannedRestart }> = [];
    const restarted: Array<{ name: string; pid: number | undefined }> = [];
    const supervisor = new Supervisor({
      labelWidth: 5,
      restart: FAST,
      onUnexpectedExit: (exit, plan) => exits.push({ exit, plan }),
      onRestarted: (name, pid) => restarted.push({ name, pid }),
      stdout: new PassThrough().resume(),
      color: false,
    });
    const [alphaPort, betaPort] = [await freePort(), await freePort()];
    supervisor.start(httpChild('alpha', alphaPort));
    supervisor.start(httpChild('beta', betaPort));
    try {
      const alphaBefore = await waitFor('alpha answering', () => pidAt(alphaPort));
      const betaBefore = await waitFor('beta answering', () => pidAt(betaPort));
      expect([supervisor.pid('alpha'), supervisor.pid('beta')]).toEqual([alphaBefore, betaBefore]);

      process.kill(alphaBefore, 'SIGKILL');

      const alphaAfter = await waitFor('alpha answering from a new process', async () => {
        const pid = await pidAt(alphaPort);
        return pid !== alphaBefore ? pid : undefined;
      });
      expect(supervisor.pid('alpha')).toBe(alphaAfter);
      expect(restarted).toEqual([{ name: 'alpha', pid: alphaAfter }]);
      expect(exits).toHaveLength(1);
      expect(exits[0].exit).toMatchObject({ name: 'alpha', pid: alphaBefore, code: null, signal: 'SIGKILL' });
      expect(exits[0].plan).toEqual({ attempt: 1, delayMs: 20, capped: false });
      expect(await pidAt(betaPort)).toBe(betaBefore);
      expect(supervisor.pid('beta')).toBe(betaBefore);
    } finally {
      await supervisor.stopAll(2000);
    }
    expect(exits).toHaveLength(1); // the stop itself restarted nothing
    expect([supervisor.pid('alpha'), supervisor.pid('beta')]).toEqual([undefined, undefined]);
  });

  it('keeps retrying a crash-looping child, doubling the delay up to the cap', async () => {
    const plans: PlannedRestart[] = [];
    const codes: Array<number | null> = [];
    const supervisor = new Supervisor({
      labelWidth: 5,
      restart: FAST, // 20, 40, 80, then 80 forever
      onUnexpectedExit: (exit, plan) => {
        codes.push(exit.code);
        plans.push(plan);
      },
      stdout: new PassThrough().resume(),
      color: false,
    });
    supervisor.start({ name: 'crash', ...node('process.exit(3)') });
    await waitFor('five crashes', () => plans.length >= 5);
    await supervisor.stopAll(1000);

    expect(codes.slice(0, 5)).toEqual([3, 3, 3, 3, 3]);
    expect(plans.slice(0, 5)).toEqual([
      { attempt: 1, delayMs: 20, capped: false },
      { attempt: 2, delayMs: 40, capped: false },
      { attempt: 3, delayMs: 80, capped: true },
      { attempt: 4, delayMs: 80, capped: true },
      { attempt: 5, delayMs: 80, capped: true },
    ]);
  });

  it('starts the backoff over once a child has stayed up for resetAfterMs', async () => {
    let now = 0;
    const clock: SupervisorClock = {
      now: () => now,
      schedule: (callback, ms) => {
        const timer = setTimeout(callback, ms);
        return () => clearTimeout(timer);
      },
    };
    const plans: PlannedRestart[] = [];
    const supervisor = new Supervisor({
      labelWidth: 5,
      restart: { ...FAST, resetAfterMs: 10_000 },
      onUnexpectedExit: (_exit, plan) => plans.push(plan),
      stdout: new PassThrough().resume(),
      color: false,
      clock,
    });
    supervisor.start({ name: 'svc', ...node('setInterval(() => {}, 1000)') });
    const crash = async (expectedCrashes: number, upForMs = 0) => {
      const pid = await waitFor('svc running', () => supervisor.pid('svc'));
      now += upForMs;
      process.kill(pid, 'SIGKILL');
      await waitFor(`crash ${expectedCrashes}`, () => plans.length === expectedCrashes);
    };
    try {
      await crash(1);
      await crash(2); // right after a restart: the delay doubles
      await crash(3, 10_000); // this run lasts the reset period
    } finally {
      await supervisor.stopAll(2000);
    }
    expect(plans.map((p) => [p.attempt, p.delayMs])).toEqual([
      [1, 20],
      [2, 40],
      [1, 20],
    ]);
  });

  it('never starts a child again once stopping, even when its restart was already due', async () => {
    const pending: Array<{ run: () => void; cancelled: boolean }> = [];
    const clock: SupervisorClock = {
      now: () => 0,
      schedule: (run) => {
        const entry = { run, cancelled: false };
        pending.push(entry);
        return () => (entry.cancelled = true);
      },
    };
    const restarted: string[] = [];
    const supervisor = new Supervisor({
      labelWidth: 5,
      restart: FAST,
      onUnexpectedExit: () => undefined,
      onRestarted: (name) => restarted.push(name),
      stdout: new PassThrough().resume(),
      color: false,
      clock,
    });
    supervisor.start({ name: 'crash', ...node('process.exit(1)') });
    await waitFor('a restart to be planned', () => pending.length === 1);

    await supervisor.stopAll(1000);
    pending[0].run(); // a timer that fired anyway must not start it

    expect(pending[0].cancelled).toBe(true);
    expect(restarted).toEqual([]);
    expect(supervisor.pid('crash')).toBeUndefined();
  });
});

function httpChild(name: string, port: number) {
  return {
    name,
    command: process.execPath,
    args: [HTTP_CHILD],
    cwd: __dirname,
    env: { ...process.env, CHILD_NAME: name, HTTP_PORT: String(port) },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The pid a fixture child answers with on its port. */
async function pidAt(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
  return ((await response.json()) as { pid: number }).pid;
}
