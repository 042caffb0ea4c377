import { z } from 'zod';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  REFRESH_REUSE_GRACE_SECONDS,
  SIGNING_KEY_ROTATION_SECONDS,
} from '@platform/contracts';
import {
  requireEdgePrincipalSecretInProduction,
  secret,
  serviceEnvSchema,
  urlWithProtocol,
} from '@platform/config';

const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);

/** A base64 string that decodes to exactly 32 bytes (an AES-256 key). */
const aes256KeyBase64 = z
  .string()
  .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes encoded in base64');

/**
 * Used only when KEY_ENCRYPTION_KEY is unset outside production, so `npm start` works on a fresh clone.
 * Anything encrypted with it is as good as plaintext; production refuses to start without a real key.
 */
export const DEV_KEY_ENCRYPTION_KEY = Buffer.alloc(32, 'platform-dev-only-key').toString('base64');

/** The auth service's environment: the shared service variables plus tokens, mail, crypto and OAuth. */
export const authEnvSchema = z
  .object({
    ...serviceEnvSchema.shape,
    /** `iss` of every access token; the gateway checks it. */
    JWT_ISSUER: z.string().min(1).default('http://localhost:3000'),
    /** `aud` of every access token; the gateway checks it. */
    JWT_AUDIENCE: z.string().min(1).default('platform-api'),
    JWT_ACCESS_TTL_SECONDS: positiveInt.default(ACCESS_TOKEN_TTL_SECONDS),
    /** A spent refresh token presented again within this window gets the same successor (client retry). */
    REFRESH_REUSE_GRACE_SECONDS: nonNegativeInt.default(REFRESH_REUSE_GRACE_SECONDS),
    /** A new signing key takes over this often; the previous one stays in the JWKS while its tokens live. */
    JWT_KEY_ROTATION_SECONDS: positiveInt.default(SIGNING_KEY_ROTATION_SECONDS),
    /** A new key is published in the JWKS this long before it signs, so cached JWKS already know it. */
    JWT_KEY_PREPUBLISH_SECONDS: nonNegativeInt.default(3600),
    /** Extra time a retired key stays published after its last token expired (clock skew). */
    JWT_KEY_RETIRE_GRACE_SECONDS: nonNegativeInt.default(60),
    /** How often each replica reloads keys and rotates when due. */
    JWT_KEY_CHECK_INTERVAL_MS: positiveInt.default(60_000),
    /** AES-256-GCM key (base64, 32 bytes) that encrypts signing keys and TOTP secrets at rest. */
    KEY_ENCRYPTION_KEY: secret(aes256KeyBase64.optional()),
    /** argon2id cost. Defaults follow OWASP (19 MiB, 2 passes); production refuses weaker ones. */
    ARGON2_MEMORY_KIB: positiveInt.default(19_456),
    ARGON2_TIME_COST: positiveInt.default(2),
    ARGON2_PARALLELISM: positiveInt.default(1),
    /** SMTP server for outgoing mail (smtp:// or smtps://, credentials in the URL). Unset outside
     * production: mails are written to the log instead. */
    SMTP_URL: secret(urlWithProtocol('smtp', 'smtps').optional()),
    MAIL_FROM: z.string().min(3).default('Platform <no-reply@localhost>'),
    /** Base URL of the web app: links in emails and the default allowed OAuth redirect origin. */
    APP_BASE_URL: urlWithProtocol('http', 'https').default('http://localhost:3000'),
    PASSWORD_RESET_TTL_SECONDS: positiveInt.default(3600),
    INVITATION_TTL_SECONDS: positiveInt.default(7 * 24 * 3600),
    /** Organizations one user may own (create, or create from a code): each brings its own plan limits. */
    MAX_OWNED_ORGANIZATIONS_PER_USER: positiveInt.default(5),
    /**
     * How long the Redis marker of a revoked API key lives. The gateway checks it on every credential-
     * cache hit, so it must outlive the gateways' CREDENTIAL_CACHE_TTL_SECONDS (default 30).
     */
    API_KEY_REVOCATION_MARKER_TTL_SECONDS: positiveInt.default(3600),
    /**
     * Organization-code emails are delivered from a durable queue (organization_code_mails): how
     * often it is looked at (a new code is sent at once anyway), the first retry delay (doubling,
     * at most 1 h apart) and how many attempts before giving up (the defaults span about 6 hours).
     */
    ORGANIZATION_CODE_MAIL_POLL_MS: positiveInt.default(15_000),
    ORGANIZATION_CODE_MAIL_RETRY_BASE_MS: positiveInt.default(30_000),
    ORGANIZATION_CODE_MAIL_MAX_ATTEMPTS: positiveInt.default(12),
    /** Lifetime of the single-use link that proves a new account's email address. */
    EMAIL_VERIFICATION_TTL_SECONDS: positiveInt.default(24 * 3600),
    /** At most this many mails of one kind (reset, verification, invitation...) to one address per window;
     * extra requests are answered the same but not mailed (invitations: 429). */
    MAIL_PER_RECIPIENT_LIMIT: positiveInt.default(5),
    MAIL_PER_RECIPIENT_WINDOW_SECONDS: positiveInt.default(3600),
    /** At most this many invitation mails from one organization per window (then 429). */
    INVITATION_MAILS_PER_ORGANIZATION_LIMIT: positiveInt.default(50),
    INVITATION_MAILS_PER_ORGANIZATION_WINDOW_SECONDS: positiveInt.default(24 * 3600),
    /** A login with TOTP on must complete verify-mfa within this time, in at most 5 attempts. */
    MFA_CHALLENGE_TTL_SECONDS: positiveInt.default(300),
    /** Wrong second-factor codes (TOTP or recovery) one account may get per window, over all challenges. */
    SECOND_FACTOR_MAX_FAILURES: positiveInt.default(5),
    /** The window of SECOND_FACTOR_MAX_FAILURES, from the first guess; further guesses wait until it ends. */
    SECOND_FACTOR_WINDOW_SECONDS: positiveInt.default(900),
    /** Issuer label shown by authenticator apps. */
    TOTP_ISSUER: z.string().min(1).default('Platform'),
    /** Origins (comma-separated) an OAuth redirectUri may point at; default: APP_BASE_URL's origin. */
    OAUTH_ALLOWED_REDIRECT_ORIGINS: z.string().optional(),
    OAUTH_STATE_TTL_SECONDS: positiveInt.default(600),
    /** Timeout of each call to an OAuth provider (discovery, token, userinfo). */
    OAUTH_HTTP_TIMEOUT_MS: positiveInt.default(5000),
    OAUTH_GOOGLE_ISSUER: urlWithProtocol('http', 'https').default('https://accounts.google.com'),
    /** A provider is enabled when its client id and secret are set. */
    OAUTH_GOOGLE_CLIENT_ID: z.string().optional(),
    OAUTH_GOOGLE_CLIENT_SECRET: secret(z.string().optional()),
    OAUTH_MICROSOFT_ISSUER: urlWithProtocol('http', 'https').default(
      'https://login.microsoftonline.com/common/v2.0',
    ),
    OAUTH_MICROSOFT_CLIENT_ID: z.string().optional(),
    OAUTH_MICROSOFT_CLIENT_SECRET: secret(z.string().optional()),
    OAUTH_GITHUB_CLIENT_ID: z.string().optional(),
    OAUTH_GITHUB_CLIENT_SECRET: secret(z.string().optional()),
    GITHUB_OAUTH_BASE_URL: urlWithProtocol('http', 'https').default('https://github.com'),
    GITHUB_API_BASE_URL: urlWithProtocol('http', 'https').default('https://api.github.com'),
  })
  .superRefine((env, ctx) => {
    requireEdgePrincipalSecretInProduction(env, ctx);
    if (env.NODE_ENV !== 'production') return;
    const require = (variable: string, ok: boolean, message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [variable], message });
    };
    require('KEY_ENCRYPTION_KEY', !!env.KEY_ENCRYPTION_KEY, 'is required when NODE_ENV=production');
    require('KEY_ENCRYPTION_KEY', env.KEY_ENCRYPTION_KEY !==
      DEV_KEY_ENCRYPTION_KEY, 'must not be the development key in production');
    require('SMTP_URL', !!env.SMTP_URL, 'is required when NODE_ENV=production');
    require('ARGON2_MEMORY_KIB', env.ARGON2_MEMORY_KIB >= 19_456, 'must be at least 19456 in production');
    require('ARGON2_TIME_COST', env.ARGON2_TIME_COST >= 2, 'must be at least 2 in production');
    require('JWT_ACCESS_TTL_SECONDS', env.JWT_ACCESS_TTL_SECONDS <=
      ACCESS_TOKEN_TTL_SECONDS, `must be at most ${ACCESS_TOKEN_TTL_SECONDS} in production`);
  });

export type AuthEnv = z.infer<typeof authEnvSchema>;
