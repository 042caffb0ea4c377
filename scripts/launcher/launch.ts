/**
 * The launcher's orchestration, independent of which services it runs: start every service under
 * one Supervisor, wait for each /health/ready, print the summary, restart a service that dies on
 * its own (with backoff, while the others keep serving) and wait for it to be ready again, and stop
 * everything on SIGINT or SIGTERM. run-all.ts feeds it the nine built services; the tests feed it
 * small fixture processes.
 */
import type { RestartPolicy } from './backoff';
import { waitUntilReady } from './health';
import { Supervisor, type ChildExit, type PlannedRestart } from './supervisor';

export interface LaunchedService {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
  /** GET target that answers 2xx once the service is ready. */
  readonly readyUrl: string;
}

export interface LaunchOptions<S extends LaunchedService> {
  readonly services: readonly S[];
  readonly labelWidth: number;
  readonly readyTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly restart: RestartPolicy;
  /** Printed once every service answered ready. */
  readonly printSummary: (services: readonly S[]) => void;
}

/** Runs until stopped; resolves with the exit code the launcher should end with. */
export async function runLauncher<S extends LaunchedService>(options: LaunchOptions<S>): Promise<number> {
  const { services, labelWidth, readyTimeoutMs, stopTimeoutMs, restart } = options;
  const log = (message: string) => process.stdout.write(`${'launcher'.padEnd(labelWidth)} | ${message}\n`);
  const logError = (message: string) =>
    process.stderr.write(`${'launcher'.padEnd(labelWidth)} | error: ${message}\n`);

  // A port taken by another process (a platform still running elsewhere) would make that service
  // crash-loop while its readiness check got answers from the other process: refuse to start.
  const inUse = await Promise.all(services.map((s) => answers(s.readyUrl)));
  const taken = services.filter((_s, i) => inUse[i]);
  if (taken.length) {
    for (const s of taken) logError(`something already answers on ${s.readyUrl}, the address of ${s.name}`);
    logError('stop what runs there (another `npm start`?) or choose other ports (see .env.example)');
    return 1;
  }

  let settle: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (settle = resolve));
  const readiness = new AbortController();
  let shuttingDown = false;

  const shutdown = async (code: number, reason: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    readiness.abort();
    log(`${reason}; stopping all services`);
    await supervisor.stopAll(stopTimeoutMs);
    const stragglers = supervisor.stragglerNames();
    if (stragglers.length) logError(`still running after SIGKILL: ${stragglers.join(', ')}`);
    settle(code);
  };

  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const crashes = new Map<string, number>();
  /** Services that answered ready once: after a restart the launcher waits for them again. */
  const wasReady = new Set<string>();
  const reReadiness = new Map<string, AbortController>();

  const waitUntilReadyAgain = (service: S, pid: number | undefined) => {
    reReadiness.get(service.name)?.abort();
    const own = new AbortController();
    reReadiness.set(service.name, own);
    const restartedAt = Date.now();
    const signal = AbortSignal.any([readiness.signal, own.signal]);
    waitUntilReady({ name: service.name, url: service.readyUrl }, readyTimeoutMs, signal).then(
      () =>
        log(
          `${service.name} is ready again (pid ${pid}, ${seconds(Date.now() - restartedAt)} after restart)`,
        ),
      (error: Error) => {
        if (signal.aborted) return; // shutting down, or restarted again (a newer wait runs)
        logError(`${error.message}; it stays supervised (restarted when it exits)`);
      },
    );
  };

  const supervisor = new Supervisor({
    labelWidth,
    restart,
    onUnexpectedExit: (exit: ChildExit, plan: PlannedRestart) => {
      crashes.set(exit.name, (crashes.get(exit.name) ?? 0) + 1);
      const how = exit.error
        ? `failed to start (${exit.error.message})`
        : `${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`} after ${seconds(exit.uptimeMs)}`;
      logError(
        `${exit.name} (pid ${exit.pid ?? '-'}) ${how}; restart ${plan.attempt} in ${seconds(plan.delayMs)}`,
      );
      if (plan.capped && plan.attempt > 1) {
        logError(
          `${exit.name} keeps crashing (${plan.attempt} times in a row): retrying about every ` +
            `${seconds(restart.maxDelayMs)} until it stays up ${seconds(restart.resetAfterMs)}; ` +
            'the other services keep running (Ctrl+C stops everything)',
        );
      }
    },
    onRestarted: (name, pid) => {
      log(`${name} restarted (pid ${pid ?? '-'})`);
      const service = services.find((s) => s.name === name);
      if (service && wasReady.has(name) && !shuttingDown) waitUntilReadyAgain(service, pid);
    },
  });

  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts > 1) {
      log(`${signal} again: killing all services now`);
      supervisor.killAll();
      settle(0);
      return;
    }
    void shutdown(0, `received ${signal}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  for (const service of services) {
    supervisor.start({
      name: service.name,
      command: service.command,
      args: service.args,
      cwd: service.cwd,
      env: service.env,
    });
  }
  log(`started ${services.length} services; waiting for /health/ready (up to ${readyTimeoutMs / 1000} s)`);

  const startedAt = Date.now();
  void Promise.allSettled(
    services.map(async (service) => {
      try {
        await waitUntilReady({ name: service.name, url: service.readyUrl }, readyTimeoutMs, readiness.signal);
      } catch (error) {
        const crashed = crashes.get(service.name);
        // A service that crash-loops at start is named as such, not only as "not ready".
        if (crashed && error instanceof Error && !readiness.signal.aborted)
          error.message += ` after crashing ${crashed} time${crashed > 1 ? 's' : ''}`;
        throw error;
      }
      wasReady.add(service.name);
      log(`${service.name} ready (${seconds(Date.now() - startedAt)})`);
    }),
  ).then((results) => {
    if (shuttingDown) return;
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failures.length) return options.printSummary(services);
    for (const failure of failures)
      logError(String(failure.reason instanceof Error ? failure.reason.message : failure.reason));
    void shutdown(1, 'the platform did not become ready');
  });

  return finished;
}

/** Whether anything accepts a connection at `url` (any HTTP answer counts). */
async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}
