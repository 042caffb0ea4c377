import { connect } from 'node:net';
import { infraUrls } from './infra-urls';

function tcpReachable(url: string, defaultPort: number, timeoutMs = 2000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Fails fast, naming the missing service, instead of letting every suite time out. */
export async function assertInfraReachable(): Promise<void> {
  const urls = infraUrls();
  const checks: [string, string, number][] = [
    ['PostgreSQL (POSTGRES_URL)', urls.postgres, 5432],
    ['Redis (REDIS_URL)', urls.redis, 6379],
    ['RabbitMQ (AMQP_URL)', urls.amqp, 5672],
    ['RabbitMQ management API (RABBITMQ_MANAGEMENT_URL)', urls.rabbitmqManagement, 15672],
  ];
  const results = await Promise.all(checks.map(([, url, port]) => tcpReachable(url, port)));
  const missing = checks
    .filter((_, i) => !results[i])
    .map(([name, url]) => `${name} at ${new URL(url).host}`);
  if (missing.length) {
    throw new Error(
      `Test infrastructure not reachable: ${missing.join(', ')}. Run "npm test", which starts it.`,
    );
  }
}
