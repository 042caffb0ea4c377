/**
 * When keys sign and when they stop being published, as pure functions of time (unit-tested).
 *
 * - The signing key at `now` is the newest key whose `activatesAt <= now`.
 * - Rotation: once the signing key has signed for `rotation - prepublish`, a successor is created with
 *   `activatesAt = max(now + prepublish, signing.activatesAt + rotation)`; it is in the JWKS at least `prepublish`
 *   before it signs, so verifiers with a cached JWKS already know its `kid`.
 * - A key stops being published once its successor activated more than `accessTtl + grace` ago: by
 *   then every token it signed has expired. Such keys are deleted (their private half is no use).
 */
export interface KeyTiming {
  kid: string;
  activatesAt: Date;
}

export interface SchedulePolicy {
  rotationSeconds: number;
  prepublishSeconds: number;
  accessTtlSeconds: number;
  retireGraceSeconds: number;
}

const byActivation = <K extends KeyTiming>(keys: readonly K[]) =>
  [...keys].sort((a, b) => a.activatesAt.getTime() - b.activatesAt.getTime());

export function signingKeyAt<K extends KeyTiming>(keys: readonly K[], now: Date): K | undefined {
  return byActivation(keys)
    .filter((key) => key.activatesAt.getTime() <= now.getTime())
    .at(-1);
}

/** The activation time of the key to create now, or undefined when no key is due. */
export function nextKeyActivation(
  keys: readonly KeyTiming[],
  now: Date,
  policy: SchedulePolicy,
): Date | undefined {
  const signing = signingKeyAt(keys, now);
  if (!signing) {
    const pending = keys.some((key) => key.activatesAt.getTime() > now.getTime());
    return pending ? undefined : now;
  }
  if (keys.some((key) => key.activatesAt.getTime() > now.getTime())) return undefined;
  const due = signing.activatesAt.getTime() + (policy.rotationSeconds - policy.prepublishSeconds) * 1000;
  if (now.getTime() < due) return undefined;
  // Overdue (the service was down at rotation time): still pre-publish, the old key is not compromised.
  return new Date(
    Math.max(
      now.getTime() + policy.prepublishSeconds * 1000,
      signing.activatesAt.getTime() + policy.rotationSeconds * 1000,
    ),
  );
}

/** Keys that may still have live tokens, plus keys not yet signing: what the JWKS publishes. */
export function publishedKeys<K extends KeyTiming>(
  keys: readonly K[],
  now: Date,
  policy: SchedulePolicy,
): K[] {
  const sorted = byActivation(keys);
  const keepMs = (policy.accessTtlSeconds + policy.retireGraceSeconds) * 1000;
  return sorted.filter((_key, index) => {
    const successor = sorted.slice(index + 1).find((next) => next.activatesAt.getTime() <= now.getTime());
    return !successor || successor.activatesAt.getTime() + keepMs > now.getTime();
  });
}
