export * from './tenant-setting';
export * from './tenant-rls.migration';
export * from './tenant-context';
export * from './tenant-transaction';
export * from './system-transaction';
export * from './tenant-isolation-gaps';
export * from './tenant-database';
export * from './tenancy.module';
