/**
 * Runs child processes, prefixes each output line with the child's padded name, restarts a child
 * that exits on its own (exponential backoff, see backoff.ts), and stops them all: SIGTERM, a grace
 * period, then SIGKILL for stragglers. A child that exits while the supervisor is stopping, or whose
 * restart is still pending when it stops, is never started again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { atCap, restartDelayMs, type RestartPolicy } from './backoff';

export interface ChildSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
}

export interface ChildExit {
  readonly name: string;
  /** Undefined when the process could not be spawned at all. */
  readonly pid: number | undefined;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: Error;
  /** How long this process ran. */
  readonly uptimeMs: number;
}

export interface PlannedRestart {
  /** Restarts in a row without a stable run in between (1 = first after a stable run). */
  readonly attempt: number;
  readonly delayMs: number;
  /** The delay has reached the cap: the child is crash-looping and retried at the capped interval. */
  readonly capped: boolean;
}

/** Time, injectable so tests control uptimes and pending restarts. */
export interface SupervisorClock {
  now(): number;
  /** Runs `callback` after `ms`; returns a function that cancels it. */
  schedule(callback: () => void, ms: number): () => void;
}

const realClock: SupervisorClock = {
  now: () => performance.now(),
  schedule: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

export interface SupervisorOptions {
  /** Width the child names are padded to in the line prefix. */
  readonly labelWidth: number;
  readonly restart: RestartPolicy;
  /** Called once per child process that exits while the supervisor is not stopping. */
  readonly onUnexpectedExit: (exit: ChildExit, restart: PlannedRestart) => void;
  /** Called when a crashed child has been started again. */
  readonly onRestarted?: (name: string, pid: number | undefined, attempt: number) => void;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  /** ANSI-colored prefixes; default: when stdout is a TTY and NO_COLOR is unset. */
  readonly color?: boolean;
  readonly clock?: SupervisorClock;
  /** Source of jitter, in [0, 1). */
  readonly random?: () => number;
}

interface Running {
  readonly process: ChildProcess;
  readonly exited: Promise<ChildExit>;
  done: boolean;
}

/** One supervised service: its current process and its restart state. */
interface Slot {
  readonly spec: ChildSpec;
  current: Running;
  /** Crashes since the last stable run. */
  crashesInARow: number;
  cancelRestart?: () => void;
}

const COLORS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

export class Supervisor {
  private readonly slots = new Map<string, Slot>();
  private stopping = false;

  private readonly labelWidth: number;
  private readonly restart: RestartPolicy;
  private readonly onUnexpectedExit: SupervisorOptions['onUnexpectedExit'];
  private readonly onRestarted: NonNullable<SupervisorOptions['onRestarted']>;
  private readonly stdout: Writable;
  private readonly stderr: Writable;
  private readonly color: boolean;
  private readonly clock: SupervisorClock;
  private readonly random: () => number;

  constructor(options: SupervisorOptions) {
    this.labelWidth = options.labelWidth;
    this.restart = options.restart;
    this.onUnexpectedExit = options.onUnexpectedExit;
    this.onRestarted = options.onRestarted ?? (() => undefined);
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.color = options.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    // Whatever ends the launcher, no child outlives it.
    process.once('exit', () => this.killAll());
  }

  label(name: string): string {
    const padded = name.padEnd(this.labelWidth);
    if (!this.color) return `${padded} | `;
    const color = COLORS[[...name].reduce((sum, c) => sum + c.charCodeAt(0), 0) % COLORS.length];
    return `\x1b[${color}m${padded} |\x1b[0m `;
  }

  start(spec: ChildSpec): void {
    const slot: Slot = { spec, current: this.spawn(spec), crashesInARow: 0 };
    this.slots.set(spec.name, slot);
    this.watch(slot);
  }

  /** Pid of the child's current process, undefined while it is down. */
  pid(name: string): number | undefined {
    const slot = this.slots.get(name);
    return slot && !slot.current.done ? slot.current.process.pid : undefined;
  }

  /** SIGTERM to every running child, SIGKILL to those still alive after `graceMs`. */
  async stopAll(graceMs: number): Promise<void> {
    this.beginStopping();
    const alive = this.running();
    for (const child of alive) child.process.kill('SIGTERM');
    const all = Promise.all(alive.map((c) => c.exited));
    const timedOut = await Promise.race([all.then(() => false), delay(graceMs).then(() => true)]);
    if (!timedOut) return;
    const stragglers = alive.filter((c) => !c.done);
    for (const child of stragglers) child.process.kill('SIGKILL');
    await Promise.race([all, delay(2000)]);
  }

  /** Immediate SIGKILL of every running child (second Ctrl+C). */
  killAll(): void {
    this.beginStopping();
    for (const child of this.running()) child.process.kill('SIGKILL');
  }

  stragglerNames(): string[] {
    return [...this.slots.entries()].filter(([, slot]) => !slot.current.done).map(([name]) => name);
  }

  private beginStopping(): void {
    this.stopping = true;
    for (const slot of this.slots.values()) slot.cancelRestart?.();
  }

  private running(): Running[] {
    return [...this.slots.values()].map((slot) => slot.current).filter((c) => !c.done);
  }

  /** On an unexpected exit of the slot's current process, plans its restart. */
  private watch(slot: Slot): void {
    const startedAt = this.clock.now();
    const current = slot.current;
    void current.exited.then((exit) => {
      if (this.stopping || slot.current !== current) return;
      const uptimeMs = this.clock.now() - startedAt;
      // A long enough run proves the service can work: a later crash starts the backoff over.
      if (uptimeMs >= this.restart.resetAfterMs) slot.crashesInARow = 0;
      slot.crashesInARow += 1;
      const attempt = slot.crashesInARow;
      const plan: PlannedRestart = {
        attempt,
        delayMs: restartDelayMs(this.restart, attempt, this.random),
        capped: atCap(this.restart, attempt),
      };
      this.onUnexpectedExit({ ...exit, uptimeMs }, plan);
      slot.cancelRestart = this.clock.schedule(() => {
        slot.cancelRestart = undefined;
        if (this.stopping) return;
        slot.current = this.spawn(slot.spec);
        this.watch(slot);
        this.onRestarted(slot.spec.name, slot.current.process.pid, attempt);
      }, plan.delayMs);
    });
  }

  private spawn(spec: ChildSpec): Running {
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      // The IPC channel only signals the launcher's death to the child (see exit-with-launcher.js).
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Own process group: a terminal's Ctrl+C reaches only the launcher, which then stops the
      // children in order (SIGTERM, grace period, SIGKILL) instead of them dying mid-request.
      detached: true,
    });
    const prefix = this.label(spec.name);
    this.pipeLines(child.stdout, this.stdout, prefix);
    this.pipeLines(child.stderr, this.stderr, prefix);

    const running: Running = {
      process: child,
      done: false,
      exited: new Promise<ChildExit>((resolve) => {
        const finish = (exit: Omit<ChildExit, 'uptimeMs'>) => {
          if (running.done) return;
          running.done = true;
          resolve({ ...exit, uptimeMs: 0 });
        };
        const pid = child.pid;
        child.once('error', (error) => finish({ name: spec.name, pid, code: null, signal: null, error }));
        child.once('exit', (code, signal) => finish({ name: spec.name, pid, code, signal }));
      }),
    };
    return running;
  }

  private pipeLines(input: Readable | null, output: Writable, prefix: string): void {
    if (!input) return;
    const lines = createInterface({ input, crlfDelay: Infinity });
    lines.on('line', (line) => output.write(`${prefix}${line}\n`));
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
