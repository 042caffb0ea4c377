import { z } from 'zod';

/**
 * What the audio worker measures in one recording. Produced by the worker
 * (`audio-worker.analysis.completed`), stored and served by recordings
 * (`GET /v1/recordings/:id/analysis`). Times are in seconds, levels in dB.
 */
export const AUDIO_ANALYSIS_STAGES = [
  'started',
  'probed',
  'loudness',
  'silence',
  'waveform',
  'speech',
  'transcript',
] as const;
export type AudioAnalysisStage = (typeof AUDIO_ANALYSIS_STAGES)[number];

/** Why an analysis failed, for clients to switch on (the `reason` text says more). */
export const AUDIO_ANALYSIS_FAILURES = [
  /** ffmpeg could not read the bytes as audio (corrupt, disguised, truncated): never retried. */
  'UNDECODABLE',
  /** A readable container without an audio stream (a video-only file, an image). */
  'NO_AUDIO_STREAM',
  /** The job ran past AUDIO_JOB_TIMEOUT_MS on every attempt. */
  'TIMEOUT',
  /** The bytes could not be fetched (storage down, object gone) on every attempt. */
  'SOURCE_UNAVAILABLE',
  /**
   * The worker process stopped (crashed, was OOM-killed) while analysing this job, on every attempt:
   * the job is not started again (counted durably before each start, ADR 0011).
   */
  'WORKER_CRASHED',
  /** Anything else, after every attempt. */
  'INTERNAL',
] as const;
export type AudioAnalysisFailure = (typeof AUDIO_ANALYSIS_FAILURES)[number];

export const speechSegmentSchema = z.object({
  startSeconds: z.number().nonnegative(),
  endSeconds: z.number().nonnegative(),
});

/**
 * Transcript and summary come from a provider (Gemini). Without one configured, or when it fails,
 * `status` is `unavailable` with the reason, and `text`/`summary` are null: never invented text.
 */
export const transcriptSchema = z.object({
  status: z.enum(['available', 'unavailable']),
  provider: z.string().nullable(),
  text: z.string().nullable(),
  summary: z.string().nullable(),
  reason: z.string().nullable(),
});

export const audioAnalysisSchema = z.object({
  durationSeconds: z.number().nonnegative(),
  sampleRateHz: z.number().int().positive(),
  channels: z.number().int().positive(),
  codec: z.string(),
  container: z.string(),
  bitRateBps: z.number().int().nonnegative().nullable(),
  loudness: z.object({
    /** EBU R128 integrated loudness; null for digital silence (-inf). */
    integratedLufs: z.number().nullable(),
    /** EBU R128 true peak (dBTP, 4× oversampled); null for digital silence. */
    truePeakDbtp: z.number().nullable(),
    loudnessRangeLu: z.number().nullable(),
  }),
  silence: z.object({
    /** Share of the duration under `thresholdDb` for at least `minSilenceSeconds` (0..1). */
    ratio: z.number().min(0).max(1),
    totalSeconds: z.number().nonnegative(),
    thresholdDb: z.number(),
    minSilenceSeconds: z.number().positive(),
  }),
  waveform: z.object({
    /** Peak absolute amplitude (0..1) of each of `points` equal slices of the audio, mixed to mono. */
    points: z.number().int().positive(),
    peaks: z.array(z.number().min(0).max(1)),
  }),
  speech: z.object({
    model: z.string(),
    segments: z.array(speechSegmentSchema),
    totalSeconds: z.number().nonnegative(),
    ratio: z.number().min(0).max(1),
  }),
  transcript: transcriptSchema,
  analyzedAt: z.string().datetime(),
  /** Wall time the worker spent on this recording (all stages). */
  processingSeconds: z.number().nonnegative(),
});
export type AudioAnalysis = z.infer<typeof audioAnalysisSchema>;
