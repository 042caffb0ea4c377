export * from './snake-naming.strategy';
export * from './data-source.factory';
export * from './ensure-database';
export * from './persistence.module';
export * from './service-roles';
export * from './keyset-page';
