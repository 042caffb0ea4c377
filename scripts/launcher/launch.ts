/**
 * The launcher's orchestration, independent of which services it runs: start every service under
 * one Supervisor, wait for each /health/ready, print the summary, and stop everything on SIGINT or
 * SIGTERM. run-all.ts feeds it the nine built services; the tests feed it small fixture processes.
 */
import { waitUntilReady } from './health';
import { Supervisor, type ChildExit } from './supervisor';

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
  /** Printed once every service answered ready. */
  readonly printSummary: (services: readonly S[]) => void;
}

/** Runs until stopped; resolves with the exit code the launcher should end with. */
export async function runLauncher<S extends LaunchedService>(options: LaunchOptions<S>): Promise<number> {
  const { services, labelWidth, readyTimeoutMs, stopTimeoutMs } = options;
  const log = (message: string) => process.stdout.write(`${'launcher'.padEnd(labelWidth)} | ${message}\n`);
  const logError = (message: string) =>
    process.stderr.write(`${'launcher'.padEnd(labelWidth)} | error: ${message}\n`);

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

  const supervisor = new Supervisor({
    labelWidth,
    onUnexpectedExit: (exit: ChildExit) => {
      const how = exit.error
        ? `failed to start (${exit.error.message})`
        : exit.signal
          ? `was killed by ${exit.signal}`
          : `exited with code ${exit.code}`;
      logError(`${exit.name} ${how}`);
      void shutdown(1, `${exit.name} stopped unexpectedly`);
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
      await waitUntilReady({ name: service.name, url: service.readyUrl }, readyTimeoutMs, readiness.signal);
      log(`${service.name} ready (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
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
