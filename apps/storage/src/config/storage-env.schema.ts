import { z } from 'zod';
import {
  requireEdgePrincipalSecretInProduction,
  secret,
  serviceEnvSchema,
  urlWithProtocol,
} from '@platform/config';

const positiveInt = z.coerce.number().int().positive();
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const atLeast32Bytes = z
  .string()
  .refine((value) => Buffer.byteLength(value) >= 32, 'must be at least 32 bytes');

/**
 * The storage service's environment: the shared service variables plus its drivers, the edge
 * principal secret (stream routes) and the download-link key. S3 settings are required only when
 * the S3 driver is chosen; the secrets are required in production only.
 */
export const storageEnvSchema = z
  .object({
    ...serviceEnvSchema.shape,
    /**
     * An upload stalled this long (no byte either way) is cut; what arrived is kept for a tus resume.
     * Admitted uploads are exempt from REQUEST_BODY_TIMEOUT_MS (a whole request's deadline; a 1 GB
     * upload legitimately takes longer), so this inactivity limit is what guards them (ADR 0007).
     */
    STORAGE_UPLOAD_IDLE_TIMEOUT_MS: positiveInt.default(30_000),
    /**
     * An upload that receives no byte for this long expires (tus `expiration`, Upload-Expires):
     * HEAD/PATCH answer 410, and the sweep removes its staged bytes and its record (quota freed).
     */
    STORAGE_UPLOAD_EXPIRY_SECONDS: positiveInt.default(24 * 3600),
    /** How often each replica sweeps expired uploads (0: never; tests sweep by hand). */
    STORAGE_UPLOAD_SWEEP_INTERVAL_MS: z.coerce
      .number()
      .int()
      .nonnegative()
      .default(10 * 60_000),
    /** Where bytes end up: `local` (a directory) or `s3` (any S3-compatible endpoint). */
    STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
    /** Root of the local driver's objects, and of in-progress uploads with either driver. */
    STORAGE_LOCAL_ROOT: z.string().min(1).default('./.data/storage'),
    /** Largest single object (tus Tus-Max-Size); the plan's quota still applies on top. */
    STORAGE_MAX_OBJECT_BYTES: positiveInt.default(5 * 1024 ** 3),
    /** HMAC key of the local driver's signed download URLs. */
    STORAGE_DOWNLOAD_URL_SECRET: secret(atLeast32Bytes.optional()),
    /** How long a signed download or part URL stays valid. */
    STORAGE_SIGNED_URL_TTL_SECONDS: positiveInt.max(7 * 24 * 3600).default(300),
    /** Base of the local driver's download URLs (the public API origin, e.g. https://api.example.com). */
    STORAGE_PUBLIC_BASE_URL: urlWithProtocol('http', 'https').default('http://localhost:3000'),
    STORAGE_S3_BUCKET: z.string().min(3).max(63).optional(),
    STORAGE_S3_REGION: z.string().min(1).default('us-east-1'),
    /** A non-AWS endpoint (MinIO, DigitalOcean Spaces, the test's s3rver). Unset: AWS. */
    STORAGE_S3_ENDPOINT: urlWithProtocol('http', 'https').optional(),
    STORAGE_S3_FORCE_PATH_STYLE: flag.default(false),
    STORAGE_S3_ACCESS_KEY_ID: secret(z.string().min(1).optional()),
    STORAGE_S3_SECRET_ACCESS_KEY: secret(z.string().min(1).optional()),
    /** Part size of server-side multipart uploads and of presigned ones (S3 minimum 5 MiB). */
    STORAGE_S3_PART_SIZE_BYTES: positiveInt.min(5 * 1024 * 1024).default(8 * 1024 * 1024),
  })
  .superRefine((env, ctx) => {
    // EDGE_PRINCIPAL_SECRET (shared shape): storage serves stream routes, so it is needed to boot
    // at all (EdgePrincipalModule), and production says so at config time.
    requireEdgePrincipalSecretInProduction(env, ctx);
    if (env.STORAGE_DRIVER === 's3' && !env.STORAGE_S3_BUCKET) {
      ctx.addIssue({
        code: 'custom',
        path: ['STORAGE_S3_BUCKET'],
        message: 'is required when STORAGE_DRIVER=s3',
      });
    }
    if (env.NODE_ENV === 'production') {
      if (!env.STORAGE_DOWNLOAD_URL_SECRET)
        ctx.addIssue({
          code: 'custom',
          path: ['STORAGE_DOWNLOAD_URL_SECRET'],
          message: 'is required in production',
        });
    }
  });

export type StorageEnv = z.infer<typeof storageEnvSchema>;
