export * from './config-error';
export * from './load-config';
export * from './schemas';
export * from './secret';
