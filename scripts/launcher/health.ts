/** Polls GET /health/ready of a service until it answers 200, within a deadline. */

export interface ReadinessTarget {
  readonly name: string;
  readonly url: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when `url` answers 2xx; rejects on timeout (naming the service) or abort. */
export async function waitUntilReady(
  target: ReadinessTarget,
  timeoutMs: number,
  signal: AbortSignal,
  intervalMs = 500,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (!signal.aborted) {
    try {
      const response = await fetch(target.url, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]),
      });
      await response.body?.cancel();
      if (response.ok) return;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      lastProblem =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `${target.name} was not ready within ${Math.round(timeoutMs / 1000)} s (${target.url}: ${lastProblem})`,
      );
    }
    await sleep(intervalMs);
  }
  throw new Error('aborted');
}
