/**
 * RPC and event throughput over a real RabbitMQ (AMQP_URL, default localhost), through the
 * platform's own messaging layer. Prints figures; asserts nothing.
 *   npm run bench:rpc            (BENCH_CALLS=N to change the number of calls per level)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { RpcEnvelope } from '@platform/contracts';
import { AmqpConnection, EventPublisher, RpcClient, RpcServer, silentLogger } from '@platform/messaging';
import { fmt, runConcurrently, summarize } from './stats';

const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@localhost:5672';
const CALLS = Number(process.env.BENCH_CALLS ?? 5000);
const PAYLOAD = { blob: randomBytes(640).toString('base64') }; // ≈1 KB of JSON with the envelope
const PATTERN = 'bench.payload.echo';

function envelope(): RpcEnvelope {
  return {
    principal: { kind: 'user', userId: 'u', organizationId: 'o', roles: ['owner'], scopes: [], apiKeyId: null },
    data: PAYLOAD,
    meta: { requestId: randomUUID() },
  };
}

async function main() {
  const serverConnection = new AmqpConnection({ url: AMQP_URL, connectionName: 'bench-server' });
  const clientConnection = new AmqpConnection({ url: AMQP_URL, connectionName: 'bench-client' });
  await Promise.all([serverConnection.connect(), clientConnection.connect()]);
  const server = new RpcServer(serverConnection, { service: `bench-${process.pid}`, prefetch: 64, logger: silentLogger });
  server.register({ pattern: PATTERN, handle: async (request) => request.data });
  const serverChannel = server.start();
  await serverChannel.waitForChannel(5000);
  const client = new RpcClient(clientConnection, 10_000);
  await client.call(PATTERN, envelope()); // warm-up

  console.log(`RPC round trip over RabbitMQ, ${JSON.stringify(envelope()).length} B request, ${CALLS} calls per level`);
  console.log('in flight | calls/s | p50 | p99');
  for (const inFlight of [1, 16, 64]) {
    const calls = inFlight === 1 ? Math.min(CALLS, 2000) : CALLS;
    const { durationsMs, elapsedMs } = await runConcurrently(calls, inFlight, () => client.call(PATTERN, envelope()));
    const s = summarize(durationsMs, elapsedMs);
    console.log(`${String(inFlight).padStart(9)} | ${String(s.perSecond).padStart(7)} | ${fmt(s.p50)} | ${fmt(s.p99)}`);
  }

  const publisher = new EventPublisher(clientConnection, silentLogger);
  console.log(`\nEvent publish with publisher confirms (persistent, 1 KB payload), ${CALLS} events per level`);
  console.log('in flight | events/s | p50 | p99');
  for (const inFlight of [1, 64]) {
    const events = inFlight === 1 ? Math.min(CALLS, 2000) : CALLS;
    const { durationsMs, elapsedMs } = await runConcurrently(events, inFlight, () =>
      publisher.publish('bench.event.published', PAYLOAD),
    );
    const s = summarize(durationsMs, elapsedMs);
    console.log(`${String(inFlight).padStart(9)} | ${String(s.perSecond).padStart(8)} | ${fmt(s.p50)} | ${fmt(s.p99)}`);
  }

  await server.stop();
  const cleanup = await serverConnection.waitForConnection(1000).then((c) => c.createChannel());
  await cleanup.deleteQueue(`rpc.bench-${process.pid}`);
  await Promise.all([serverConnection.close(), clientConnection.close()]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
