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
  /**
   * Drops every client connection to this vhost, as a broker restart or network cut would, once at
   * least `atLeast` are listed. Returns how many it closed.
   */
  closeAllConnections(atLeast?: number): Promise<number>;
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
  const closedConnections = new Set<string>();
  return {
    name,
    url: amqp.toString(),
    async closeAllConnections(atLeast = 1) {
      // The management API lists connections from sampled stats: wait until it sees them all.
      // Connections closed by an earlier call may linger in the stats; they do not count.
      const listed = async () =>
        ((await managementApi<{ name: string }[]>('GET', `/vhosts/${vhost}/connections`)) ?? []).filter(
          (c) => !closedConnections.has(c.name),
        );
      let connections = await listed();
      const deadline = Date.now() + 15_000;
      while (connections.length < atLeast && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        connections = await listed();
      }
      await Promise.all(
        connections.map((c) => {
          closedConnections.add(c.name);
          return managementApi('DELETE', `/connections/${encodeURIComponent(c.name)}`);
        }),
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
