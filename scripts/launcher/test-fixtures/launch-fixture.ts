/**
 * The launcher (runLauncher) with two fixture children instead of the nine built services, for
 * scripts/launcher/launch.spec.ts:
 *
 *   ALPHA_PORT=… BETA_PORT=… node --import tsx scripts/launcher/test-fixtures/launch-fixture.ts
 *
 * The LAUNCHER_* variables configure it as they configure `npm start`.
 */
import path from 'node:path';
import { readLauncherConfig } from '../config';
import { runLauncher } from '../launch';

const CHILD = path.join(__dirname, 'http-child.js');

const children = [
  { name: 'alpha', port: Number(process.env.ALPHA_PORT) },
  { name: 'beta', port: Number(process.env.BETA_PORT) },
].map(({ name, port }) => ({
  name,
  command: process.execPath,
  args: ['-r', path.join(__dirname, '..', 'exit-with-launcher.js'), CHILD],
  cwd: __dirname,
  env: { ...process.env, CHILD_NAME: name, HTTP_PORT: String(port) },
  readyUrl: `http://127.0.0.1:${port}/health/ready`,
}));

runLauncher({
  services: children,
  labelWidth: 'launcher'.length,
  ...readLauncherConfig(process.env),
  printSummary: (services) =>
    process.stdout.write(`Platform is up: ${services.map((s) => s.name).join(', ')}\n`),
}).then((code) => process.exit(code));
