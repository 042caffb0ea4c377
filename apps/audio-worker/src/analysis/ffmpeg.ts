import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

/** The ffmpeg binary shipped by @ffmpeg-installer/ffmpeg (no system install); FFMPEG_PATH overrides it. */
export function ffmpegPath(override?: string): string {
  if (override) return override;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

export interface FfmpegRun {
  /** Decoded output when the arguments write to `pipe:1`; consume it, or ffmpeg stalls on a full pipe. */
  stdout: Readable;
  /** Resolves with the exit code once ffmpeg exited and every stderr line was handed to `onLine`. */
  done: Promise<{ code: number | null; lastLines: string[] }>;
}

const KEPT_LINES = 30;

/**
 * Runs ffmpeg with `args`. Its stderr is read line by line (`onLine`), never buffered whole: a long
 * recording's log stays out of memory except for the last lines, kept for error messages. `signal`
 * kills the process (a job timeout must not leave an ffmpeg running).
 */
export function runFfmpeg(
  binary: string,
  args: string[],
  options: { signal?: AbortSignal; onLine?: (line: string) => void } = {},
): FfmpegRun {
  const child = spawn(binary, ['-hide_banner', '-nostdin', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    signal: options.signal,
    killSignal: 'SIGKILL',
  });
  const lastLines: string[] = [];
  let pending = '';
  const take = (line: string) => {
    lastLines.push(line);
    if (lastLines.length > KEPT_LINES) lastLines.shift();
    options.onLine?.(line);
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    const lines = (pending + chunk).split(/\r?\n|\r/);
    pending = lines.pop() ?? '';
    lines.forEach(take);
  });
  const done = new Promise<{ code: number | null; lastLines: string[] }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (pending) take(pending);
      resolve({ code, lastLines });
    });
  });
  // An abort can reject `done` while the caller is still reading stdout: marked handled here, the
  // caller's own `await done` still sees the rejection.
  done.catch(() => undefined);
  return { stdout: child.stdout, done };
}
