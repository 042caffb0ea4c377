export * from './snake-naming.strategy';
export * from './data-source.factory';
export * from './ensure-database';
export * from './persistence.module';
export * from './keyset-page';
