export * from './idempotency-tables.migration';
export * from './idempotency.errors';
export * from './request-hash';
export * from './command-once';
export * from './tenant-command';
