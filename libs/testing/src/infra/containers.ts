import { execFileSync } from 'node:child_process';

interface StartedContainer {
  stop(): Promise<unknown>;
}

const started: StartedContainer[] = [];

function dockerAnswers(): boolean {
  if (process.env.TEST_INFRA === 'local') return false;
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts PostgreSQL, Redis and RabbitMQ (with management) in containers when a Docker engine
 * answers, unless the env already points at explicit URLs (TEST_INFRA=local forces local).
 * testcontainers is loaded lazily: machines without Docker never touch it.
 */
export async function startInfraContainersIfDockerAnswers(): Promise<void> {
  if (process.env.TEST_INFRA !== 'containers' && (process.env.POSTGRES_URL || !dockerAnswers())) return;
  if (!dockerAnswers()) throw new Error('TEST_INFRA=containers but no Docker engine answers');
  const { GenericContainer, Wait } = await import('testcontainers');
  const postgres = await new GenericContainer('postgres:16-alpine')
    .withEnvironment({ POSTGRES_PASSWORD: 'postgres' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const redis = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
  const rabbit = await new GenericContainer('rabbitmq:3.13-management-alpine')
    .withExposedPorts(5672, 15672)
    .withWaitStrategy(Wait.forLogMessage(/Server startup complete/))
    .start();
  started.push(postgres, redis, rabbit);
  process.env.POSTGRES_URL = `postgres://postgres:postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`;
  process.env.REDIS_URL = `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`;
  process.env.AMQP_URL = `amqp://guest:guest@${rabbit.getHost()}:${rabbit.getMappedPort(5672)}`;
  process.env.RABBITMQ_MANAGEMENT_URL = `http://guest:guest@${rabbit.getHost()}:${rabbit.getMappedPort(15672)}`;
}

export async function stopInfraContainers(): Promise<void> {
  await Promise.all(started.splice(0).map((container) => container.stop()));
}
