/**
 * The processes of the edge benchmark: each a plain `node` child running repository sources through
 * register-ts.js, on a private RabbitMQ vhost, Redis key prefix and PostgreSQL database (the suites'
 * isolation helpers), all removed again by `stop()`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  createTestDatabase,
  databaseEnv,
  type TestDatabase,
} from '../../libs/testing/src/postgres/test-database';
import { createTestRedis, type TestRedis } from '../../libs/testing/src/redis/test-redis';
import { createTestVhost, type TestVhost } from '../../libs/testing/src/rabbitmq/test-vhost';
import type { ChildReady } from './child';

const REGISTER_TS = path.join(__dirname, 'register-ts.js');
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

export interface BenchProcess {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** Sends `message` and waits for the child's acknowledgement. */
  tell(message: object): Promise<void>;
}

export interface ProcessOptions {
  /** Directory for `--cpu-prof` profiles of the processes named in `profile`. */
  profileDir?: string;
  profile?: readonly string[];
}

export class BenchPlatform {
  private readonly processes: BenchProcess[] = [];
  private vhost?: TestVhost;
  private redis?: TestRedis;
  private database?: TestDatabase;
  private env: Record<string, string> = {};

  constructor(private readonly options: ProcessOptions = {}) {}

  /** The isolated infrastructure and the env every child shares (`npm start` defaults otherwise). */
  async prepare(extraEnv: Record<string, string>): Promise<void> {
    [this.vhost, this.redis, this.database] = await Promise.all([
      createTestVhost('bench'),
      createTestRedis('bench'),
      createTestDatabase('bench_auth'),
    ]);
    this.env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'development',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      AMQP_URL: this.vhost.url,
      REDIS_URL: this.redis.url,
      // Signs the principal of stream routes (gateway) and verifies it (services), as `npm start` does.
      EDGE_PRINCIPAL_SECRET: randomBytes(32).toString('base64url'),
      ...(process.env.BENCH_TRACE ? { BENCH_TRACE: process.env.BENCH_TRACE } : {}),
      ...extraEnv,
    };
  }

  get redisKeyPrefix(): string {
    if (!this.redis) throw new Error('prepare() first');
    return this.redis.keyPrefix;
  }

  bareFastify(): Promise<BenchProcess> {
    return this.start('bare-fastify', 'bare-fastify.process.ts', {});
  }

  gateway(env: Record<string, string>): Promise<BenchProcess> {
    return this.start('gateway', 'gateway.process.ts', { GATEWAY_INTERNAL_PORT: '0', ...env });
  }

  auth(env: Record<string, string> = {}): Promise<BenchProcess> {
    if (!this.database) throw new Error('prepare() first');
    return this.start('auth', 'auth.process.ts', { ...databaseEnv(this.database), ...env });
  }

  private start(name: string, file: string, env: Record<string, string>): Promise<BenchProcess> {
    const execArgv = ['-r', REGISTER_TS];
    if (this.options.profileDir && this.options.profile?.includes(name)) {
      mkdirSync(this.options.profileDir, { recursive: true });
      execArgv.push(
        '--cpu-prof',
        `--cpu-prof-dir=${this.options.profileDir}`,
        `--cpu-prof-name=${name}.cpuprofile`,
      );
    }
    const child = fork(path.join(__dirname, file), [], {
      execArgv,
      env: { ...this.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start in ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} while starting`)));
      child.on('message', (message: ChildReady) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        const started: BenchProcess = {
          name,
          url: message.url,
          pid: child.pid!,
          child,
          tell: (payload) =>
            new Promise((acknowledged) => {
              child.once('message', () => acknowledged());
              child.send(payload);
            }),
        };
        this.processes.push(started);
        resolve(started);
      });
    });
  }

  /** Stops the children (SIGTERM, then SIGKILL after a grace period) and removes the infrastructure. */
  async stop(): Promise<void> {
    await Promise.all(
      this.processes
        .splice(0)
        .reverse()
        .map(({ child }) => stopChild(child)),
    );
    await Promise.all([
      this.vhost?.delete().catch(() => undefined),
      this.redis?.cleanup().catch(() => undefined),
      this.database?.drop().catch(() => undefined),
    ]);
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
