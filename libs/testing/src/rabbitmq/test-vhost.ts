import { connect } from 'amqplib';
import { infraUrls } from '../infra/infra-urls';
import { uniqueName } from '../infra/unique-name';
import { managementApi } from './management-api';

export interface QueueInfo {
  name: string;
  messages: number;
  messages_ready: number;
  messages_unacknowledged: number;
  consumers: number;
}

export interface TestVhost {
  name: string;
  /** AMQP URL pointing at the vhost. */
  url: string;
  /** Drops every client connection to this vhost, as a broker restart or network cut would. */
  closeAllConnections(): Promise<number>;
  /** Management API view (unacked counts; sampled every few seconds by the broker). */
  queue(name: string): Promise<QueueInfo | undefined>;
  /** Ready messages in a queue, read over AMQP: exact and immediate, unlike the management stats. */
  readyCount(queue: string): Promise<number>;
  delete(): Promise<void>;
}

/** A private RabbitMQ vhost per suite: exchanges and queues of parallel suites never meet. */
export async function createTestVhost(prefix = 'test'): Promise<TestVhost> {
  const name = uniqueName(prefix);
  const vhost = encodeURIComponent(name);
  const amqp = new URL(infraUrls().amqp);
  const user = decodeURIComponent(amqp.username || 'guest');
  await managementApi('PUT', `/vhosts/${vhost}`, {});
  await managementApi('PUT', `/permissions/${vhost}/${encodeURIComponent(user)}`, {
    configure: '.*',
    write: '.*',
    read: '.*',
  });
  amqp.pathname = `/${vhost}`;
  return {
    name,
    url: amqp.toString(),
    async closeAllConnections() {
      const connections =
        (await managementApi<{ name: string }[]>('GET', `/vhosts/${vhost}/connections`)) ?? [];
      await Promise.all(
        connections.map((c) => managementApi('DELETE', `/connections/${encodeURIComponent(c.name)}`)),
      );
      return connections.length;
    },
    queue: (queue) =>
      managementApi<QueueInfo | undefined>('GET', `/queues/${vhost}/${encodeURIComponent(queue)}`),
    async readyCount(queue) {
      const connection = await connect(amqp.toString());
      try {
        const channel = await connection.createChannel();
        return (await channel.checkQueue(queue)).messageCount;
      } finally {
        await connection.close();
      }
    },
    delete: () => managementApi('DELETE', `/vhosts/${vhost}`).then(() => undefined),
  };
}
