export * from './idempotency-tables.migration';
export * from './idempotency.errors';
export * from './request-hash';
export * from './command-once';
export * from './tenant-command';
export * from './nest/idempotent-command.interceptor';
export * from './nest/idempotent-command.decorator';
export * from './response-codec';
