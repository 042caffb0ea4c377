export * from './request-context';
export * from './redact-paths';
export * from './log-correlation.mixin';
export * from './logger.factory';
export * from './pino-nest.logger';
