export * from './infra/infra-urls';
export * from './infra/unique-name';
export * from './postgres/test-database';
export * from './redis/test-redis';
export * from './rabbitmq/management-api';
export * from './rabbitmq/test-vhost';
export * from './wait-for';
export * from './fakes';
