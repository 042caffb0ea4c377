import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real dependency (the broker, a database) that a test can break the way
 * production breaks:
 * - `sever()`: every live connection drops at once (RST), the proxy keeps listening — a process killed
 *   mid-delivery, seen from the peer; clients reconnect through it;
 * - `cut()` / `restore()`: connections drop and new ones are refused until restored on the same port —
 *   the dependency's process stopped, then started again;
 * - `freeze()`: every socket stays open but nothing is forwarded — a dead network path (no RST, no FIN;
 *   only heartbeats and timeouts notice);
 * - `severAfterClientBytes(n)`: like `sever()`, but once the clients have sent `n` more bytes upstream —
 *   a drop placed mid-request by the wire itself, so it cannot arrive after a fast peer has already sent
 *   everything (a client's own progress events lag behind what its socket has flushed).
 */
export interface FaultProxy {
  port: number;
  sever(): void;
  cut(): Promise<void>;
  restore(): Promise<void>;
  freeze(): void;
  severAfterClientBytes(bytes: number): void;
  close(): Promise<void>;
}

export async function startFaultProxy(upstreamHost: string, upstreamPort: number): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  let frozen = false;
  let clientBytesUntilSever = Infinity;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const forward = (from: Socket, to: Socket, fromClient: boolean) =>
    from.on('data', (chunk: Buffer) => {
      if (frozen) return;
      if (fromClient && chunk.length >= clientBytesUntilSever) {
        to.write(chunk.subarray(0, clientBytesUntilSever));
        clientBytesUntilSever = Infinity;
        sever();
        return;
      }
      if (fromClient) clientBytesUntilSever -= chunk.length;
      to.write(chunk);
    });
  const listen = async (port: number): Promise<Server> => {
    const server = createServer((client) => {
      const upstream = connect(upstreamPort, upstreamHost);
      track(client);
      track(upstream);
      forward(client, upstream, true);
      forward(upstream, client, false);
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
    severAfterClientBytes(bytes: number) {
      clientBytesUntilSever = bytes;
    },
    async close() {
      await stop(server);
      server = undefined;
    },
  };
}
