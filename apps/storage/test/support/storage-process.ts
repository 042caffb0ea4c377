import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createTestDatabase,
  createTestRedis,
  createTestVhost,
  databaseEnv,
  waitFor,
} from '@platform/testing';

export interface StorageProcess {
  pid: number;
  url: string;
  /** Current resident set size (VmRSS) of the storage process, in bytes. */
  rssBytes(): Promise<number>;
  /** Peak resident set size (VmHWM) since the process started, in bytes. */
  peakRssBytes(): Promise<number>;
  stop(): Promise<void>;
}

async function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]) * 1024;
}

/**
 * The storage service in a child process of its own (fresh database, vhost and Redis prefix), so a
 * test can read that process's memory from /proc (Linux) without the test runner's in it.
 */
export async function startStorageProcess(env: Record<string, string>): Promise<StorageProcess> {
  const [database, vhost, redis] = await Promise.all([
    createTestDatabase('storage_proc'),
    createTestVhost('storage_proc'),
    createTestRedis('storage_proc'),
  ]);
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'storage-child.js')], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      ...databaseEnv(database),
      AMQP_URL: vhost.url,
      REDIS_URL: redis.url,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let port: number | null = null;
  child.stdout!.on('data', (data: Buffer) => {
    output = (output + data.toString()).slice(-20_000);
    const match = /"port":(\d+)[^\n]*storage listening/.exec(output);
    if (match) port = Number(match[1]);
  });
  child.stderr!.on('data', (data: Buffer) => (output = (output + data.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanup = async () => {
    await Promise.allSettled([database.drop(), vhost.delete(), redis.cleanup()]);
  };
  try {
    await waitFor(
      'the storage process to listen',
      () => {
        if (child.exitCode !== null)
          throw new Error(`storage exited ${child.exitCode}: ${output.slice(-2000)}`);
        return port;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  } catch (error) {
    child.kill('SIGKILL');
    await cleanup();
    throw new Error(`${(error as Error).message}\n${output.slice(-3000)}`);
  }
  const pid = child.pid!;
  return {
    pid,
    url: `http://127.0.0.1:${port}`,
    rssBytes: () => procStatusBytes(pid, 'VmRSS'),
    peakRssBytes: () => procStatusBytes(pid, 'VmHWM'),
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      await cleanup();
    },
  };
}
