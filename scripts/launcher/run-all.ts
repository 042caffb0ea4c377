/**
 * Runs the nine built services (dist/) as one foreground process group, for `npm start`.
 *
 *   node --import tsx scripts/launcher/run-all.ts     (or: npx tsx scripts/launcher/run-all.ts)
 *
 * Loads `.env` (set variables win), starts every service with its own HTTP_PORT / DATABASE_URL,
 * waits for every /health/ready, then prints where the platform answers. A service that dies on its
 * own is restarted with exponential backoff while the others keep serving; Ctrl+C (SIGINT) or
 * SIGTERM stops everything (exit 0). Exit 1 when the platform is not ready within the timeout.
 *
 *   LAUNCHER_READY_TIMEOUT_MS           how long to wait for /health/ready (default 60000)
 *   LAUNCHER_STOP_TIMEOUT_MS            grace period between SIGTERM and SIGKILL (default 10000)
 *   LAUNCHER_RESTART_INITIAL_DELAY_MS   first restart delay after a crash (default 1000)
 *   LAUNCHER_RESTART_MAX_DELAY_MS       cap of the doubling restart delay (default 30000)
 *   LAUNCHER_RESTART_RESET_AFTER_MS     uptime after which the delay starts over (default 60000)
 *   LAUNCHER_RESTART_JITTER             fraction of each delay taken off at random (default 0.2)
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readLauncherConfig } from './config';
import { loadDotenv, resolveService, withLaunchSecrets, type ResolvedService } from './env';
import { runLauncher } from './launch';
import { SERVICES } from './services';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const REGISTER_PATHS = path.join(REPO_ROOT, 'scripts', 'runtime', 'register-paths.js');
const EXIT_WITH_LAUNCHER = path.join(__dirname, 'exit-with-launcher.js');
const LABEL_WIDTH = Math.max('launcher'.length, ...SERVICES.map((s) => s.name.length));

const log = (message: string) => process.stdout.write(`${'launcher'.padEnd(LABEL_WIDTH)} | ${message}\n`);
const logError = (message: string) =>
  process.stderr.write(`${'launcher'.padEnd(LABEL_WIDTH)} | error: ${message}\n`);

function entryPoint(name: string): string {
  return path.join(REPO_ROOT, 'dist', 'apps', name, 'src', 'main.js');
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

  const config = readLauncherConfig(process.env);
  const env = withLaunchSecrets(process.env);
  const services = SERVICES.map((service) => resolveService(service, env));

  const missing = services.map((s) => entryPoint(s.name)).filter((file) => !existsSync(file));
  if (missing.length) {
    logError(
      `not built: ${missing.map((f) => path.relative(REPO_ROOT, f)).join(', ')} (run \`npm run build\`)`,
    );
    return 1;
  }

  const targets = services.map((service) => ({
    ...service,
    command: process.execPath,
    args: ['--enable-source-maps', '-r', REGISTER_PATHS, '-r', EXIT_WITH_LAUNCHER, entryPoint(service.name)],
    cwd: REPO_ROOT,
    // The gateway's readiness is on its internal port, which listens on loopback (GATEWAY_INTERNAL_HOST)
    // unless told otherwise.
    readyUrl:
      service.readinessPort === service.port
        ? `http://${probeHost(service.host)}:${service.port}/health/ready`
        : `http://127.0.0.1:${service.readinessPort}/health/ready`,
  }));
  return runLauncher({
    services: targets,
    labelWidth: LABEL_WIDTH,
    ...config,
    printSummary,
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    logError(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
