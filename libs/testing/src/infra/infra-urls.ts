/** Where the test infrastructure lives: testcontainers (set by global setup) or the env, else localhost. */
export interface InfraUrls {
  postgres: string;
  redis: string;
  amqp: string;
  rabbitmqManagement: string;
}

export function infraUrls(env: NodeJS.ProcessEnv = process.env): InfraUrls {
  return {
    postgres: env.POSTGRES_URL || 'postgres://postgres:postgres@localhost:5432/postgres',
    redis: env.REDIS_URL || 'redis://localhost:6379',
    amqp: env.AMQP_URL || 'amqp://guest:guest@localhost:5672',
    rabbitmqManagement: env.RABBITMQ_MANAGEMENT_URL || 'http://guest:guest@localhost:15672',
  };
}
