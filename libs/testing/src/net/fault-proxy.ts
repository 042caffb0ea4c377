import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real dependency (the broker, a database) that a test can break the way
 * production breaks:
 * - `sever()`: every live connection drops at once (RST), the proxy keeps listening — a process killed
 *   mid-delivery, seen from the peer; clients reconnect through it;
 * - `cut()` / `restore()`: connections drop and new ones are refused until restored on the same port —
 *   the dependency's process stopped, then started again;
 * - `freeze()`: every socket stays open but nothing is forwarded — a dead network path (no RST, no FIN;
 *   only heartbeats and timeouts notice).
 */
export interface FaultProxy {
  port: number;
  sever(): void;
  cut(): Promise<void>;
  restore(): Promise<void>;
  freeze(): void;
  close(): Promise<void>;
}

export async function startFaultProxy(upstreamHost: string, upstreamPort: number): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  let frozen = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const forward = (from: Socket, to: Socket) =>
    from.on('data', (chunk: Buffer) => {
      if (!frozen) to.write(chunk);
    });
  const listen = async (port: number): Promise<Server> => {
    const server = createServer((client) => {
      const upstream = connect(upstreamPort, upstreamHost);
      track(client);
      track(upstream);
      forward(client, upstream);
      forward(upstream, client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return server;
  };
  const sever = () => sockets.forEach((socket) => socket.destroy());
  const stop = async (server: Server | undefined) => {
    if (!server) return;
    const closed = new Promise((resolve) => server.close(resolve));
    sever();
    await closed;
  };

  let server: Server | undefined = await listen(0);
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    sever,
    async cut() {
      await stop(server);
      server = undefined;
    },
    async restore() {
      server ??= await listen(port);
    },
    freeze() {
      frozen = true;
    },
    async close() {
      await stop(server);
      server = undefined;
    },
  };
}
