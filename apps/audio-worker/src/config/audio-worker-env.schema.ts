import { tmpdir } from 'node:os';
import { z } from 'zod';
import { secret, serviceEnvSchema, urlWithProtocol } from '@platform/config';
import { MAX_RETRY_DELAY_MS } from '@platform/messaging';

const positiveInt = z.coerce.number().int().positive();

/** The audio worker's environment: the shared service variables plus its queue, analysis and provider. */
export const audioWorkerEnvSchema = z
  .object({
    ...serviceEnvSchema.shape,
    /** Jobs analysed at once per process (the queue's prefetch); ffmpeg and the VAD are CPU-bound. */
    AUDIO_JOB_CONCURRENCY: positiveInt.default(2),
    /** A job running longer is aborted (ffmpeg killed) and retried, then failed with TIMEOUT. */
    AUDIO_JOB_TIMEOUT_MS: positiveInt.default(15 * 60_000),
    /** Attempts before a job goes to the DLQ (`audio-worker.recordings.analysis.requested.dlq`). */
    AUDIO_JOB_MAX_ATTEMPTS: positiveInt.default(4),
    /** Backoff of the n-th retry: base × 2^(n-1), capped at 5 minutes. */
    AUDIO_JOB_RETRY_BASE_MS: positiveInt.default(10_000),
    /** How often old job_attempts rows are deleted (0 = never, e.g. a replica that should not). */
    AUDIO_JOB_ATTEMPTS_PRUNE_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(60 * 60_000),
    /**
     * A job's start count is kept this long after its last start. Must outlast any job still in
     * flight (checked below), else a crash-looping job would start counting from 1 again.
     */
    AUDIO_JOB_ATTEMPTS_RETENTION_MS: positiveInt.default(7 * 24 * 60 * 60_000),
    /**
     * Where recordings' bytes come from: `local` = storage's local-driver files on a shared volume
     * (`<AUDIO_LOCAL_ROOT>/objects/<organizationId>/<objectId>`); `storage` = a signed download link
     * on storage's internal port (STORAGE_INTERNAL_URL, STORAGE_DOWNLOAD_URL_SECRET), streamed to a
     * temporary file in AUDIO_WORK_DIR. With storage on its S3 driver, use `storage`: storage streams
     * the object out of the bucket on that link (the worker needs no S3 credentials).
     */
    AUDIO_SOURCE: z.enum(['local', 'storage']).default('local'),
    /** Storage's STORAGE_LOCAL_ROOT, as mounted in the worker (same default). */
    AUDIO_LOCAL_ROOT: z.string().min(1).default('./.data/storage'),
    STORAGE_INTERNAL_URL: urlWithProtocol('http', 'https').default('http://127.0.0.1:3105'),
    /** Storage's STORAGE_DOWNLOAD_URL_SECRET; required with AUDIO_SOURCE=storage. */
    STORAGE_DOWNLOAD_URL_SECRET: secret(z.string().min(32).optional()),
    /** Scratch space (downloads, the audio re-encoded for the transcript provider). */
    AUDIO_WORK_DIR: z.string().min(1).default(tmpdir()),
    AUDIO_WAVEFORM_POINTS: positiveInt.max(10_000).default(1000),
    AUDIO_SILENCE_THRESHOLD_DB: z.coerce.number().max(0).default(-50),
    AUDIO_SILENCE_MIN_SECONDS: z.coerce.number().positive().default(0.5),
    /** Another ffmpeg binary than @ffmpeg-installer's (e.g. a distribution's). */
    FFMPEG_PATH: z.string().min(1).optional(),
    /** Unset: no transcription ("transcript unavailable"), the rest of the analysis still runs. */
    GEMINI_API_KEY: secret(z.string().min(1).optional()),
    GEMINI_BASE_URL: urlWithProtocol('http', 'https').default('https://generativelanguage.googleapis.com'),
    GEMINI_MODEL: z.string().min(1).default('gemini-2.5-flash'),
    GEMINI_TIMEOUT_MS: positiveInt.default(120_000),
    /** Re-encoded audio up to this size goes inline; larger audio is uploaded through the Files API. */
    GEMINI_INLINE_MAX_BYTES: positiveInt.default(20 * 1024 * 1024),
  })
  .superRefine((env, ctx) => {
    // The longest a job can stay alive: every attempt runs to its timeout and waits the longest
    // retry delay before the next.
    const longestJobLifeMs = env.AUDIO_JOB_MAX_ATTEMPTS * (env.AUDIO_JOB_TIMEOUT_MS + MAX_RETRY_DELAY_MS);
    if (env.AUDIO_JOB_ATTEMPTS_RETENTION_MS <= longestJobLifeMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIO_JOB_ATTEMPTS_RETENTION_MS'],
        message: `must exceed AUDIO_JOB_MAX_ATTEMPTS × (AUDIO_JOB_TIMEOUT_MS + ${MAX_RETRY_DELAY_MS} ms), ${longestJobLifeMs} ms here`,
      });
    }
    if (env.AUDIO_SOURCE === 'storage' && !env.STORAGE_DOWNLOAD_URL_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['STORAGE_DOWNLOAD_URL_SECRET'],
        message: 'is required when AUDIO_SOURCE=storage',
      });
    }
  });

export type AudioWorkerEnv = z.infer<typeof audioWorkerEnvSchema>;
