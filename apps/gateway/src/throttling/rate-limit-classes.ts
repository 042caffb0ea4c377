import type { GatewayEnv } from '../config/gateway-env.schema';

/**
 * Every route names one class; the class fixes the per-endpoint sliding window (requests per minute
 * per principal, or per client IP on public routes). Authenticated routes also draw from the
 * organization's one token bucket at the plan's rate.
 */
export const RATE_LIMIT_CLASSES = ['read', 'write', 'sensitive', 'public', 'credential'] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];

export const RATE_LIMIT_CLASS_DESCRIPTIONS: Record<RateLimitClass, string> = {
  read: 'authenticated reads',
  write: 'authenticated writes',
  sensitive: 'account-security changes (passwords, second factor, keys, invitations)',
  public: 'unauthenticated reads, per client IP',
  credential: 'unauthenticated credential checks (register, login, reset, codes), per client IP',
};

export function windowLimitsPerMinute(config: GatewayEnv): Record<RateLimitClass, number> {
  return {
    read: config.RATE_LIMIT_READ_PER_MINUTE,
    write: config.RATE_LIMIT_WRITE_PER_MINUTE,
    sensitive: config.RATE_LIMIT_SENSITIVE_PER_MINUTE,
    public: config.RATE_LIMIT_PUBLIC_PER_MINUTE,
    credential: config.RATE_LIMIT_CREDENTIAL_PER_MINUTE,
  };
}
