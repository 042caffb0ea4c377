import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readLauncherConfig } from './config';
import { parseDotenv } from './env';

describe('readLauncherConfig', () => {
  it('has defaults for every variable (empty counts as unset)', () => {
    expect(readLauncherConfig({ LAUNCHER_STOP_TIMEOUT_MS: '' })).toEqual({
      readyTimeoutMs: 60_000,
      stopTimeoutMs: 10_000,
      restart: { initialDelayMs: 1000, maxDelayMs: 30_000, resetAfterMs: 60_000, jitterRatio: 0.2 },
    });
  });

  it('reads the restart figures', () => {
    const config = readLauncherConfig({
      LAUNCHER_RESTART_INITIAL_DELAY_MS: '50',
      LAUNCHER_RESTART_MAX_DELAY_MS: '400',
      LAUNCHER_RESTART_RESET_AFTER_MS: '2000',
      LAUNCHER_RESTART_JITTER: '0',
    });
    expect(config.restart).toEqual({
      initialDelayMs: 50,
      maxDelayMs: 400,
      resetAfterMs: 2000,
      jitterRatio: 0,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => readLauncherConfig({ LAUNCHER_RESTART_INITIAL_DELAY_MS: '-1' })).toThrow(
      /LAUNCHER_RESTART_INITIAL_DELAY_MS.*got "-1"/,
    );
    expect(() => readLauncherConfig({ LAUNCHER_RESTART_JITTER: '2' })).toThrow(/LAUNCHER_RESTART_JITTER/);
    expect(() =>
      readLauncherConfig({
        LAUNCHER_RESTART_INITIAL_DELAY_MS: '5000',
        LAUNCHER_RESTART_MAX_DELAY_MS: '1000',
      }),
    ).toThrow(/LAUNCHER_RESTART_MAX_DELAY_MS: must be at least LAUNCHER_RESTART_INITIAL_DELAY_MS/);
  });

  it('is documented in .env.example with the defaults', () => {
    const example = parseDotenv(readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8'));
    expect(example).toMatchObject({
      LAUNCHER_READY_TIMEOUT_MS: '60000',
      LAUNCHER_STOP_TIMEOUT_MS: '10000',
      LAUNCHER_RESTART_INITIAL_DELAY_MS: '1000',
      LAUNCHER_RESTART_MAX_DELAY_MS: '30000',
      LAUNCHER_RESTART_RESET_AFTER_MS: '60000',
      LAUNCHER_RESTART_JITTER: '0.2',
    });
  });
});
