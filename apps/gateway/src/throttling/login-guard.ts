import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { DomainError } from '@platform/errors';
import { withTimeout } from '@platform/timeouts';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { DegradedDependencyLog } from './degraded-dependency.log';
import { setRateLimitHeaders } from './throttle-limits';
import {
  LOGIN_ADMIT_SCRIPT,
  LOGIN_REFUND_SCRIPT,
  LOGIN_SUCCEEDED_SCRIPT,
} from './scripts/login-guard.script';

/** Request header carrying the device token, and response header handing it out after a sign-in. */
export const DEVICE_TOKEN_HEADER = 'x-device-token';
/** 32 random bytes, base64url: anything else is not a token we issued and is ignored. */
const DEVICE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

type LoginGuardConfig = Pick<
  GatewayEnv,
  | 'GATEWAY_REDIS_KEY_PREFIX'
  | 'RATE_LIMIT_FAIL_MODE'
  | 'RATE_LIMIT_REDIS_TIMEOUT_MS'
  | 'LOGIN_FREE_ATTEMPTS_PER_ACCOUNT'
  | 'LOGIN_FREE_ATTEMPTS_PER_CLIENT'
  | 'LOGIN_DELAY_BASE_SECONDS'
  | 'LOGIN_DELAY_MAX_SECONDS'
  | 'LOGIN_ATTEMPT_WINDOW_SECONDS'
  | 'LOGIN_KNOWN_CLIENT_TTL_SECONDS'
>;

/** Who judged an admitted attempt, as the admit script says. */
enum Judge {
  Stranger = 0,
  KnownAddress = 1,
  KnownDevice = 2,
}

interface LoginKeys {
  account: string;
  address: string;
  device: string;
  knownDevice: string;
  knownAddress: string;
  /** The known-device marker of another token of this account. */
  knownDeviceOf(token: string): string;
}

/** An admitted login attempt, to settle once auth has answered. */
export interface LoginAttempt {
  keys: LoginKeys;
  /** Undefined when Redis was down and the guard failed open: nothing to settle. */
  judge?: Judge;
  deviceToken?: string;
}

/**
 * Password guessing, slowed per account without letting an attacker lock the owner out
 * (docs/SECURITY.md "Login brute force"). Every attempt is counted when it starts; past a small free
 * budget each further attempt waits an exponentially growing delay (429 with Retry-After), capped.
 * Strangers share one budget per account (so guesses spread over many addresses slow down together)
 * and each address has its own; a client that signed in to the account before — by the device token
 * it was handed, or the address of a past sign-in — is judged by its own budget only, so the owner
 * is not held back by strangers' failures. Keys hold hashes only (no email addresses in Redis) and
 * share the account's hash tag (one Redis Cluster slot). Follows RATE_LIMIT_FAIL_MODE when Redis is down.
 */
export class LoginGuard {
  private readonly degradedLog: DegradedDependencyLog;

  /** `now` (ms) only for tests; by default the scripts read Redis's clock, which every replica shares. */
  constructor(
    private readonly redis: Redis,
    private readonly config: LoginGuardConfig,
    logger: Logger,
    private readonly now: () => number = () => 0,
  ) {
    this.degradedLog = new DegradedDependencyLog(logger, 'login guard');
  }

  keys(email: string, ip: string, deviceToken?: string): LoginKeys {
    const account = digest(email.trim().toLowerCase());
    const prefix = `${this.config.GATEWAY_REDIS_KEY_PREFIX}login:{${account}}:`;
    const device = deviceToken ? digest(deviceToken) : 'none';
    return {
      account: `${prefix}account`,
      address: `${prefix}ip:${digest(ip)}`,
      device: `${prefix}device:${device}`,
      knownDevice: `${prefix}known-device:${device}`,
      knownAddress: `${prefix}known-ip:${digest(ip)}`,
      knownDeviceOf: (token) => `${prefix}known-device:${digest(token)}`,
    };
  }

