import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy that can go silent: after `freeze()` it keeps every socket open but forwards nothing,
 * like a peer behind a dead network path (no RST, no FIN — only heartbeats would notice).
 */
export async function startFreezableProxy(upstreamHost: string, upstreamPort: number) {
  const sockets: Socket[] = [];
  let frozen = false;
  const server = createServer((client) => {
    const upstream = connect(upstreamPort, upstreamHost);
    sockets.push(client, upstream);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (!frozen) to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    freeze: () => {
      frozen = true;
    },
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
