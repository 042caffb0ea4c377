export * from './indicators/readiness-indicator';
export * from './indicators/postgres.health';
export * from './indicators/redis.health';
export * from './indicators/rabbitmq.health';
export * from './health-options';
export * from './health.module';
export * from './health-ping.responder';
export * from './readiness.check';
