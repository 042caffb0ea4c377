import pino from 'pino';
import { logCorrelationMixin } from './log-correlation.mixin';
import { REDACT_CENSOR, REDACT_PATHS } from './redact-paths';

export interface CreateLoggerOptions {
  service: string;
  level?: string;
  version?: string;
  /** Where lines go; stdout (pino's default) when omitted. Tests pass an in-memory stream. */
  destination?: pino.DestinationStream;
}

/**
 * The one way services build their logger: JSON lines with service/version, ISO time, the level as
 * a word (log pipelines filter on `level: "error"`), request and trace ids, and secrets redacted.
 */
export function createLogger(opts: CreateLoggerOptions): pino.Logger {
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    base:
      opts.version === undefined
        ? { service: opts.service }
        : { service: opts.service, version: opts.version },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: logCorrelationMixin,
    redact: { paths: [...REDACT_PATHS], censor: REDACT_CENSOR },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
