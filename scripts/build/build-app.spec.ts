/**
 * The per-app build (`npx nx build <app>` = scripts/build/build-app.ts) produces a folder that is
 * deployable on its own: only the app's code, a package.json with exactly the packages the code
 * requires, and it boots from a directory where nothing else is installed.
 *
 * Builds run in a child process: esbuild refuses to run inside Jest's VM context.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  createTestDatabase,
  createTestVhost,
  infraUrls,
  waitFor,
  type TestDatabase,
  type TestVhost,
} from '@platform/testing';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

interface Built {
  dir: string;
  files: string[];
  dependencies: Record<string, string>;
  /** The packages main.js requires, read from the emitted code itself. */
  requiredByCode: string[];
  bundledSources: string[];
}

async function buildInto(app: string, dir: string): Promise<Built> {
  await run(process.execPath, ['--import', 'tsx', 'scripts/build/build-app.ts', app, '--out-dir', dir], {
    cwd: REPO_ROOT,
  });
  const code = await readFile(path.join(dir, 'main.js'), 'utf8');
  const builtins = new Set(builtinModules);
  const requiredByCode = new Set<string>();
  for (const [, specifier] of code.matchAll(/\brequire\("([^"]+)"\)/g)) {
    if (specifier.startsWith('node:') || specifier.startsWith('.')) continue;
    const name = specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : specifier.split('/')[0];
    if (!builtins.has(name)) requiredByCode.add(name);
  }
  const map = JSON.parse(await readFile(path.join(dir, 'main.js.map'), 'utf8')) as { sources: string[] };
  return {
    dir,
    files: (await readdir(dir)).sort(),
    dependencies: (JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as Built).dependencies,
    requiredByCode: [...requiredByCode].sort(),
    // The map's paths are relative to the output folder: make them repository-relative.
    bundledSources: map.sources.map((source) => path.relative(REPO_ROOT, path.resolve(dir, source))),
  };
}

/**
 * node_modules holding ONLY the listed packages (links into the repository's install, whose own
 * dependencies then resolve as an `npm install` of them would provide). The folder lives outside the
 * repository, so nothing else is found by walking up.
 */
async function installOnly(dir: string, dependencies: Record<string, string>): Promise<void> {
  for (const name of Object.keys(dependencies)) {
    const target = path.join(dir, 'node_modules', name);
    await mkdir(path.dirname(target), { recursive: true });
    await symlink(path.join(REPO_ROOT, 'node_modules', name), target, 'dir');
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** `node main.js` in the built folder, as the image runs it, with the env the launcher would give. */
async function boot(
  built: Built,
  database: TestDatabase,
  vhost: TestVhost,
): Promise<{ port: number; child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--enable-source-maps', 'main.js'], {
    cwd: built.dir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      DATABASE_URL: database.appUrl,
      DATABASE_MIGRATIONS_URL: database.url,
      DATABASE_SYSTEM_URL: database.systemUrl,
      AMQP_URL: vhost.url,
      REDIS_URL: infraUrls().redis,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { port, child, output: () => output };
}

/** SIGTERM, as the orchestrator sends it; resolves with how the process ended. */
async function stop(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return { code: child.exitCode, signal: child.signalCode };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.kill('SIGTERM');
  return exited;
}

/** Source files of apps other than `app` (and of the test kit) that ended up in the bundle. */
function foreignSources(built: Built, app: string): string[] {
  return built.bundledSources.filter(
    (file) =>
      (file.startsWith('apps/') && !file.startsWith(`apps/${app}/`)) || file.startsWith('libs/testing/'),
  );
}

describe('per-app build (scripts/build/build-app.ts)', () => {
  let workDir: string;
  const built: Record<string, Built> = {};

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'app-build-'));
    for (const app of ['analytics', 'auth']) built[app] = await buildInto(app, path.join(workDir, app));
  }, 60_000);

  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it.each(['analytics', 'auth'])(
    '%s: the output holds one bundle, its map and package.json, and only its own code',
    (app) => {
      const output = built[app];
      expect(output.files).toEqual(['main.js', 'main.js.map', 'package.json']);
      expect(output.bundledSources).toContain(`apps/${app}/src/main.ts`);
      expect(output.bundledSources.some((file) => file.startsWith('libs/platform/bootstrap/src/'))).toBe(
        true,
      );
      expect(foreignSources(output, app)).toEqual([]);
    },
  );

  it.each(['analytics', 'auth'])('%s: package.json lists exactly the packages main.js requires', (app) => {
    const output = built[app];
    expect(Object.keys(output.dependencies).sort()).toEqual(output.requiredByCode);
  });

  it('versions come from the root package.json; auth keeps its native and auth-only packages, analytics has none of them', async () => {
    const root = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const output of Object.values(built)) {
      for (const [name, version] of Object.entries(output.dependencies))
        expect(version).toBe(root.dependencies[name]);
    }
    const authOnly = ['argon2', 'jose', 'nodemailer', 'openid-client', 'otplib'];
    expect(Object.keys(built.auth.dependencies)).toEqual(expect.arrayContaining(authOnly));
    for (const name of [...authOnly, 'swagger-ui-dist', '@fastify/helmet', 'fastify']) {
      expect(built.analytics.dependencies).not.toHaveProperty(name);
    }
    // Tooling never reaches a service image.
    for (const name of ['tsconfig-paths', 'typescript', 'jest', 'nx']) {
      expect(built.auth.dependencies).not.toHaveProperty(name);
    }
    // argon2 is a native addon: required at run time, never inlined.
    expect(built.auth.bundledSources.some((file) => file.includes('node_modules'))).toBe(false);
  });

  describe.each(['analytics', 'auth'])('%s booted from its output with nothing else installed', (app) => {
    let database: TestDatabase;
    let vhost: TestVhost;
    let child: ChildProcess | undefined;

    beforeAll(async () => {
      [database, vhost] = await Promise.all([
        createTestDatabase(`build_${app}`),
        createTestVhost(`build_${app}`),
      ]);
    });

    afterAll(async () => {
      if (child) await stop(child);
      await Promise.all([database?.drop(), vhost?.delete()]);
    });

    it('answers /health/ready 200 and stops on SIGTERM', async () => {
      const output = built[app];
      await installOnly(output.dir, output.dependencies);
      expect(existsSync(path.join(output.dir, '..', 'node_modules'))).toBe(false);

      const started = await boot(output, database, vhost);
      child = started.child;
      const ready = await waitFor(
        `${app} /health/ready`,
        async () => {
          if (started.child.exitCode !== null)
            throw new Error(`exited ${started.child.exitCode}: ${started.output()}`);
          const response = await fetch(`http://127.0.0.1:${started.port}/health/ready`);
          return response.status === 200 ? response : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n--- service output ---\n${started.output()}`);
      });
      expect(ready.status).toBe(200);

      // Nest's shutdown hooks close the app, then re-raise the signal: a clean stop ends by SIGTERM.
      child = undefined;
      expect(await stop(started.child)).toEqual({ code: null, signal: 'SIGTERM' });
    }, 45_000);
  });
});
