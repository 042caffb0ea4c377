/** One limit a request draws from; all limits of a request are checked and consumed atomically. */
export type LimitSpec =
  | { kind: 'bucket'; key: string; capacity: number; refillPerMs: number; cost: number }
  | { kind: 'window'; key: string; limit: number; windowMs: number };

/** What the client is told (RateLimit-* headers); the most restrictive limit wins. */
export interface ThrottleDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
  /** Set when refused: when the refusing limit admits a request again. */
  retryAfterSeconds?: number;
}
