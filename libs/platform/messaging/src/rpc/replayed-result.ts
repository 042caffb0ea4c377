/**
 * What a handler pipeline returns when its answer is the stored response of an earlier run (the
 * idempotency lib's interceptor on a replay): `RpcServer` unwraps it into a reply flagged
 * `replayed: true`, so the caller (the gateway: `Idempotent-Replayed: true`) can tell.
 */
export class ReplayedResult<T = unknown> {
  constructor(readonly data: T) {}
}

export function replayedResult<T>(data: T): ReplayedResult<T> {
  return new ReplayedResult(data);
}

/** What `RpcClient.callWithMeta` resolves with: the result and whether it was a replay. */
export interface RpcCallOutcome<T = unknown> {
  data: T;
  replayed: boolean;
}
