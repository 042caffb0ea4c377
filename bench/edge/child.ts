/**
 * The side of a benchmark child process that talks to bench/edge.ts over the IPC channel `fork`
 * opens: it reports the URL it listens on, and stops cleanly when asked (so `--cpu-prof` writes its
 * profile on exit).
 */
export interface ChildReady {
  type: 'ready';
  url: string;
}

export function reportReady(url: string): void {
  process.send?.({ type: 'ready', url } satisfies ChildReady);
}

/** Runs `stop` then exits on SIGTERM, SIGINT or the parent going away. */
export function stopWith(stop: () => Promise<unknown>): void {
  let stopping = false;
  const exit = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', exit);
  process.on('SIGINT', exit);
  process.on('disconnect', exit);
}
