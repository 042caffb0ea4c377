/**
 * How long a close or cancel may wait for the broker's answer. A peer that vanished without the
 * socket noticing yet never answers, and a shutdown must not wait for heartbeats to find out.
 */
export const CLOSE_TIMEOUT_MS = 2_000;
