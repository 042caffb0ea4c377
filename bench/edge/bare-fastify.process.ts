/**
 * The reference of the edge benchmark: a bare Fastify server (no Nest, no hooks, no plugins)
 * answering GET /health/live with the same JSON as the gateway's liveness route.
 */
import Fastify from 'fastify';
import { reportReady, stopWith } from './child';

async function main() {
  const fastify = Fastify({ logger: false });
  fastify.get('/health/live', async () => ({ status: 'ok' }));
  const url = await fastify.listen({ port: 0, host: '127.0.0.1' });
  stopWith(() => fastify.close());
  reportReady(url);
}

void main();
