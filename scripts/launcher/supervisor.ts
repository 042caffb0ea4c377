/**
 * Runs child processes, prefixes each output line with the child's padded name, and stops them
 * all: SIGTERM, a grace period, then SIGKILL for stragglers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface ChildSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
}

export interface ChildExit {
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: Error;
}

export interface SupervisorOptions {
  /** Width the child names are padded to in the line prefix. */
  readonly labelWidth: number;
  /** Called once per child that exits while the supervisor is not stopping. */
  readonly onUnexpectedExit: (exit: ChildExit) => void;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  /** ANSI-colored prefixes; default: when stdout is a TTY and NO_COLOR is unset. */
  readonly color?: boolean;
}

interface Running {
  readonly process: ChildProcess;
  readonly exited: Promise<ChildExit>;
  done: boolean;
}

const COLORS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

export class Supervisor {
  private readonly children = new Map<string, Running>();
  private stopping = false;

  private readonly labelWidth: number;
  private readonly onUnexpectedExit: (exit: ChildExit) => void;
  private readonly stdout: Writable;
  private readonly stderr: Writable;
  private readonly color: boolean;

  constructor(options: SupervisorOptions) {
    this.labelWidth = options.labelWidth;
    this.onUnexpectedExit = options.onUnexpectedExit;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.color = options.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
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
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
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
        const finish = (exit: ChildExit) => {
          if (running.done) return;
          running.done = true;
          resolve(exit);
          if (!this.stopping) this.onUnexpectedExit(exit);
        };
        child.once('error', (error) => finish({ name: spec.name, code: null, signal: null, error }));
        child.once('exit', (code, signal) => finish({ name: spec.name, code, signal }));
      }),
    };
    this.children.set(spec.name, running);
  }

  /** SIGTERM to every running child, SIGKILL to those still alive after `graceMs`. */
  async stopAll(graceMs: number): Promise<void> {
    this.stopping = true;
    const alive = [...this.children.values()].filter((c) => !c.done);
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
    this.stopping = true;
    for (const child of this.children.values()) if (!child.done) child.process.kill('SIGKILL');
  }

  stragglerNames(): string[] {
    return [...this.children.entries()].filter(([, c]) => !c.done).map(([name]) => name);
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
