/**
 * How long a close or cancel may wait for the broker's answer. A peer that vanished without the
 * socket noticing yet never answers, and a shutdown must not wait for heartbeats to find out.
 */
export const CLOSE_TIMEOUT_MS = 2_000;

/** Resolves with the work's result, or `undefined` once `ms` have passed without one. */
export function boundedBy<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
      timer.unref();
    }),
  ]);
}
