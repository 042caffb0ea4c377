import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import {
  accessTokenClaimsSchema,
  authContract,
  principalFromClaims,
  type AccessTokenClaims,
  type PlanCode,
  type Principal,
  type TokenPair,
} from '@platform/contracts';
import type { RunningService } from '@platform/bootstrap';
import type { RpcClient } from '@platform/messaging';
import { ServiceTestBed, signInOverRpc, type AuthCall, type TestDatabase } from '@platform/testing';
import type { AuthEnv } from '../../src/config/auth-env.schema';
import { authService } from '../../src/service-definition';

export const TEST_ISSUER = 'https://auth.test.local';
export const TEST_AUDIENCE = 'platform-test-api';
export const STRONG_PASSWORD = 'correct horse battery staple';

/** A registered user with a session, as a test sees it. */
export interface TestAccount {
  email: string;
  password: string;
  userId: string;
  organizationId: string;
  tokens: TokenPair;
  principal: Principal;
}

/**
 * The auth service on the generic ServiceTestBed (fresh database, private vhost, Redis; `call` typed
 * from auth's contract, every reply checked against it), plus what only auth's suites need: token
 * verification against its JWKS, accounts, and a raw look at the denylist in Redis.
 */
export class AuthTestApp {
  /** The typed, contract-checked caller; `rpc` is the raw client for deliberately malformed data. */
  readonly call: AuthCall;
  readonly rpc: RpcClient;
  readonly service: RunningService<AuthEnv>;
  readonly database: TestDatabase;
  /**
   * A superuser DataSource on the service's database (its entities and naming), for fixtures and
   * assertions: it bypasses row-level security (the service itself connects as the app role, under it).
   */
  readonly dataSource: DataSource;
  /** The service's Redis is unprefixed (denylist keys are shared with the gateway): looked at raw. */
  readonly redis: Redis;

  private constructor(private readonly bed: ServiceTestBed<AuthEnv, typeof authContract>) {
    this.call = bed.call;
    this.rpc = bed.rpc;
    this.service = bed.service;
    this.database = bed.database;
    this.dataSource = bed.admin;
    this.redis = new Redis(bed.redis.url);
  }

  static async start(extraEnv: Record<string, string> = {}): Promise<AuthTestApp> {
    const bed = await ServiceTestBed.start(authService, {
      contract: authContract,
      env: {
        JWT_ISSUER: TEST_ISSUER,
        JWT_AUDIENCE: TEST_AUDIENCE,
        ARGON2_MEMORY_KIB: '1024',
        ARGON2_TIME_COST: '1',
        ...extraEnv,
      },
    });
    return new AuthTestApp(bed);
  }

  /** A second instance of the service on the same database, vhost and Redis (a replica). */
  startReplica(overrides: Record<string, string> = {}): Promise<RunningService<AuthEnv>> {
    return this.bed.startReplica(overrides);
  }

  async stop(): Promise<void> {
    this.redis.disconnect();
    await this.bed.stop();
  }

  /** What the gateway does with a bearer token: verify against the JWKS, then read the claims. */
  async verifyAccessToken(token: string): Promise<AccessTokenClaims & { kid: string }> {
    const jwks = await this.call('auth.jwks.get', {});
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      algorithms: ['RS256'],
    });
    return { ...accessTokenClaimsSchema.parse(payload), kid: protectedHeader.kid! };
  }

  /** The principal the gateway would build for `accessToken`, after verifying it. */
  async principalOf(accessToken: string): Promise<Principal> {
    return principalFromClaims(await this.verifyAccessToken(accessToken));
  }

  /** Registers (the answer carries no tokens), then logs in for the session; the email is unverified. */
  async register(
    overrides: Partial<{ email: string; password: string; name: string; organizationName: string }> = {},
  ): Promise<TestAccount> {
    const email = overrides.email ?? `user-${randomUUID().slice(0, 8)}@example.test`;
    const password = overrides.password ?? STRONG_PASSWORD;
    await this.call('auth.user.register', {
      email,
      password,
      name: overrides.name ?? 'Test User',
      organizationName: overrides.organizationName ?? 'Test Org',
    });
    const { tokens, principal } = await this.login(email, password);
    return {
      email,
      password,
      userId: principal.userId!,
      organizationId: principal.organizationId!,
      tokens,
      principal,
    };
  }

  /** Logs in (no TOTP) and returns the principal of the new session. */
  login(email: string, password: string, organizationId?: string) {
    return signInOverRpc(this.call, email, password, organizationId);
  }

  /**
   * Arrangement for suites without a mailbox to read (the SMTP sink is where the real flow is tested,
   * see team.ts `verifyEmail`): marks the user's address as proven.
   */
  async markEmailVerified(userId: string): Promise<void> {
    await this.dataSource.query(`UPDATE users SET email_verified = true WHERE id = $1`, [userId]);
  }

  /**
   * Arrangement: the organization's plan, as auth's plan-sync sets it from payments' events (the
   * suites that build teams need more seats than FREE's one).
   */
  async setPlan(organizationId: string, plan: PlanCode): Promise<void> {
    await this.dataSource.query(`UPDATE organizations SET plan = $2 WHERE id = $1`, [organizationId, plan]);
  }

  async isDenied(key: string): Promise<boolean> {
    return (await this.redis.exists(key)) === 1;
  }
}

/** Runs `promise` and returns the DomainError it rejected with (the test fails if it resolved). */
export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; details?: unknown };
  }
  throw new Error('expected the call to fail, it succeeded');
}
