import { createServer } from 'node:net';

/**
 * A loopback port free right now, for a process that must be told its port before it starts (a
 * child service restarted on the same address). Another process could take it in between: use it
 * only where port 0 cannot be passed.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
