/**
 * The launcher as `npm start` runs it (runLauncher in its own process, real child processes, real
 * signals), with two fixture services (test-fixtures/http-child.js) in place of the nine built ones.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { waitFor } from '@platform/testing';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(__dirname, 'test-fixtures', 'launch-fixture.ts');

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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Launched {
  readonly process: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function launch(env: Record<string, string>): Launched {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, output: () => text, exited };
}

describe('launcher (npm start) with real child processes', () => {
  let launched: Launched | undefined;

  afterEach(async () => {
    // A failed assertion must not leave the launcher (and its children) running.
    if (launched && launched.process.exitCode === null && launched.process.signalCode === null) {
      launched.process.kill('SIGKILL');
      await launched.exited;
    }
    launched = undefined;
  });

  it('restarts a service killed with SIGKILL under a new pid while the other keeps its pid and keeps answering; SIGTERM then stops all and exits 0', async () => {
    const alphaPort = await freePort();
    const betaPort = await freePort();
    launched = launch({
      ALPHA_PORT: String(alphaPort),
      BETA_PORT: String(betaPort),
      LAUNCHER_RESTART_INITIAL_DELAY_MS: '100',
      LAUNCHER_RESTART_MAX_DELAY_MS: '400',
      LAUNCHER_RESTART_RESET_AFTER_MS: '10000',
      LAUNCHER_STOP_TIMEOUT_MS: '3000',
    });
    const { output } = launched;
    await waitFor('the launcher to report the platform up', () => output().includes('Platform is up'), {
      timeoutMs: 20_000,
    });
    const alphaBefore = await pidAt(alphaPort);
    const betaBefore = await pidAt(betaPort);

    // beta is polled all along: it must answer every request, always from the same process.
    const betaPids: number[] = [];
    const betaErrors: string[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        await pidAt(betaPort).then(
          (pid) => betaPids.push(pid),
          (error: Error) => betaErrors.push(error.message),
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    let alphaAfter: number;
    try {
      process.kill(alphaBefore, 'SIGKILL');

      alphaAfter = await waitFor('alpha answering from a new process', async () => {
        const pid = await pidAt(alphaPort);
        return pid !== alphaBefore ? pid : undefined;
      });
      await waitFor('the launcher to report alpha ready again', () =>
        output().includes('launcher | alpha is ready again'),
      );
    } finally {
      // Also when a wait above fails: a poller left running would keep Jest from exiting.
      polling = false;
      await poller;
    }

    expect(alphaAfter).not.toBe(alphaBefore);
    expect(isAlive(alphaBefore)).toBe(false);
    expect(betaErrors).toEqual([]);
    expect(betaPids.length).toBeGreaterThan(0);
    expect(new Set(betaPids)).toEqual(new Set([betaBefore]));
    expect(launched.process.exitCode).toBeNull(); // the launcher kept running
    expect(output()).not.toContain('stopping all services');
    expect(output()).toMatch(
      new RegExp(
        `launcher \\| error: alpha \\(pid ${alphaBefore}\\) was killed by SIGKILL after \\d+\\.\\d s; restart 1 in 0\\.\\d s`,
      ),
    );
    expect(output()).toContain(`launcher | alpha restarted (pid ${alphaAfter})`);

    launched.process.kill('SIGTERM');
    const { code, signal } = await launched.exited;

    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(output()).toContain('launcher | received SIGTERM; stopping all services');
    // The children it stopped were not restarted, and nothing answers on their ports.
    expect(output().split('received SIGTERM')[1]).not.toContain('restart');
    expect(isAlive(alphaAfter)).toBe(false);
    expect(isAlive(betaBefore)).toBe(false);
    await expect(pidAt(alphaPort)).rejects.toThrow();
    await expect(pidAt(betaPort)).rejects.toThrow();
  });

  it('takes its children down when it is killed itself (SIGKILL): no orphan keeps a port', async () => {
    const alphaPort = await freePort();
    const betaPort = await freePort();
    launched = launch({ ALPHA_PORT: String(alphaPort), BETA_PORT: String(betaPort) });
    const { output } = launched;
    await waitFor('the launcher to report the platform up', () => output().includes('Platform is up'), {
      timeoutMs: 20_000,
    });
    const pids = [await pidAt(alphaPort), await pidAt(betaPort)];

    launched.process.kill('SIGKILL');
    await launched.exited;

    try {
      await waitFor('both children to be gone', () => pids.every((pid) => !isAlive(pid)));
    } finally {
      for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL'); // no orphan outlives the test
    }
    await expect(pidAt(alphaPort)).rejects.toThrow();
    await expect(pidAt(betaPort)).rejects.toThrow();
  });

  it('refuses to start when something already answers on a service port (exit 1, naming it)', async () => {
    const alphaPort = await freePort();
    const betaPort = await freePort();
    const squatter = createHttpServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => squatter.listen(alphaPort, '127.0.0.1', resolve));
    try {
      launched = launch({ ALPHA_PORT: String(alphaPort), BETA_PORT: String(betaPort) });
      const { code } = await launched.exited;

      expect(code).toBe(1);
      expect(launched.output()).toContain(
        `launcher | error: something already answers on http://127.0.0.1:${alphaPort}/health/ready, the address of alpha`,
      );
      expect(launched.output()).not.toContain('Platform is up');
      await expect(pidAt(betaPort)).rejects.toThrow(); // nothing was started
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
