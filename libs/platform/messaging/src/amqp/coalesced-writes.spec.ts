import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { waitFor } from '@platform/testing';
import { coalesceWrites } from './coalesced-writes';

describe('coalesceWrites', () => {
  let server: Server;
  let received: Buffer[];
  let client: Socket;

  beforeEach(async () => {
    received = [];
    server = createServer((socket) => socket.on('data', (chunk) => received.push(chunk)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
  });

  afterEach(async () => {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('holds the writes of one turn (corked) and flushes them together on the next tick, in order', async () => {
    coalesceWrites(client);
    const flushed: string[] = [];
    const originalWritev = (client as unknown as { _writev: (...args: unknown[]) => void })._writev;
    (client as unknown as { _writev: (chunks: { chunk: Buffer }[], cb: () => void) => void })._writev =
      function (chunks, cb) {
        flushed.push(chunks.map(({ chunk }) => chunk.toString()).join('|'));
        return originalWritev.call(this, chunks, cb);
      };

    client.write('a');
    client.write(Buffer.from('b'));
    client.write('c');
    expect(client.writableCorked).toBe(1);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(client.writableCorked).toBe(0);
    expect(flushed).toEqual(['a|b|c']);

    client.write('d'); // a later turn corks again
    expect(client.writableCorked).toBe(1);
    await waitFor('all four writes at the peer', () => Buffer.concat(received).length === 4);
    expect(Buffer.concat(received).toString()).toBe('abcd');
  });
});
