/**
 * Runs the nine built services (dist/) as one foreground process group, for `npm start`.
 *
 *   node --import tsx scripts/launcher/run-all.ts     (or: npx tsx scripts/launcher/run-all.ts)
 *
 * Loads `.env` (set variables win), starts every service with its own HTTP_PORT / DATABASE_URL,
 * waits for every /health/ready, then prints where the platform answers. Ctrl+C (SIGINT) or
 * SIGTERM stops everything (exit 0); a service that dies on its own stops everything (exit 1).
 *
 *   LAUNCHER_READY_TIMEOUT_MS   how long to wait for every /health/ready (default 60000)
 *   LAUNCHER_STOP_TIMEOUT_MS    grace period between SIGTERM and SIGKILL (default 10000)
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadDotenv, resolveService, type ResolvedService } from './env';
import { waitUntilReady } from './health';
import { SERVICES } from './services';
import { Supervisor, type ChildExit } from './supervisor';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const REGISTER_PATHS = path.join(REPO_ROOT, 'scripts', 'runtime', 'register-paths.js');
const LABEL_WIDTH = Math.max('launcher'.length, ...SERVICES.map((s) => s.name.length));

const log = (message: string) => process.stdout.write(`${'launcher'.padEnd(LABEL_WIDTH)} | ${message}\n`);
const logError = (message: string) =>
  process.stderr.write(`${'launcher'.padEnd(LABEL_WIDTH)} | error: ${message}\n`);

function entryPoint(name: string): string {
  return path.join(REPO_ROOT, 'dist', 'apps', name, 'src', 'main.js');
}

function positiveInt(value: string | undefined, fallback: number, variable: string): number {
  if (!value) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`${variable} must be a positive integer`);
  return parsed;
}

function probeHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function printSummary(services: readonly ResolvedService[]): void {
  const gateway = services.find((s) => s.name === 'gateway');
  const rows = services.map(
    (s) => `  ${s.name.padEnd(LABEL_WIDTH)}  ${String(s.port).padEnd(5)}  ${s.database ?? '-'}`,
  );
  process.stdout.write(
    [
      '',
      `Platform is up: gateway at http://localhost:${gateway?.port ?? '?'}`,
      '',
      `  ${'service'.padEnd(LABEL_WIDTH)}  ${'port'.padEnd(5)}  database`,
      ...rows,
      '',
      'Each backend answers /health/live, /health/ready and /metrics on its port; the gateway serves',
      `/health/live publicly and /health/ready and /metrics on http://127.0.0.1:${gateway?.readinessPort ?? '?'}. Ctrl+C stops everything.`,
      '',
    ].join('\n'),
  );
}

async function main(): Promise<number> {
  const loaded = loadDotenv(path.join(REPO_ROOT, '.env'));
  if (loaded.length) log(`loaded ${loaded.length} variables from .env`);

  const readyTimeout = positiveInt(
    process.env.LAUNCHER_READY_TIMEOUT_MS,
    60_000,
    'LAUNCHER_READY_TIMEOUT_MS',
  );
  const stopTimeout = positiveInt(process.env.LAUNCHER_STOP_TIMEOUT_MS, 10_000, 'LAUNCHER_STOP_TIMEOUT_MS');
  const services = SERVICES.map((service) => resolveService(service, process.env));

  const missing = services.map((s) => entryPoint(s.name)).filter((file) => !existsSync(file));
  if (missing.length) {
    logError(
      `not built: ${missing.map((f) => path.relative(REPO_ROOT, f)).join(', ')} (run \`npm run build\`)`,
    );
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
    await supervisor.stopAll(stopTimeout);
    const stragglers = supervisor.stragglerNames();
    if (stragglers.length) logError(`still running after SIGKILL: ${stragglers.join(', ')}`);
    settle(code);
  };

  const supervisor = new Supervisor({
    labelWidth: LABEL_WIDTH,
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
      command: process.execPath,
      args: ['--enable-source-maps', '-r', REGISTER_PATHS, entryPoint(service.name)],
      cwd: REPO_ROOT,
      env: service.env,
    });
  }
  log(`started ${services.length} services; waiting for /health/ready (up to ${readyTimeout / 1000} s)`);

  const startedAt = Date.now();
  void Promise.allSettled(
    services.map(async (service) => {
      // The gateway's internal port listens on loopback (GATEWAY_INTERNAL_HOST) unless told otherwise.
      const host = service.readinessPort === service.port ? probeHost(service.host) : '127.0.0.1';
      const url = `http://${host}:${service.readinessPort}/health/ready`;
      await waitUntilReady({ name: service.name, url }, readyTimeout, readiness.signal);
      log(`${service.name} ready (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
    }),
  ).then((results) => {
    if (shuttingDown) return;
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failures.length) return printSummary(services);
    for (const failure of failures)
      logError(String(failure.reason instanceof Error ? failure.reason.message : failure.reason));
    void shutdown(1, 'the platform did not become ready');
  });

  return finished;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    logError(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
