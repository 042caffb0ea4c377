import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import Redis from 'ioredis';
import { DataSource, type DataSourceOptions } from 'typeorm';
import {
  accessTokenClaimsSchema,
  authContract,
  expectMatchesContract,
  type ContractPattern,
  type AccessTokenClaims,
  type AuthRequest,
  type AuthResult,
  type Principal,
  type TokenPair,
} from '@platform/contracts';
import { bootstrapService, type RunningService } from '@platform/bootstrap';
import { AmqpConnection, RpcClient } from '@platform/messaging';
import {
  createTestDatabase,
  createTestRedis,
  createTestVhost,
  waitFor,
  type TestDatabase,
} from '@platform/testing';
import type { AuthEnv } from '../../src/config/auth-env.schema';
import { authService } from '../../src/service-definition';

type Pattern = ContractPattern<typeof authContract>;

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
 * The auth service booted for real (fresh database, private vhost, Redis) and called the way the
 * gateway calls it: RPC over RabbitMQ with a principal built from a verified access token.
 * Every reply is checked against the contract's result schema.
 */
export class AuthTestApp {
  private cleanups: (() => Promise<unknown>)[] = [];
  service!: RunningService<AuthEnv>;
  rpc!: RpcClient;
  redis!: Redis;
  /**
   * A superuser DataSource on the service's database, for fixtures and assertions: it bypasses
   * row-level security (the service itself connects as the app role, under it).
   */
  dataSource!: DataSource;
  database!: TestDatabase;
  private env: Record<string, string> = {};

  static async start(extraEnv: Record<string, string> = {}): Promise<AuthTestApp> {
    const app = new AuthTestApp();
    await app.boot(extraEnv);
    return app;
  }

  private async boot(extraEnv: Record<string, string>): Promise<void> {
    const [database, vhost, redis] = await Promise.all([
      createTestDatabase('auth'),
      createTestVhost('auth'),
      createTestRedis('auth'),
    ]);
    this.database = database;
    this.cleanups.push(
      () => database.drop(),
      () => vhost.delete(),
      () => redis.cleanup(),
    );
    this.env = {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      // As production: queries as the app role (NOBYPASSRLS), migrations as the owner, cross-tenant
      // work as the system role.
      DATABASE_URL: database.appUrl,
      DATABASE_MIGRATIONS_URL: database.url,
      DATABASE_SYSTEM_URL: database.systemUrl,
      AMQP_URL: vhost.url,
      REDIS_URL: redis.url,
      JWT_ISSUER: TEST_ISSUER,
      JWT_AUDIENCE: TEST_AUDIENCE,
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
      OUTBOX_POLL_MS: '50',
      ...extraEnv,
    };
    this.service = await bootstrapService(authService, this.env);
    this.cleanups.unshift(() => this.service.app.close());
    const connection = new AmqpConnection({ url: vhost.url, connectionName: `auth-test-${randomUUID()}` });
    await connection.connect();
    this.cleanups.unshift(() => connection.close());
    this.rpc = new RpcClient(connection, 5000);
    // The service's Redis is unprefixed (denylist keys are shared with the gateway): look at it raw.
    this.redis = new Redis(redis.url);
    this.cleanups.unshift(async () => this.redis.disconnect());
    // The service's entities and naming, on the superuser connection.
    const service = this.service.app.get(DataSource);
    this.dataSource = await new DataSource({
      ...service.options,
      url: database.url,
      applicationName: 'auth-test-admin',
      extra: { max: 4 },
    } as DataSourceOptions).initialize();
    this.cleanups.unshift(() => this.dataSource.destroy());
    // The RPC queue is bound asynchronously after boot: wait until a pattern routes.
    await waitFor('auth RPC patterns bound', () => this.call('auth.jwks.get', {}).then(() => true), {
      timeoutMs: 15_000,
    });
  }

  /** A second instance of the service on the same database, vhost and Redis (a replica). */
  async startReplica(overrides: Record<string, string> = {}): Promise<RunningService<AuthEnv>> {
    const replica = await bootstrapService(authService, { ...this.env, ...overrides });
    this.cleanups.unshift(() => replica.app.close());
    return replica;
  }

  async stop(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0)) await cleanup().catch(() => undefined);
  }

  /** Calls a pattern; the reply must satisfy the contract's result schema (a drifting handler fails the test). */
  async call<P extends Pattern>(
    pattern: P,
    data: AuthRequest<P> | Record<string, unknown>,
    principal: Principal | null = null,
  ): Promise<AuthResult<P>> {
    const result = await this.rpc.call(pattern, { principal, data, meta: { requestId: randomUUID() } });
    return expectMatchesContract(authContract, pattern, result) as AuthResult<P>;
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

  async principalOf(accessToken: string): Promise<Principal> {
    const claims = await this.verifyAccessToken(accessToken);
    return {
      kind: 'user',
      userId: claims.sub,
      organizationId: claims.org,
      roles: claims.roles,
      scopes: claims.scope ? claims.scope.split(' ') : [],
      apiKeyId: null,
      sessionId: claims.sid,
      tokenId: claims.jti,
      plan: claims.plan,
    };
  }

  /** Registers (the answer carries no tokens), then logs in for the session; the email is unverified. */
  async register(
    overrides: Partial<{ email: string; password: string; name: string; organizationName: string }> = {},
  ) {
    const email = overrides.email ?? `user-${randomUUID().slice(0, 8)}@example.test`;
    const password = overrides.password ?? STRONG_PASSWORD;
    await this.call('auth.user.register', {
      email,
      password,
      name: overrides.name ?? 'Test User',
      organizationName: overrides.organizationName ?? 'Test Org',
    });
    const { tokens, principal } = await this.login(email, password);
    const account: TestAccount = {
      email,
      password,
      userId: principal.userId!,
      organizationId: principal.organizationId!,
      tokens,
      principal,
    };
    return account;
  }

  /** Logs in (no TOTP) and returns the principal of the new session. */
  async login(email: string, password: string, organizationId?: string) {
    const result = await this.call('auth.session.login', { email, password, organizationId });
    if (result.mfaRequired) throw new Error('login asked for a second factor');
    return { tokens: result.tokens, principal: await this.principalOf(result.tokens.accessToken) };
  }

  /**
   * Arrangement for suites without a mailbox to read (the SMTP sink is where the real flow is tested,
   * see team.ts `verifyEmail`): marks the user's address as proven.
   */
  async markEmailVerified(userId: string): Promise<void> {
    await this.dataSource.query(`UPDATE users SET email_verified = true WHERE id = $1`, [userId]);
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