  /** Admits one attempt, or throws RATE_LIMITED (with RateLimit headers) while its delay lasts. */
  async admit(
    email: string,
    ip: string,
    deviceTokenHeader: unknown,
    reply: FastifyReply,
  ): Promise<LoginAttempt> {
    const deviceToken =
      typeof deviceTokenHeader === 'string' && DEVICE_TOKEN.test(deviceTokenHeader)
        ? deviceTokenHeader
        : undefined;
    const keys = this.keys(email, ip, deviceToken);
    const c = this.config;
    let result: [number, number, number, number];
    try {
      result = (await withTimeout(
        LOGIN_ADMIT_SCRIPT.run(
          this.redis,
          [keys.account, keys.address, keys.device, keys.knownDevice, keys.knownAddress],
          [
            this.now(),
            c.LOGIN_FREE_ATTEMPTS_PER_ACCOUNT,
            c.LOGIN_FREE_ATTEMPTS_PER_CLIENT,
            c.LOGIN_DELAY_BASE_SECONDS * 1000,
            c.LOGIN_DELAY_MAX_SECONDS * 1000,
            c.LOGIN_ATTEMPT_WINDOW_SECONDS * 1000,
          ],
        ),
        c.RATE_LIMIT_REDIS_TIMEOUT_MS,
        'Redis (login guard)',
      )) as [number, number, number, number];
    } catch (error) {
      const open = c.RATE_LIMIT_FAIL_MODE === 'open';
      this.degradedLog.failed(
        error,
        open ? 'failing open: logins are not limited' : 'failing closed: logins are refused',
      );
      if (open) return { keys };
      throw new DomainError('SERVICE_UNAVAILABLE', 'Temporarily unavailable; retry shortly', {
        retryAfterSeconds: 1,
      });
    }
    this.degradedLog.recovered();
    const [admitted, judge, waitMs, refusingFree] = result;
    if (admitted !== 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      setRateLimitHeaders(reply, {
        allowed: false,
        limit: refusingFree,
        remaining: 0,
        resetSeconds: retryAfterSeconds,
        retryAfterSeconds,
      });
      throw new DomainError('RATE_LIMITED', `Too many failed logins; try again in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    }
    return deviceToken ? { keys, judge, deviceToken } : { keys, judge };
  }

  /**
   * The password was right: the client becomes known for this account. Returns the device token to
   * hand out (the one sent, when it was already known here; else a new one), or undefined when Redis
   * could not record it.
   */
  async succeeded(attempt: LoginAttempt): Promise<string | undefined> {
    if (attempt.judge === undefined) return undefined;
    const token =
      attempt.judge === Judge.KnownDevice && attempt.deviceToken
        ? attempt.deviceToken
        : randomBytes(32).toString('base64url');
    const { keys } = attempt;
    try {
      await withTimeout(
        LOGIN_SUCCEEDED_SCRIPT.run(
          this.redis,
          [keys.account, keys.address, keys.device, keys.knownDeviceOf(token), keys.knownAddress],
          [attempt.judge, this.config.LOGIN_KNOWN_CLIENT_TTL_SECONDS * 1000],
        ),
        this.config.RATE_LIMIT_REDIS_TIMEOUT_MS,
        'Redis (login guard)',
      );
      return token;
    } catch {
      return undefined;
    }
  }

  /** The attempt got no verdict (auth failed or timed out): not held against anyone. */
  async refund(attempt: LoginAttempt): Promise<void> {
    const { keys, judge } = attempt;
    if (judge === undefined) return;
    const budgets =
      judge === Judge.KnownDevice
        ? [keys.device]
        : judge === Judge.KnownAddress
          ? [keys.address]
          : [keys.address, keys.account];
    await LOGIN_REFUND_SCRIPT.run(this.redis, budgets, []).catch(() => undefined);
  }
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
