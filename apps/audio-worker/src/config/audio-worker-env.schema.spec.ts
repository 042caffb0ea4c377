import { ConfigError, loadConfig, redactConfig } from '@platform/config';
import { audioWorkerEnvSchema } from './audio-worker-env.schema';

const base = { HTTP_PORT: '3106', DATABASE_URL: 'postgres://app:pw@db:5432/platform_audio_worker' };

const messageOf = (env: Record<string, string>) => {
  try {
    loadConfig(audioWorkerEnvSchema, env);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
};

describe('audio worker env schema', () => {
  it('defaults to the local source, two jobs at once, no transcription provider', () => {
    expect(loadConfig(audioWorkerEnvSchema, base)).toMatchObject({
      AUDIO_SOURCE: 'local',
      AUDIO_LOCAL_ROOT: './.data/storage',
      AUDIO_JOB_CONCURRENCY: 2,
      AUDIO_JOB_TIMEOUT_MS: 900_000,
      AUDIO_JOB_MAX_ATTEMPTS: 4,
      AUDIO_JOB_RETRY_BASE_MS: 10_000,
      AUDIO_WAVEFORM_POINTS: 1000,
      GEMINI_API_KEY: undefined,
      GEMINI_MODEL: 'gemini-2.5-flash',
    });
  });

  it('names the variable that is wrong', () => {
    expect(messageOf({ ...base, AUDIO_SOURCE: 'storage' })).toContain('STORAGE_DOWNLOAD_URL_SECRET');
    expect(messageOf({ ...base, AUDIO_JOB_CONCURRENCY: '0' })).toContain('AUDIO_JOB_CONCURRENCY');
    expect(messageOf({ ...base, AUDIO_SILENCE_THRESHOLD_DB: '3' })).toContain('AUDIO_SILENCE_THRESHOLD_DB');
    expect(messageOf({ ...base, AUDIO_SOURCE: 'storage', STORAGE_DOWNLOAD_URL_SECRET: 'x'.repeat(32) })).toBe(
      '',
    );
  });

  it('keeps job attempt counts 7 days by default, pruned hourly; refuses a retention a live job could outlast', () => {
    expect(loadConfig(audioWorkerEnvSchema, base)).toMatchObject({
      AUDIO_JOB_ATTEMPTS_RETENTION_MS: 604_800_000,
      AUDIO_JOB_ATTEMPTS_PRUNE_INTERVAL_MS: 3_600_000,
    });
    // 4 attempts × (15 min timeout + 5 min longest retry delay) = 80 min = 4,800,000 ms.
    expect(messageOf({ ...base, AUDIO_JOB_ATTEMPTS_RETENTION_MS: '4800000' })).toContain(
      'AUDIO_JOB_ATTEMPTS_RETENTION_MS',
    );
    expect(messageOf({ ...base, AUDIO_JOB_ATTEMPTS_RETENTION_MS: '4800001' })).toBe('');
    // 1 attempt × (1 min + 5 min) = 6 min.
    const short = { AUDIO_JOB_MAX_ATTEMPTS: '1', AUDIO_JOB_TIMEOUT_MS: '60000' };
    expect(messageOf({ ...base, ...short, AUDIO_JOB_ATTEMPTS_RETENTION_MS: '360000' })).not.toBe('');
    expect(messageOf({ ...base, ...short, AUDIO_JOB_ATTEMPTS_RETENTION_MS: '360001' })).toBe('');
    expect(messageOf({ ...base, AUDIO_JOB_ATTEMPTS_PRUNE_INTERVAL_MS: '0' })).toBe('');
    expect(messageOf({ ...base, AUDIO_JOB_ATTEMPTS_PRUNE_INTERVAL_MS: '-1' })).toContain(
      'AUDIO_JOB_ATTEMPTS_PRUNE_INTERVAL_MS',
    );
  });

  it('never prints the Gemini key or the download secret', () => {
    const config = loadConfig(audioWorkerEnvSchema, {
      ...base,
      GEMINI_API_KEY: 'AIza-very-secret',
      AUDIO_SOURCE: 'storage',
      STORAGE_DOWNLOAD_URL_SECRET: 's'.repeat(40),
    });
    const printed = JSON.stringify(redactConfig(audioWorkerEnvSchema, config));
    expect(printed).not.toContain('AIza-very-secret');
    expect(printed).not.toContain('s'.repeat(40));
  });
});
