/**
 * BENCH_TRACE (bench/edge.ts): timestamps of one benchmark process's socket reads and writes and of
 * named points of the request path, on the machine's monotonic clock (`process.hrtime`, shared by
 * every process), written on exit to bench/.traces/<name>.json; analyze-traces.ts merges them. Only
 * the benchmark's child processes install it; the services' code has no trace points.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const labels: string[] = [];
const times: bigint[] = [];

export function point(label: string): void {
  if (labels.length > 2_000_000) return;
  labels.push(label);
  times.push(process.hrtime.bigint());
}

function peer(socket: net.Socket): string {
  const local = socket.localPort;
  const remote = socket.remotePort;
  if (remote === 5672) return 'amqp';
  if (remote === 5432) return 'pg';
  if (remote === 6379) return 'redis';
  return `http:${remote ?? '?'}>${local ?? '?'}`;
}

/** Records `start` when `proto[method]` is called and, if it returns a promise, `end` when that settles. */
export function tracePointAround(proto: object, method: string, start: string, end?: string): void {
  const target = proto as Record<string, (...args: unknown[]) => unknown>;
  const original = target[method];
  if (typeof original !== 'function') throw new Error(`no method ${method} to trace`);
  target[method] = function (this: unknown, ...args: unknown[]) {
    point(start);
    const result = original.apply(this, args);
    if (end && result instanceof Promise) return result.finally(() => point(end));
    return result;
  };
}

/** Socket reads (`read amqp`, `read pg`, …) and writes (`write http:… v` for a writev) of this process. */
export function installTracePoints(name: string): void {
  const proto = net.Socket.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const writeGeneric = proto._writeGeneric;
  proto._writeGeneric = function (this: net.Socket, ...args: unknown[]) {
    point(`write ${peer(this)}${args[0] ? ' v' : ''}`);
    return writeGeneric.apply(this, args);
  };
  const push = proto.push;
  proto.push = function (this: net.Socket, ...args: unknown[]) {
    if (args[0] !== null) point(`read ${peer(this)}`);
    return push.apply(this, args);
  };
  process.on('exit', () => {
    const dir = path.join(__dirname, '..', '.traces');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, `${name}.json`),
      JSON.stringify({ labels, times: times.map(String) }),
    );
  });
}
